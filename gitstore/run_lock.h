// One active invocation per run directory and per candidate: two runners driving the same
// stages would race on the checkpoint and record each other's results. flock(2) on a lock file: the kernel releases it when the holder exits,
// however it exits, so a crashed runner never leaves a stale lock behind.
#pragma once

#include <string>

#include "core/error.h"

namespace agentq {

class RunLock {
 public:
  // RUN_IN_PROGRESS when another process holds `path`; `what` names it in the message.
  static Result<RunLock> acquire(const std::string& path, const std::string& what);
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace agentq
