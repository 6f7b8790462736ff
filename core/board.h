// The coordinator's board: what `status` shows (counts per role, the review queue, what is
// merge-ready, in progress or blocked, who to dispatch, which claims went stale) and what
// `tick` reports (the status changes since the previous tick). The tick's snapshot is kept per
// worktree by gitstore; everything here is pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/dispatch.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeutil.h"

namespace agentq {

// The board of `role` (every role when empty) at `now`.
struct StatusBoard {
  // For each role shown (YAML order is the definitions'): how many of its tasks are todo,
  // in_progress, blocked, in_review, done, and how many of them are ready.
  std::map<std::string, std::map<std::string, int>> counts;
  std::vector<const Task*> tasks;  // the tasks of the roles shown, YAML order
  std::vector<ReadyTask> ready;
  // For each reviewer role, the tasks in review that still need its approval of their current
  // commit (a reviewer role shown, or a task of the role shown); and the tasks in review that
  // need nothing more as far as the log says.
  std::map<std::string, std::vector<std::string>> review_queue;
  std::vector<std::string> merge_ready;
  std::vector<Dispatch> dispatch;  // one recommendation per idle lane
  std::vector<StaleClaim> stale;   // claims idle past policy.stale_after
};

StatusBoard status_board(const QueueState& s, const Definitions& d, const std::string& role, Millis now);

struct TickSnapshot {
  std::string log_tip;                        // empty: no previous tick
  std::map<std::string, std::string> status;  // task -> status at that tick
};

TickSnapshot snapshot(const QueueState& s, const Definitions& d);

struct TickChange {
  std::string task, from, to;  // `from` empty: a task the previous tick did not know
};

// Tasks whose status differs from `prev`, in YAML order (tasks gone from the definitions are
// not reported).
std::vector<TickChange> tick_changes(const TickSnapshot& prev, const QueueState& s, const Definitions& d);

}  // namespace agentq
