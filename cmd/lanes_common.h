// Shared by unclaim and prune-stale: the failed-agent path of runbook 001 (preserve a lane's
// uncommitted work before its task is reassigned).
#pragma once

#include <string>

#include "core/error.h"
#include "gitstore/queue.h"

namespace agentq::cli {

// When the worktree that has `task`'s branch checked out has uncommitted work, saves it as a
// patch under <git common dir>/agentq/saved/ (the worktree itself is left untouched) and
// returns its path relative to the common dir (the event's `saved_patch`); empty when there is
// nothing to save or no such worktree here.
Result<std::string> save_lane_work(Queue& q, const std::string& task);

}  // namespace agentq::cli
