#include "gitstore/locks.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/timeutil.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

long long age_ms_of(const struct stat& st) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return (static_cast<long long>(now.tv_sec) - st.st_mtim.tv_sec) * 1000 +
         (static_cast<long long>(now.tv_nsec) - st.st_mtim.tv_nsec) / 1000000;
}

using DirPtr = std::unique_ptr<DIR, int (*)(DIR*)>;

struct Holder {
  enum class Kind { none, process, unknown } kind = Kind::none;
  long pid = 0;
  std::string what;  // the process's command, or why nobody can tell
};

std::string command_of(const std::string& proc_dir) {
  std::ifstream in(proc_dir + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

// Which live process, if any, has the file `lock` open, by every process's /proc/<pid>/fd. The
// descriptors of another user's process (or of one that made itself undumpable, which /proc
// shows as root's) cannot be read: such a process is ruled out unless it runs as the lock's
// owner, the user who created it.
Holder find_holder(const struct stat& lock) {
  Holder h;
  DirPtr proc(opendir("/proc"), closedir);
  if (!proc) {
    h.kind = Holder::Kind::unknown;
    h.what = "/proc cannot be read";
    return h;
  }
  bool saw_self = false;
  const std::string self = std::to_string(getpid());
  while (dirent* e = readdir(proc.get())) {
    if (!all_digits(e->d_name)) continue;
    saw_self |= self == e->d_name;
    const std::string dir = std::string("/proc/") + e->d_name;
    DirPtr fds(opendir((dir + "/fd").c_str()), closedir);
    if (!fds) {
      if (errno == ENOENT || errno == ESRCH) continue;  // it ended meanwhile
      struct stat owner;
      if (stat(dir.c_str(), &owner) != 0 || owner.st_uid != lock.st_uid) continue;
      h.kind = Holder::Kind::unknown;
      h.pid = std::atol(e->d_name);
      h.what = "the open files of process " + std::string(e->d_name) + " (" + command_of(dir) + ") cannot be read";
      return h;
    }
    while (dirent* f = readdir(fds.get())) {
      if (!all_digits(f->d_name)) continue;
      struct stat target;
      if (stat((dir + "/fd/" + f->d_name).c_str(), &target) != 0) continue;
      if (target.st_dev == lock.st_dev && target.st_ino == lock.st_ino) {
        h.kind = Holder::Kind::process;
        h.pid = std::atol(e->d_name);
        h.what = command_of(dir);
        return h;
      }
    }
  }
  // A /proc that does not list this very process is not a process table (not Linux, or hidepid).
  if (!saw_self) {
    h.kind = Holder::Kind::unknown;
    h.what = "/proc does not list the processes";
  }
  return h;
}

// The ref `lock` locks, as a path below the common git dir ("refs/agent-queue/log",
// "packed-refs"); empty when the file is not below it.
std::string locked_name(const Repo& repo, const std::filesystem::path& lock) {
  std::error_code ec;
  const auto common = std::filesystem::weakly_canonical(repo.common_dir(), ec);
  if (ec) return {};
  const auto file = std::filesystem::weakly_canonical(lock, ec);
  if (ec) return {};
  const std::string rel = file.lexically_relative(common).generic_string();
  if (rel.empty() || starts_with(rel, "..") || rel.size() <= 5 || rel.compare(rel.size() - 5, 5, ".lock") != 0) return {};
  return rel.substr(0, rel.size() - 5);
}

std::string describe(const std::string& name) {
  if (name.empty()) return "a file outside this repository's refs";
  if (name == "packed-refs") return "the packed refs";
  if (starts_with(name, "refs/")) return "ref " + name;
  return name;
}

// The message names the path itself (a location would print it twice).
Error lock_error(const std::string&, std::string message, std::string fix) {
  return Error(Code::GIT_ERROR, std::move(message), {}, std::move(fix));
}

std::string remove_hint(const std::string& path) {
  return "if no git process is running in this repository, remove it: rm '" + path + "'";
}

}  // namespace

std::chrono::milliseconds stale_lock_grace(const Env& env) {
  return std::chrono::milliseconds(env.settings().stale_lock_ms);
}

bool owned_ref(const std::string& ref) {
  auto ours = [](const std::string& name) {
    return (starts_with(name, "agent-queue/") && name.size() > 12) || starts_with(name, "notes/agentq");
  };
  if (!starts_with(ref, "refs/")) return false;
  const std::string rest = ref.substr(5);
  if (ours(rest)) return true;
  if (!starts_with(rest, "remotes/")) return false;
  // refs/remotes/<remote>/…: remote names may contain '/', so every split is tried.
  const std::string tracking = rest.substr(8);
  for (size_t slash = tracking.find('/'); slash != std::string::npos; slash = tracking.find('/', slash + 1))
    if (slash > 0 && ours(tracking.substr(slash + 1))) return true;
  return false;
}

Result<LockCheck> clear_stale_lock(const Repo& repo, const std::string& lock) {
  const auto grace = stale_lock_grace(repo.env());
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(lock, ec).lexically_normal();
  const std::string path = ec ? lock : abs.string();
  LockCheck c;
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return c;  // gone
    c.outcome = LockCheck::Outcome::stuck;
    c.why = lock_error(path, "cannot look at " + path + ": " + std::strerror(errno), remove_hint(path));
    return c;
  }
  const long long age = age_ms_of(st);
  const std::string name = locked_name(repo, abs);
  const bool owned = S_ISREG(st.st_mode) && starts_with(name, "refs/") && owned_ref(name);
  if (age < grace.count()) {
    c.outcome = LockCheck::Outcome::busy;
    c.why = lock_error(path, path + " is in use (created " + format_age(age) + " ago): another git process holds " + describe(name),
                       remove_hint(path));
    return c;
  }
  c.outcome = LockCheck::Outcome::stuck;
  if (!owned) {
    c.why = lock_error(path,
                       path + " has been in the way for " + format_age(age) + "; it locks " + describe(name) +
                           ", and git-agentq removes only the stale locks of its own refs",
                       remove_hint(path));
    return c;
  }
  const Holder h = find_holder(st);
  if (h.kind == Holder::Kind::process) {
    c.why = lock_error(path,
                       path + " is " + format_age(age) + " old and held open by process " + std::to_string(h.pid) +
                           (h.what.empty() ? "" : " (" + h.what + ")"),
                       "let process " + std::to_string(h.pid) + " finish (or stop it), then try again");
    return c;
  }
  if (h.kind == Holder::Kind::unknown) {
    c.why = lock_error(path,
                       path + " is " + format_age(age) + " old, and whether a live process holds it cannot be told (" +
                           h.what + ")",
                       remove_hint(path));
    return c;
  }
  // The lock judged is the one removed: a live writer may have replaced it meanwhile.
  struct stat now;
  if (lstat(path.c_str(), &now) != 0) {
    c.outcome = LockCheck::Outcome::gone;
    return c;
  }
  if (now.st_dev != st.st_dev || now.st_ino != st.st_ino || now.st_mtim.tv_sec != st.st_mtim.tv_sec ||
      now.st_mtim.tv_nsec != st.st_mtim.tv_nsec) {
    c.outcome = LockCheck::Outcome::busy;
    c.why = lock_error(path, path + " was just taken by another process", remove_hint(path));
    return c;
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    c.why = lock_error(path, "cannot remove the stale lock " + path + ": " + std::strerror(errno), remove_hint(path));
    return c;
  }
  c.outcome = LockCheck::Outcome::removed;
  c.why = Error();
  return c;
}

