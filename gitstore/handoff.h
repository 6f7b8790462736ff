// `handoff`: the handoff computed rather than typed. From merge-base(base, commit): the commits
// and files since the base branch and the patch id; the evidence recorded on that commit; the
// branch it is on, pushed to the remote with the event so that reviewers and CI in other
// clones can fetch it. The task goes to in_review.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/event.h"
#include "gitstore/queue.h"

namespace agentq {

// What the person handing off says; the rest is computed.
struct HandoffRequest {
  std::string task;
  std::string commit = "HEAD";  // a revision
  std::string branch;           // empty: the claim's, else the checked-out branch, else the lane's
  std::string risks, next;
  std::string root_cause, owning_file, proof_command;  // for defects
};

struct Handoff {
  Event event;                         // as computed (the written one is `written.event`)
  Written written;
  std::vector<std::string> reviewers;  // the roles the changed files route to
  bool dependencies_done = false;
};

// Computes the handoff event (`event_id` may be empty) and writes it; unless `offline` or the
// remote is not configured, its branch moves on the remote in the same atomic push as the
// event, so a handoff the rules refuse moves no branch. In this order: UNKNOWN_TASK, the
// commit, USAGE for a branch that is the base or release branch (only merge and promote move
// those) or not a valid branch name, NOT_BASED_ON_BASE when the commit shares no history with
// base, NON_FAST_FORWARD when the remote's branch has commits the handoff does not contain (and
// is not this task's last handoff), then the write's own errors (the rules first: nothing is
// pushed for an event they refuse).
Result<Handoff> hand_off(Queue& q, const std::string& actor, const std::string& event_id, const HandoffRequest& r,
                         bool offline);

// Makes `task`'s handed-off commit available here: when it is missing and the queue has a remote
// (and not `offline`), fetches the handoff's branch into refs/remotes/<remote>/<branch>. A
// reviewer in a clone that never fetched the branch reviews what was handed off, not
// "unknown revision". Best effort: resolving the commit afterwards says what is still missing.
void fetch_handed_off(Queue& q, const std::string& task, bool offline);

}  // namespace agentq
