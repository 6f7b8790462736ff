#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "gitstore/process.h"

extern char** environ;

namespace agentq::it {

const char* kQueueYaml = R"(version: 1
policy:
  base: main
  stale_after: 1h
roles:
  backend: { kind: delivery, lanes: 1 }
  ui: { kind: delivery, lanes: 2 }
  arch: { kind: review }
  coord: { kind: coordinator }
actors:
  agent-a: { roles: [backend], model: m1 }
  agent-b: { roles: [ui], model: m2 }
  agent-b2: { roles: [ui], model: m2 }
  rev: { roles: [arch], model: m3 }
  alice: { roles: [coord], human: true }
tasks:
  - id: A-1
    title: first backend task
    role: backend
    acceptance_checks: ["true"]
  - id: A-2
    title: after A-1
    role: backend
    depends_on: [A-1]
  - id: B-1
    title: ui one
    role: ui
  - id: B-2
    title: ui two
    role: ui
  - id: B-3
    title: ui three
    role: ui
  - id: B-PIN
    title: pinned to lane 2
    role: ui
    lane: 2
)";

Sandbox::Sandbox() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "agentq-it-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  REQUIRE(made != nullptr);
  root_ = made;
  std::filesystem::create_directories(root_ + "/home");
}

Sandbox::~Sandbox() {
  if (!std::getenv("AGENTQ_KEEP_SANDBOX")) {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
}

std::string Sandbox::binary() const { return AGENTQ_BINARY; }

std::string with_remote(const std::string& yaml, const std::string& remote) {
  std::string out = yaml;
  const std::string anchor = "policy:\n";
  size_t at = out.find(anchor);
  REQUIRE(at != std::string::npos);
  out.insert(at + anchor.size(), "  remote: " + remote + "\n");
  return out;
}

Sandbox::Env Sandbox::environment(const std::map<std::string, std::string>& extra) const {
  Env e;
  const std::string bindir = std::filesystem::path(AGENTQ_BINARY).parent_path().string();
  const char* path = std::getenv("PATH");
  e.set = {{"HOME", root_ + "/home"},
           {"PATH", bindir + ":" + (path ? path : "/usr/bin:/bin")},
           {"GIT_CONFIG_NOSYSTEM", "1"},
           {"GIT_AUTHOR_NAME", "Test Author"},
           {"GIT_AUTHOR_EMAIL", "author@example.com"},
           {"GIT_COMMITTER_NAME", "Test Committer"},
           {"GIT_COMMITTER_EMAIL", "committer@example.com"},
           {"LC_ALL", "C"},
           {"NO_COLOR", "1"}};
  e.unset = {"AGENTQ_ACTOR", "AGENTQ_NOW", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
             "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "EMAIL", "AGENTQ_SYNC_ATTEMPTS",
             "AGENTQ_REMOTE_TIMEOUT"};
  for (const auto& [k, v] : extra) e.set.emplace_back(k, v);
  return e;
}

Run Sandbox::run(const std::vector<std::string>& argv, const std::string& cwd,
                 const std::map<std::string, std::string>& env, const std::string& stdin_data) const {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd.empty() ? root_ : cwd;
  Env e = environment(env);
  spec.env = e.set;
  spec.unset_env = e.unset;
  if (!stdin_data.empty()) spec.stdin_data = stdin_data;
  spec.timeout_ms = 300000;
  auto r = run_process(spec);
  REQUIRE(r.has_value());
  return Run{r->exit_code, r->out, r->err};
}

Run Sandbox::git(const std::string& dir, const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir);
}

Run Sandbox::aq(const std::string& dir, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv{binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir, env);
}

Run Sandbox::sh(const std::string& dir, const std::string& script) const { return run({"/bin/sh", "-c", script}, dir); }

