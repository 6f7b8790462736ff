// Merge-ready with the repository's facts, and landing a merge: base moves to the handoff
// commit and the task is recorded done, never one without the other. With a remote, base, the
// log and the notes move in one atomic push; in a local-only queue the local branch moves first
// and is put back when the event cannot be written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/merge_ready.h"
#include "gitstore/queue.h"

namespace agentq {

// What only the repository can say for merge-ready: whether `commit` contains the tip of
// <remote>/<base> (or the local base without a remote) and whether this work tree is clean.
RepoFacts repo_facts(Queue& q, const std::string& commit, bool check_worktree);

struct Readiness {
  const Task* task = nullptr;
  std::string commit;  // the handoff commit ("" without a handoff)
  std::vector<ReadyItem> items;  // every item that keeps it from merging (empty: merge-ready)
};

// Merge-ready for `task` now (UNKNOWN_TASK when the definitions do not declare it).
Result<Readiness> merge_readiness(Queue& q, const std::string& task, bool check_worktree);

// What keeps `t` from being marked done by hand (`set-status done`): every merge-ready item,
// a dirty work tree included.
std::vector<ReadyItem> done_blockers(Queue& q, const Task& t);

struct MergeResult {
  Written written;  // the done event
  std::string base, from, to;
  std::string remote;  // where base, log and notes were pushed (empty: a local-only queue)
  std::vector<std::string> warnings;
};

// Lands `done` (a status event marking its task done at `target`, the handoff commit, with
// id, actor, role and claim set): checks that base fast-forwards to `target` and is not
// checked out in another worktree, then moves base and writes the event as one step. `offline`
// with a remote is refused. Base is never left moved without the event: when putting it back
// fails too, the error says so and how to restore it.
Result<MergeResult> land_merge(Queue& q, Event done, bool offline);

}  // namespace agentq
