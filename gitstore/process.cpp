#include "gitstore/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/strings.h"

extern char** environ;

namespace agentq {
namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

bool make_pipe(Fd* r, Fd* w) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  r->fd = fds[0];
  w->fd = fds[1];
  return true;
}

std::vector<std::string> build_env(const ProcessSpec& spec) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool drop = false;
    for (const auto& u : spec.unset_env) drop |= (u == name);
    for (const auto& [k, v] : spec.env) drop |= (k == name);
    if (!drop) env.push_back(std::move(entry));
  }
  for (const auto& [k, v] : spec.env) env.push_back(k + "=" + v);
  return env;
}

long steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  ProcessResult res;
  if (spec.argv.empty()) return fail(Error::usage("empty command"));
  signal(SIGPIPE, SIG_IGN);

  Fd in_r, in_w, out_r, out_w, err_r, err_w, exec_r, exec_w;
  if (!make_pipe(&exec_r, &exec_w) || (spec.stdin_data && !make_pipe(&in_r, &in_w)) ||
      (!spec.inherit_stdout && !make_pipe(&out_r, &out_w)) ||
      (!spec.inherit_stderr && !spec.merge_stderr && !make_pipe(&err_r, &err_w)))
    return fail(Error::io(std::string("cannot create a pipe: ") + std::strerror(errno)));

  std::vector<std::string> env = build_env(spec);
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const long start = steady_ms();
  pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    if (!spec.spawn_failure_as_result)
      return fail(Error::io(std::string("cannot start a process: ") + std::strerror(e)));
    res.spawn_errno = e;
    res.exit_code = -1;
    res.err = std::string("cannot start ") + spec.argv[0] + ": " + std::strerror(e) + "\n";
    return res;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    int devnull = open("/dev/null", O_RDWR);
    dup2(spec.stdin_data ? in_r.fd : devnull, 0);
    if (!spec.inherit_stdout) dup2(out_w.fd, 1);
    if (spec.merge_stderr) dup2(spec.inherit_stdout ? 1 : out_w.fd, 2);
    else if (!spec.inherit_stderr) dup2(err_w.fd, 2);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(exec_w.fd, &e, sizeof e);
      _exit(127);
    }
    execvpe(argv[0], argv.data(), envp.data());
    int e = errno;
    (void)!write(exec_w.fd, &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so the group exists before any kill
  exec_w.reset();
  in_r.reset();
  out_w.reset();
  err_w.reset();

  int exec_errno = 0;
  ssize_t got = read(exec_r.fd, &exec_errno, sizeof exec_errno);
  res.started = got <= 0;

  size_t in_off = 0;
  const std::string& in_data = spec.stdin_data ? *spec.stdin_data : std::string();
  if (spec.stdin_data && in_data.empty()) in_w.reset();
  if (in_w.fd >= 0) fcntl(in_w.fd, F_SETFL, O_NONBLOCK);

  bool killed = false;
  long kill_at = 0;
  char buf[65536];
  while (out_r.fd >= 0 || err_r.fd >= 0 || in_w.fd >= 0) {
    pollfd fds[3];
    int n = 0;
    int idx_out = -1, idx_err = -1, idx_in = -1;
    if (out_r.fd >= 0) { idx_out = n; fds[n++] = {out_r.fd, POLLIN, 0}; }
    if (err_r.fd >= 0) { idx_err = n; fds[n++] = {err_r.fd, POLLIN, 0}; }
    if (in_w.fd >= 0) { idx_in = n; fds[n++] = {in_w.fd, POLLOUT, 0}; }
    int wait = -1;
    if (spec.timeout_ms > 0) {
      long left = spec.timeout_ms - (steady_ms() - start);
      if (killed) left = kill_at - steady_ms();
      if (left <= 0) {
        if (!killed) {
          res.timed_out = true;
          kill(-pid, SIGTERM);
          killed = true;
          kill_at = steady_ms() + 2000;
          continue;
        }
        kill(-pid, SIGKILL);
        break;
      }
      wait = static_cast<int>(left);
    }
    int rc = poll(fds, static_cast<nfds_t>(n), wait);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) break;
    if (rc == 0) continue;
    auto drain = [&](int idx, Fd& fd, std::string& into, size_t* total) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t r = read(fd.fd, buf, sizeof buf);
      if (r <= 0) {
        fd.reset();
        return;
      }
      if (total) *total += static_cast<size_t>(r);
      size_t keep = into.size() < spec.capture_limit ? std::min(static_cast<size_t>(r), spec.capture_limit - into.size()) : 0;
      into.append(buf, keep);
    };
    drain(idx_out, out_r, res.out, &res.out_total);
    drain(idx_err, err_r, res.err, nullptr);
    if (idx_in >= 0 && (fds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_w.fd, in_data.data() + in_off, in_data.size() - in_off);
      if (w > 0) in_off += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN) in_w.reset();
      if (in_off >= in_data.size()) in_w.reset();
    }
  }
  int status = 0;
  // A child may close its output and keep running: the timeout still applies while we wait.
  if (spec.timeout_ms > 0) {
    while (true) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) break;
      const long deadline = killed ? kill_at : start + spec.timeout_ms;
      if (w == 0 && steady_ms() >= deadline) {
        res.timed_out = true;
        kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      usleep(5000);
    }
  } else {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // The child may have left descendants holding the group; a timed-out run kills them all.
  if (res.timed_out) kill(-pid, SIGKILL);
  res.duration_ms = steady_ms() - start;
  if (!res.started) {
    res.exit_code = 127;
    res.spawn_errno = exec_errno;
    res.err += std::string("cannot run ") + spec.argv[0] + ": " + std::strerror(exec_errno) + "\n";
    return res;
  }
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) res.signal = WTERMSIG(status);
  return res;
}

Result<ProcessResult> run_git(const std::vector<std::string>& args, const std::string& cwd,
                              const std::optional<std::string>& stdin_data) {
  ProcessSpec spec;
  spec.argv.push_back("git");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.stdin_data = stdin_data;
  return run_process(spec);
}

Error git_failed(const std::string& what, const ProcessResult& r) {
  return Error(Code::GIT_ERROR, what + ": " + trim_end(r.err.empty() ? r.out : r.err));
}

Result<ProcessResult> run_git_checked(const std::vector<std::string>& args, const std::string& cwd,
                                      const std::string& what) {
  auto r = run_git(args, cwd);
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed(what, *r));
  return r;
}

}  // namespace agentq
