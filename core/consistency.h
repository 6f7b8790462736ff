// Consistency of a replayed state with the repository it lives in: the cross-checks that
// validate, ci-check and git-check report, each written once. Replay judges every event as it
// stood when it was written; these ask whether the repository still agrees today (a force-push
// of base, a task removed from the definitions, a garbage-collected handoff commit).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/repo_view.h"
#include "core/state.h"

namespace agentq {

// NOT_MERGED: done tasks whose commit base no longer contains (the done event stays legal).
std::vector<Finding> done_not_on_base(const QueueState& s, RepoView& repo);

// UNKNOWN_TASK: tasks the log has open that the definitions no longer declare.
std::vector<Finding> undeclared_tasks(const QueueState& s, const Definitions& d);

// COMMIT_MISSING: open tasks whose handoff commit this repository lacks (reviewers and CI
// could not fetch what was handed off).
std::vector<Finding> missing_handoff_commits(const QueueState& s, RepoView& repo);

// BRANCH_MISSING for claimed tasks whose branch exists nowhere (`branch_exists` answers for
// the local branch or <remote>/<branch>), BRANCH_IN_USE for a branch two claimed tasks hold.
std::vector<Finding> branch_findings(const QueueState& s, const std::function<bool(const std::string&)>& branch_exists);

}  // namespace agentq