std::optional<std::string> lock_named_in(const std::string& err) {
  const std::string marker = "Unable to create '";
  size_t at = err.find(marker);
  if (at == std::string::npos) return std::nullopt;
  at += marker.size();
  size_t end = err.find('\'', at);
  if (end == std::string::npos) return std::nullopt;
  std::string path = err.substr(at, end - at);
  if (path.size() < 5 || path.compare(path.size() - 5, 5, ".lock") != 0) return std::nullopt;
  return path;
}

std::optional<RemoteLock> remote_lock(const Env& env, const std::string& remote, const std::string& err) {
  if (err.find("remote: ") == std::string::npos) return std::nullopt;
  auto path = lock_named_in(err);
  if (!path) return std::nullopt;
  RemoteLock r;
  struct stat st;
  std::string age;
  if (stat(path->c_str(), &st) == 0) {
    const long long ms = age_ms_of(st);
    r.stale = ms >= stale_lock_grace(env).count();
    age = ", " + format_age(ms) + " old";
  } else {
    age = " (its age cannot be told from here)";
  }
  r.why = Error(Code::REMOTE_LOCKED,
                remote + " cannot update a ref: " + *path + " exists there" + age +
                    ", left by a git process on the remote that is still running or crashed",
                {},
                "if no git process on " + remote + " is using it, remove it there ('rm " + *path +
                    "'); nothing was published, so retry afterwards");
  return r;
}

}  // namespace agentq
