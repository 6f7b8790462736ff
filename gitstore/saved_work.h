// Saving a lane's uncommitted work before it is lost: when a task goes back to the queue
// (unclaim, prune-stale) or a lane is torn down, its changes are kept as a patch and the lane
// itself is never touched.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"

namespace agentq {

// Saves the uncommitted work of the worktree at `path` (changes to tracked files and untracked,
// not ignored, files) as a binary patch against its HEAD under <common dir>/agentq/saved/, named
// after `label`. The worktree, its index and its files are left exactly as they were (the patch
// is built in a temporary index). nullopt when there is nothing to save; else the patch's path.
Result<std::optional<std::string>> save_uncommitted(const Repo& repo, const std::string& path, const std::string& label);

// When the worktree that has `task`'s branch checked out has uncommitted work, saves it (as
// save_uncommitted) and returns its path relative to the common dir (the event's
// `saved_patch`); empty when there is nothing to save or no such worktree here.
Result<std::string> save_lane_work(Queue& q, const std::string& task);

}  // namespace agentq
