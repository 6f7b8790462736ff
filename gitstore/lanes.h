// Lanes in the repository: where their worktrees live, and the repository work of `lanes setup`,
// `status`, `teardown` and `review-refresh`. What a lane is, who works in it and what keeps it
// from being torn down is core/lanes.h; this gathers the facts and changes branches, worktrees
// and their per-worktree configuration.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/definitions.h"
#include "core/error.h"
#include "core/lanes.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"
#include "gitstore/worktrees.h"

namespace agentq {

// Where lanes go: <root>/<prefix>-<name>. `root` is policy.worktree_root resolved against the
// main worktree (the coordinator's checkout, whichever worktree runs the command); `prefix` is
// policy.worktree_prefix or the main worktree's directory name.
struct LaneLayout {
  std::string main;  // the main worktree (or the bare repository's directory)
  std::string root;
  std::string prefix;
  std::string path_of(const std::string& dir) const { return root + "/" + dir; }
};
Result<LaneLayout> lane_layout(const Repo& repo, const Definitions& d);

// What every lanes command starts from: the layout, the lanes the definitions declare, the
// base they start from and the worktrees this repository has.
struct LaneSet {
  LaneLayout layout;
  std::vector<Lane> lanes;
  BaseTip base;
  std::vector<WorktreeEntry> worktrees;
  const WorktreeEntry* worktree_of(const Lane& l) const { return worktree_at(worktrees, layout.path_of(l.dir)); }
};
Result<LaneSet> open_lanes(Queue& q);

// The lane this worktree is: a linked worktree with a lane's branch checked out. nullopt in
// the coordinator's checkout, a clone, or on any other branch.
std::optional<Lane> lane_here(Queue& q);

// Who works in each lane that `lanes setup` makes: `assign` (LANE=ACTOR) first, else the role's
// actors dealt over its lanes. Errors as lane_assignments; GIT_ERROR when the base branch does
// not exist (lanes branch from it).
Result<std::map<std::string, std::string>> setup_actors(const LaneSet& set, const Definitions& d,
                                                        const std::vector<std::string>& assign);

// What `lanes setup` did for one lane, step by step: a step that failed sets `error` and the
// later ones did not run (their fields stay unset).
struct LaneSetup {
  std::string path;
  bool placed = false;  // the branch and the worktree are there
  bool created_branch = false, created_worktree = false;
  std::optional<std::string> actor;        // agentq.actor of the worktree ("" none)
  std::optional<std::string> signing_key;  // none | kept | set | unset
  std::string key_warning;                 // with "unset": why the key could not be configured
  std::optional<Error> error;
};

// Creates `lane`'s branch (from the base tip) and worktree unless they exist, then sets the
// worktree's agentq.actor to `actor` and its signing key to that actor's declared key. What a
// human set in the worktree since is kept: a lane's own settings win.
LaneSetup setup_lane(Queue& q, const LaneSet& set, const Lane& lane, const std::string& actor);

// One lane as `lanes status` shows it.
struct LaneStatus {
  Lane lane;
  std::string path;
  std::optional<WorktreeEntry> worktree;
  std::optional<std::string> tip;                          // the lane branch's commit
  std::optional<std::pair<size_t, size_t>> ahead_behind;  // of the branch against the base tip
  std::vector<std::string> dirty;                          // `git status --porcelain` lines
  std::string task;                                        // the task it holds, or ""
  std::string actor;                                       // the worktree's agentq.actor
  std::string last_activity;  // RFC 3339: the branch's last commit or the task's last event
};
std::vector<LaneStatus> lane_statuses(Queue& q, const LaneSet& set);

// What `lanes teardown NAME` would do, before anything is removed.
struct TeardownPlan {
  Lane lane;
  std::string path;
  std::optional<WorktreeEntry> worktree;  // none (one deleted by hand is forgotten here)
  LaneFacts facts;
  std::vector<ReadyItem> blockers;  // teardown_blockers: empty or --force, else nothing happens
  std::vector<std::string> stranded;  // tasks whose live claim handle only this worktree holds
};
// USAGE when the lane's worktree is the one this runs in; errors when git cannot tell.
Result<TeardownPlan> plan_teardown(Queue& q, const LaneSet& set, const std::string& name);

struct Teardown {
  std::optional<std::string> saved_patch;  // the uncommitted work, saved first
  bool removed_worktree = false;
  bool deleted_branch = false;
  bool kept_branch = false;  // keep_lane_branch: it still holds work
};
// Saves the worktree's uncommitted work, removes the worktree and deletes the branch unless it
// still holds work. `force` removes a worktree git would refuse to.
Result<Teardown> tear_down(Queue& q, const TeardownPlan& plan, bool force);

// What `lanes review-refresh NAME` did.
struct ReviewRefresh {
  std::string branch;  // review/<lane>
  std::string commit;  // where it points now
  std::string source;  // <remote>/<lane branch>, or the local lane branch without a remote
  std::optional<std::string> previous;
  bool switched = false;  // this worktree switched to it
};
// Moves review/<lane> to the lane branch as the remote has it (fetched into its tracking ref,
// never only FETCH_HEAD), or the local one without a remote. Only a reviewer's worktree (a
// review lane, or one already on a review branch) switches to it; the coordinator's checkout
// and delivery lanes stay on their branch. BRANCH_MISSING when the lane branch does not exist;
// WORKTREE_DIRTY when this worktree would switch with uncommitted changes.
Result<ReviewRefresh> refresh_review_branch(Queue& q, const LaneSet& set, const std::string& name);

}  // namespace agentq
