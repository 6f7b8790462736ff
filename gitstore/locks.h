// Stale ref locks. git and libgit2 update a ref by creating <ref>.lock, writing the new value
// into it and renaming it over the ref; a process killed in between leaves the lock behind,
// and git refuses every later update of that ref until someone removes the file by hand. An
// agent killed by a timeout or the OOM killer has nobody to do that.
//
// git-agentq removes such a lock itself only when all of these hold:
// - it locks a ref git-agentq owns (owned_ref): the queue's refs, the notes and their
//   tracking refs, which git-agentq and its fetches hold for milliseconds and nothing else
//   writes; never packed-refs.lock, a branch, index.lock or another program's ref;
// - it is older than the grace period (AGENTQ_STALE_LOCK_MS, default 10 s): git closes a ref
//   lock's file after writing the new value and holds only the file until it renames it, so
//   the age is what tells a dead writer from a slow one;
// - no live process has it open (Linux: /proc/<pid>/fd); when that cannot be told, it stays.
// Removing it then loses nothing: it holds at most the id that was being written. Any other
// lock in the way is reported with its path, its age and how to clear it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// How old an owned lock must be before it counts as stale: AGENTQ_STALE_LOCK_MS (the Env's
// stale_lock_ms, 10 s by default).
std::chrono::milliseconds stale_lock_grace(const Env& env);

// True for the refs git-agentq owns: refs/agent-queue/*, refs/notes/agentq*, and their
// tracking refs refs/remotes/<remote>/agent-queue/*, refs/remotes/<remote>/notes/agentq*.
bool owned_ref(const std::string& ref);

struct LockCheck {
  enum class Outcome {
    gone,     // there is no such lock (any more): try again now
    removed,  // it was a dead writer's lock of an owned ref and is removed: try again now
    busy,     // young: a live writer is probably using it; try again after a pause
    stuck,    // waiting will not help and it may not be removed: report `why`
  };
  Outcome outcome = Outcome::gone;
  // For busy and stuck: the lock's path, age, who holds it if known, and how to clear it.
  Error why;
};

// Judges the lock file `lock` (an absolute path, or relative to the current directory) that
// stands in the way of a ref update in `repo`, removing it when the rules above allow.
// Fails only when AGENTQ_STALE_LOCK_MS is malformed.
Result<LockCheck> clear_stale_lock(const Repo& repo, const std::string& lock);

// A remote's ref lock in the way of a push (`git_stderr` is the push's, whose "remote: error:
// cannot lock ref" line names it): REMOTE_LOCKED naming the lock, its age when the remote is on
// this filesystem, and how to clear it there; `stale` tells whether it is older than the grace
// period (waiting will not help). git-agentq never removes another repository's lock. Nothing
// when the stderr names no lock.
struct RemoteLock {
  Error why;
  bool stale = false;
};
std::optional<RemoteLock> remote_lock(const Env& env, const std::string& remote, const std::string& git_stderr);

// The lock file a git error names ("Unable to create '<path>.lock': File exists"), if any.
std::optional<std::string> lock_named_in(const std::string& git_stderr);

}  // namespace agentq
