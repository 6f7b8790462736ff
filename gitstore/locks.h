// Stale ref locks. git and libgit2 update a ref by creating <ref>.lock, writing the new value
// into it and renaming it over the ref; a process killed in between leaves the lock behind,
// and git refuses every later update of that ref until someone removes the file by hand. An
// agent killed by a timeout or the OOM killer has nobody to do that. The refs git-agentq
// updates (the queue's, the notes, the tracking refs its fetches update) are locked for
// milliseconds, so a lock older than a grace period belongs to a dead process; removing it
// loses nothing (it holds at most the id that was being written).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/error.h"

namespace agentq {

// AGENTQ_STALE_LOCK_MS, default 10 s; USAGE when it is not a number of milliseconds.
Result<std::chrono::milliseconds> stale_lock_grace();

// Removes `lock` when it is older than the grace period. True when it is gone (removed now,
// or already).
bool clear_stale_lock(const std::string& lock);

// The lock file a git error names ("Unable to create '<path>.lock': File exists"), if any.
std::optional<std::string> lock_named_in(const std::string& git_stderr);

}  // namespace agentq
