// Waiting for refs to move, without a polling loop: inotify on the directories git writes refs
// to (`status --watch`). Linux only, like the rest of the process code.
#pragma once

#include <string>

#include "core/error.h"

namespace agentq {

enum class Wake { refs, input, interrupt };

class RefWatch {
 public:
  // Watches `common_dir`'s refs/ (every directory below it, and ones created later) and the
  // common dir itself (packed-refs is replaced by a rename there). Blocks SIGINT and SIGTERM
  // for the caller, so that wait() reports them instead of the process dying mid-redraw.
  static Result<RefWatch> open(const std::string& common_dir);
  RefWatch(RefWatch&&) noexcept;
  RefWatch& operator=(RefWatch&&) = delete;
  ~RefWatch();

  // Sleeps until a ref changes (then waits until the burst of a git command is over, so a
  // push that moves four refs wakes once), `input_fd` is readable (-1: none), or SIGINT/SIGTERM.
  Result<Wake> wait(int input_fd);

 private:
  RefWatch() = default;
  Status add_tree(const std::string& dir);
  bool drain();  // true when an event was a ref change (not only lock files)

  int inotify_ = -1, signals_ = -1;
  std::string common_;
};

}  // namespace agentq
