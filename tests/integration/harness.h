// The integration harness: a sandbox directory with its own HOME and git identity, real
// repositories, a real bare origin and clones, and the built git-agentq binary run as a
// process. No mocks of git.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentq::it {

struct Run {
  int code = -1;
  std::string out, err;
  std::string all() const { return out + err; }
};

// The queue definitions most tests use: two delivery roles (ui with 2 lanes), a reviewer,
// a coordinator, actors for each, and tasks with a dependency and a lane pin.
extern const char* kQueueYaml;

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
  // Commits a file change in `dir` and returns the new commit id.
  std::string commit_file(const std::string& dir, const std::string& file, const std::string& content,
                          const std::string& message = "work") const;

  std::string binary() const;

 private:
  std::string root_;
};

}  // namespace agentq::it