std::string Sandbox::git_ok(const std::string& dir, const std::vector<std::string>& args) const {
  Run r = git(dir, args);
  INFO("git " << args.front() << ": " << r.err);
  REQUIRE(r.code == 0);
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

nlohmann::json Sandbox::aq_json(const std::string& dir, const std::vector<std::string>& args) const {
  std::vector<std::string> a = args;
  a.push_back("--json");
  Run r = aq(dir, a);
  INFO("git agentq " << args.front() << " exit " << r.code << ": " << r.err);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

void Sandbox::write(const std::string& rel, const std::string& content) const {
  std::filesystem::path p(path(rel));
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::string Sandbox::read(const std::string& rel) const {
  std::ifstream in(path(rel), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Sandbox::make_repo(const std::string& name, const std::string& yaml) const {
  const std::string dir = path(name);
  std::filesystem::create_directories(dir);
  git_ok(dir, {"init", "-q", "-b", "main"});
  write(name + "/.agentq/queue.yaml", yaml);
  write(name + "/README", "project\n");
  git_ok(dir, {"add", "-A"});
  git_ok(dir, {"commit", "-q", "-m", "queue definitions"});
  return dir;
}

std::string Sandbox::make_queue(const std::string& name, const std::string& yaml) const {
  const std::string dir = make_repo(name, yaml);
  Run r = aq(dir, {"init"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  return dir;
}

std::string Sandbox::commit_file(const std::string& dir, const std::string& file, const std::string& content,
                                 const std::string& message) const {
  std::filesystem::path p = std::filesystem::path(dir) / file;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  git_ok(dir, {"add", "--", file});
  git_ok(dir, {"commit", "-q", "-m", message});
  return git_ok(dir, {"rev-parse", "HEAD"});
}

std::string Sandbox::make_origin(const std::string& name, const std::string& yaml) const {
  const std::string origin = path(name);
  git_ok(root_, {"init", "-q", "--bare", "-b", "main", origin});
  const std::string seed = make_repo("seed", yaml);
  git_ok(seed, {"remote", "add", "origin", origin});
  git_ok(seed, {"push", "-q", "origin", "main"});
  Run init = aq(seed, {"init"});
  INFO(init.err);
  REQUIRE(init.code == 0);
  REQUIRE(git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == git_ok(seed, {"rev-parse", "refs/agent-queue/log"}));
  return origin;
}

std::string Sandbox::clone(const std::string& origin, const std::string& name, bool sync) const {
  const std::string dir = path(name);
  git_ok(root_, {"clone", "-q", origin, dir});
  if (sync) {
    Run r = aq(dir, {"sync"});
    INFO("sync in " << name << ": " << r.err);
    REQUIRE(r.code == 0);
  }
  return dir;
}

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<Run> Sandbox::race(const std::vector<Racer>& racers, const std::map<std::string, std::string>& env) const {
  const std::string dir = path("race-" + std::to_string(races_++));
  std::filesystem::create_directories(dir);
  std::string script;
  for (size_t i = 0; i < racers.size(); ++i) {
    std::string cmd = quote(binary());
    for (const auto& a : racers[i].args) cmd += " " + quote(a);
    const std::string n = std::to_string(i);
    script += "(cd " + quote(racers[i].dir) + " && while [ ! -e " + quote(dir + "/go") + " ]; do sleep 0.01; done; " +
              cmd + " >" + quote(dir + "/out." + n) + " 2>" + quote(dir + "/err." + n) + "; echo $? >" +
              quote(dir + "/rc." + n) + ") &\n";
  }
  script += "touch " + quote(dir + "/go") + "\nwait\n";
  REQUIRE(run({"/bin/sh", "-c", script}, root_, env).code == 0);
  std::vector<Run> runs;
  const std::string rel = dir.substr(root_.size() + 1);
  for (size_t i = 0; i < racers.size(); ++i) {
    const std::string n = std::to_string(i);
    Run r;
    r.code = std::stoi(read(rel + "/rc." + n));
    r.out = read(rel + "/out." + n);
    r.err = read(rel + "/err." + n);
    runs.push_back(std::move(r));
  }
  return runs;
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Processes carrying `token` in their environment (every process a run started inherits it),
// with their command lines. Zombies have no environment left and are not listed.
std::vector<std::pair<pid_t, std::string>> processes_with(const std::string& token) {
  std::vector<std::pair<pid_t, std::string>> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* d = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atol(d->d_name));
    if (pid <= 0) continue;
    const std::string base = std::string("/proc/") + d->d_name;
    const std::string env = slurp(base + "/environ");
    if (env.find(token + std::string(1, '\0')) == std::string::npos) continue;
    out.emplace_back(pid, slurp(base + "/cmdline"));
  }
  closedir(proc);
  return out;
}

bool server_side(const std::string& cmdline) {
  return cmdline.find("receive-pack") != std::string::npos || cmdline.find("upload-pack") != std::string::npos;
}

}  // namespace

Killed Sandbox::run_killed(const std::string& dir, const std::vector<std::string>& args, int delay_ms, Kill how,
                           const std::map<std::string, std::string>& env) const {
  const std::string token = "AGENTQ_TEST_RUN=" + root_ + "/" + std::to_string(races_++);
  std::map<std::string, std::string> extra = env;
  extra["AGENTQ_TEST_RUN"] = token.substr(token.find('=') + 1);
  Env e = environment(extra);
  std::vector<std::string> envs;
  for (char** p = environ; p && *p; ++p) {
    std::string entry(*p);
    std::string name = entry.substr(0, entry.find('='));
    bool drop = false;
    for (const auto& u : e.unset) drop |= u == name;
    for (const auto& [k, v] : e.set) drop |= k == name;
    if (!drop) envs.push_back(entry);
  }
  for (const auto& [k, v] : e.set) envs.push_back(k + "=" + v);
  std::vector<std::string> argv{binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& v : envs) cenv.push_back(v.data());
  cenv.push_back(nullptr);
  const std::string out = dir + "/../killed.out", err = dir + "/../killed.err";

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    if (chdir(dir.c_str()) != 0) _exit(127);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), er = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(er, 2);
    execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  Killed k;
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      k.finished = true;
      break;
    }
    if (std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(delay_ms)) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  k.elapsed_ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  if (!k.finished) {
    ::kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    // Children re-parent when their parent dies, so the whole client side is found by the
    // token in the environment, not by parentage; a few rounds catch late forks.
    for (int round = 0; how == Kill::tree && round < 20; ++round) {
      bool any = false;
      for (const auto& [p, cmd] : processes_with(token))
        if (!server_side(cmd)) any |= ::kill(p, SIGKILL) == 0;
      if (!any) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  // Let whatever still runs (an orphaned push, the server's side of it) finish.
  const auto quiet_by = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!processes_with(token).empty()) {
    REQUIRE(std::chrono::steady_clock::now() < quiet_by);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (k.finished) {
    k.run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    k.run.out = slurp(out);
    k.run.err = slurp(err);
  }
  return k;
}

}  // namespace agentq::it
