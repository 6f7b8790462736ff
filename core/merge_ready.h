// Merge-ready: every item that keeps a task from being merged, each with its reason code and
// what would fix it — never just the first, so one round of fixes clears them all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/error.h"
#include "core/state.h"

namespace agentq {

struct ReadyItem {
  Code code = Code::HANDOFF_MISSING;
  std::string message;
  std::string fix;
  std::string role;    // REVIEW_* and SELF_APPROVAL/SAME_MODEL_REVIEW items: the reviewer role
  std::string commit;  // the commit the item is about, when there is one
};

// Facts only the repository can give; replay leaves them unset (it judges a done event by the
// log's own items plus reachability; the work tree and the remote tip are checked when
// `merge` runs).
struct RepoFacts {
  std::optional<bool> based_on_base;  // the handoff commit contains the tip of `base_name`
  std::string base_name;              // e.g. "origin/main"
  std::optional<bool> worktree_clean;
  std::string dirty;                  // a few dirty paths, for the message
};

// The items for `t`. `include_findings` adds the open findings of the whole log (an illegal
// event anywhere blocks merging until a human voids it).
std::vector<ReadyItem> merge_ready_items(const QueueState& s, const Definitions& d, const Task& t,
                                         const RepoFacts& facts, bool include_findings);

// The roles `t` needs approvals from, given its current handoff (empty without one).
std::vector<std::string> required_reviewers(const QueueState& s, const Definitions& d, const Task& t);

// Where each role of required_reviewers stands, as `items` (the task's merge-ready items) say:
// "approved" when no item names the role, else the code of the last item that does.
struct ReviewerState {
  std::string role, state;
};
std::vector<ReviewerState> reviewer_states(const QueueState& s, const Definitions& d, const Task& t,
                                           const std::vector<ReadyItem>& items);

// The reviewer role `a` reviews `t` as when none is named: its only review role, else the one
// of its review roles that `t` needs. ROLE_MISMATCH when it holds none; USAGE when that leaves
// several (name one with --role).
Result<std::string> reviewer_role(const QueueState& s, const Definitions& d, const Actor& a, const Task& t);

// Why `reviewer` (acting as `role`) may not approve `t`: SELF_APPROVAL or SAME_MODEL_REVIEW,
// nullopt when the review rules allow it.
std::optional<ReadyItem> review_conflict(const QueueState& s, const Definitions& d, const Task& t,
                                         const std::string& reviewer, const std::string& role,
                                         const std::string& exception_note);

}  // namespace agentq
