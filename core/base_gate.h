// The base-branch gate the hooks apply (pre-push, pre-merge-commit, reference-transaction,
// pre-receive): every commit a ref update adds to policy.base must belong to a merge-ready task
// (its handoff commit or the handoff's commits since base), or be accounted for the way the base
// audit accounts for commits (a done task, an override, a definitions-only change, a policy
// exemption). Merge-ready is merge_ready_items without the repository facts: hooks skip the
// work-tree item (git has already touched the tree when they run), as replay does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base_audit.h"
#include "core/definitions.h"
#include "core/merge_ready.h"
#include "core/state.h"

namespace agentq {

struct GateRefusal {
  std::string commit;               // the offending commit
  std::string task;                 // the open task it belongs to (empty: none)
  ReadyItem why;                    // UNTRACKED_BASE_COMMIT, or the task's first merge-ready item
  std::vector<ReadyItem> task_items;  // everything the task still needs (empty without a task)
};

struct GateResult {
  std::vector<GateRefusal> refused;  // one per offending commit, in the order given
  std::vector<ReadyItem> overridden; // commits let through by an override (loud, not failures)
  std::vector<std::string> tasks;    // the merge-ready or done tasks whose work the update lands
  bool ok() const { return refused.empty(); }
};

// The tasks that are merge-ready now (open, handed off, no merge-ready item; the log's open
// findings count, as they do for `merge`).
std::vector<std::string> merge_ready_tasks(const QueueState& s, const Definitions& d);

// Judges `added`: the commits an update of base adds (any order; merge commits included).
// `govern_defs`: apply the definitions rule (defs_unauthorised) too.
GateResult judge_base_commits(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& added,
                              bool govern_defs = true);

// The definitions rule alone (defs_unauthorised), for updates of base where protect_base is off:
// it holds whatever the policy says, since the definitions are the policy. Commits of
// merge-ready or done tasks and overridden ones are a task's work and pass.
std::vector<GateRefusal> judge_defs_changes(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& added);

// The release guard: policy.release may point only at a SHA that a `promote` event recorded
// and that base contains (`in_base`, which only the repository can say). nullopt: it passes.
std::optional<ReadyItem> judge_release(const QueueState& s, const Definitions& d, const std::string& tip, bool in_base);

// The done tasks a promotion of `commit` carries: those whose done commit `contains` (the
// repository's answer for "is an ancestor of commit") and `previous` does not (the release's
// current tip, empty for the first promotion). In id order.
template <class Contains, class InPrevious>
std::vector<std::string> promoted_tasks(const QueueState& s, Contains contains, InPrevious in_previous) {
  std::vector<std::string> out;
  for (const auto& [id, ts] : s.tasks)
    if (ts.status == TaskStatus::done && !ts.done_commit.empty() && contains(ts.done_commit) && !in_previous(ts.done_commit))
      out.push_back(id);
  return out;
}

}  // namespace agentq
