#include "harness.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gitstore/process.h"

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

Run Sandbox::run(const std::vector<std::string>& argv, const std::string& cwd,
                 const std::map<std::string, std::string>& env, const std::string& stdin_data) const {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd.empty() ? root_ : cwd;
  const std::string bindir = std::filesystem::path(AGENTQ_BINARY).parent_path().string();
  const char* path = std::getenv("PATH");
  spec.env = {{"HOME", root_ + "/home"},
              {"PATH", bindir + ":" + (path ? path : "/usr/bin:/bin")},
              {"GIT_CONFIG_NOSYSTEM", "1"},
              {"GIT_AUTHOR_NAME", "Test Author"},
              {"GIT_AUTHOR_EMAIL", "author@example.com"},
              {"GIT_COMMITTER_NAME", "Test Committer"},
              {"GIT_COMMITTER_EMAIL", "committer@example.com"},
              {"LC_ALL", "C"},
              {"NO_COLOR", "1"}};
  spec.unset_env = {"AGENTQ_ACTOR", "AGENTQ_NOW", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "EMAIL"};
  for (const auto& [k, v] : env) spec.env.emplace_back(k, v);
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

}  // namespace agentq::it
