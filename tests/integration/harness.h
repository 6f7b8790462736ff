// The integration harness: a sandbox directory with its own HOME and git identity, real
// repositories, a real bare origin and clones, and the built git-agentq binary run as a
// process. No mocks of git.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentq::it {

// Whether `haystack` contains `needle` (output checks). One definition: the unity build puts
// test files together.
inline bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct Run {
  int code = -1;
  std::string out, err;
  std::string all() const { return out + err; }
};

// The queue definitions most tests use: two delivery roles (ui with 2 lanes), a reviewer,
// a coordinator, actors for each, and tasks with a dependency and a lane pin.
extern const char* kQueueYaml;

// `yaml` with `policy.remote: <remote>` added (a queue that replicates through that remote).
std::string with_remote(const std::string& yaml = kQueueYaml, const std::string& remote = "origin");

// One process of a race: `git agentq ARGS` in `dir`.
struct Racer {
  std::string dir;
  std::vector<std::string> args;
};

// How run_killed ends a process that is still running after the delay.
enum class Kill {
  process,  // SIGKILL to git-agentq alone: the git it started (fetch, push) runs on, orphaned
  tree,     // SIGKILL to git-agentq and every client-side process it started (not the server's
            // receive-pack/upload-pack: a real server outlives its clients)
};

struct Killed {
  bool finished = false;  // it exited on its own before the kill
  Run run;                // its exit code and output when finished
  long elapsed_ms = 0;    // until it exited or was killed
};

class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& root() const { return root_; }
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }

  // Runs a command with the sandbox environment (HOME, identity, PATH with git-agentq first).
  Run run(const std::vector<std::string>& argv, const std::string& cwd = {},
          const std::map<std::string, std::string>& env = {}, const std::string& stdin_data = {}) const;
  Run git(const std::string& dir, const std::vector<std::string>& args) const;
  Run aq(const std::string& dir, const std::vector<std::string>& args,
         const std::map<std::string, std::string>& env = {}) const;
  Run sh(const std::string& dir, const std::string& script) const;
  // Like git()/aq() but fails the test when the exit code is not 0.
  std::string git_ok(const std::string& dir, const std::vector<std::string>& args) const;
  nlohmann::json aq_json(const std::string& dir, const std::vector<std::string>& args) const;

  void write(const std::string& rel, const std::string& content) const;
  std::string read(const std::string& rel) const;

  // A repository at `name` on branch main with .agentq/queue.yaml committed.
  std::string make_repo(const std::string& name, const std::string& yaml = kQueueYaml) const;
  // make_repo + `git agentq init`.
  std::string make_queue(const std::string& name, const std::string& yaml = kQueueYaml) const;
  // A bare repository `name` (origin) holding branch main with `yaml`, whose queue has been
  // initialised and published by a seed clone ("seed"). Returns the origin's path.
  std::string make_origin(const std::string& name = "origin.git", const std::string& yaml = with_remote()) const;
  // `git clone` of `origin` into `name`, then `git agentq sync` (unless `sync` is false).
  std::string clone(const std::string& origin, const std::string& name, bool sync = true) const;

  // Starts every racer at the same moment (they wait on one barrier file) and waits for all.
  std::vector<Run> race(const std::vector<Racer>& racers, const std::map<std::string, std::string>& env = {}) const;

  // Runs `git agentq ARGS` in `dir` and, unless it finished first, kills it after `delay_ms`;
  // then waits until every process it started has ended, so the repositories are quiet.
  Killed run_killed(const std::string& dir, const std::vector<std::string>& args, int delay_ms, Kill how,
                    const std::map<std::string, std::string>& env = {}) const;

  // Commits a file change in `dir` and returns the new commit id.
  std::string commit_file(const std::string& dir, const std::string& file, const std::string& content,
                          const std::string& message = "work") const;

  std::string binary() const;

 private:
  struct Env {
    std::vector<std::pair<std::string, std::string>> set;
    std::vector<std::string> unset;
  };
  Env environment(const std::map<std::string, std::string>& extra) const;

  std::string root_;
  mutable int races_ = 0;
};

}  // namespace agentq::it
