// `check`: a task's acceptance checks run one by one in a clean detached worktree of the commit
// (never the user's possibly dirty tree), each result recorded as acceptance evidence with its
// output attached. Fail closed (core/acceptance.h); every command runs and every result is
// recorded, whatever failed before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/queue.h"
#include "gitstore/worktrees.h"

namespace agentq {

// One acceptance command as it ran and was recorded.
struct CheckResult {
  std::string command;
  bool pass = false;
  int exit_code = 0;
  bool timed_out = false;
  long duration_ms = 0;
  std::string log;                   // the attachment's path in the event commit
  std::optional<int64_t> log_bytes;  // the output's full size, when it was cut at policy.log_cap
  Written written;                   // the evidence event
};

class AcceptanceRun {
 public:
  // The checks of `task` at `commit_rev`, run as `actor`, each for at most `timeout_ms`
  // (policy.check_timeout when unset). UNKNOWN_TASK; ILLEGAL_TRANSITION when the task is done
  // (a task without checks has nothing to refuse); GIT_ERROR when the worktree cannot be made.
  static Result<AcceptanceRun> prepare(Queue& q, const std::string& actor, const std::string& task,
                                       const std::string& commit_rev, std::optional<long> timeout_ms);

  size_t size() const { return checks_.size(); }
  const std::string& command(size_t i) const { return checks_[i]; }
  const std::string& commit() const { return commit_; }
  long timeout_ms() const { return timeout_ms_; }

  // Runs check `i` (0-based) and writes its evidence event; errors only when it cannot be written.
  Result<CheckResult> run(size_t i);

 private:
  AcceptanceRun() = default;
  Queue* q_ = nullptr;
  std::string actor_, task_, role_, commit_;
  long timeout_ms_ = 0;
  size_t cap_ = 0;
  std::vector<std::string> checks_;
  std::optional<ScratchWorktree> tree_;
};

}  // namespace agentq
