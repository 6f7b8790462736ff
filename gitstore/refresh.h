// `refresh`: bring a handed-off task back onto the tip of the base branch after base moved (a
// definitions commit adding a task, another task's merge). The handed-off commits are rebased
// in a scratch worktree (never in the user's tree), the acceptance checks run on the result and
// are recorded, the result is handed off again (pushed, for reviewers elsewhere), and only then
// does the task branch move, in the worktree that has it checked out. Approvals carry over when
// the patch did not change (merge-ready compares patch ids). A conflict or a failing check stops
// there: the branch, the worktree and the remote stay as they were.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/acceptance.h"
#include "gitstore/handoff.h"
#include "gitstore/queue.h"

namespace agentq {

struct RefreshRequest {
  std::string task;
  std::optional<long> timeout_ms;  // per acceptance check (policy.check_timeout when unset)
};

struct Refreshed {
  bool noop = false;         // the handoff already contains the base tip: nothing was done
  std::string branch;        // the handoff's branch
  std::string worktree;      // where it is checked out (moved there); empty when nowhere
  std::string old_commit;    // the handoff commit before
  std::string new_commit;    // the rebased commit (== old_commit when noop)
  std::string base_name;     // e.g. "origin/main"
  std::string base_tip;
  std::vector<CheckResult> checks;
  // Set when a check failed (EVIDENCE_FAILED): the results are recorded, nothing else moved.
  std::optional<Error> stopped;
  std::optional<Handoff> handoff;  // the new handoff
  bool patch_unchanged = false;    // approvals of the old handoff still count
  std::string warning;             // the handoff landed but the local branch could not follow
};

// In this order: UNKNOWN_TASK; HANDOFF_MISSING without a handoff; ILLEGAL_TRANSITION when the
// task is not in progress or in review, or its branch has moved past the handoff;
// CLAIM_FENCED / ROLE_MISMATCH when `actor` can neither act under the claim here nor as a
// coordinator; WORKTREE_DIRTY when the worktree holding the branch has uncommitted changes;
// REBASE_CONFLICT (the conflicting paths named); then the checks (Refreshed::stopped) and the
// handoff's own errors.
Result<Refreshed> refresh_task(Queue& q, const std::string& actor, const std::string& event_id,
                               const RefreshRequest& r, bool offline);

}  // namespace agentq
