// Lanes: the persistent worktrees of delivery and review roles, and the decisions a coordinator
// takes about them — which lanes exist and their branches, which actor works in each, what
// keeps a lane from being torn down (and its branch from being deleted), what a lane's
// preflight checks, and the layout `lanes launch` writes. Pure: the repository facts are
// gathered by gitstore and passed in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/error.h"
#include "core/merge_ready.h"
#include "core/state.h"

namespace agentq {

struct Lane {
  std::string role;
  int lane = 1;
  RoleKind kind = RoleKind::delivery;
  std::string name;           // <role> or <role>-<lane> (the suffix exactly when the role has several lanes)
  std::string branch;         // agent/<name>
  std::string review_branch;  // review/<name>: where reviewers look at this lane's work
  std::string dir;            // <prefix>-<name>, relative to the worktree root
};

// Every lane of every delivery and review role, in YAML role order then lane order.
// `prefix` is policy.worktree_prefix, or the main checkout's directory name when that is empty.
std::vector<Lane> plan_lanes(const Definitions& d, const std::string& prefix);

// The lane named ROLE or ROLE-LANE. A role name wins over a role-lane split (roles may contain
// '-'); a role with several lanes needs its lane. UNKNOWN_ROLE when no lane has that name
// (USAGE when the role exists but the lane part is missing or out of range).
Result<Lane> find_lane(const Definitions& d, const std::string& prefix, const std::string& name);

// The lane whose branch is `branch` (refs/heads/ prefix allowed), if any.
std::optional<Lane> lane_of_branch(const Definitions& d, const std::string& prefix, const std::string& branch);

// The branch of `role`'s lane `lane`: agent/<role>, or agent/<role>-<lane> when the role has
// several lanes (a role the definitions lack has one).
std::string lane_branch(const Definitions& d, const std::string& role, int lane);

// `lanes setup --assign LANE=ACTOR…` as lane name -> actor. USAGE for a spec without '=',
// find_lane's errors for a lane that does not exist, UNKNOWN_ACTOR for an undeclared actor.
Result<std::map<std::string, std::string>> lane_assignments(const Definitions& d, const std::string& prefix,
                                                            const std::vector<std::string>& specs);

// Which actor works in each lane: `overrides` (lane name -> actor) first, else the actors that
// hold the role, in YAML order, dealt round-robin over the role's lanes. Empty when nobody holds it.
std::map<std::string, std::string> assign_actors(const Definitions& d, const std::vector<Lane>& lanes,
                                                 const std::map<std::string, std::string>& overrides);

// What a lane's work tree and branch look like, as gitstore found them.
struct LaneFacts {
  bool worktree_exists = false;
  bool branch_exists = false;
  std::vector<std::string> dirty;     // `git status --porcelain` lines
  std::vector<std::string> unpushed;  // branch commits on neither base nor the remote
  std::string base_name;              // "origin/main" or "main", for messages
  std::string remote;                 // empty: local-only queue
};

// Why `lane` may not be torn down: LANE_BUSY naming the task it holds (in_progress, blocked or
// in_review), WORKTREE_DIRTY, UNPUSHED_COMMITS naming the commits. Every item at once.
std::vector<ReadyItem> teardown_blockers(const QueueState& s, const Lane& lane, const LaneFacts& facts);

// Whether teardown keeps the lane's branch: while it holds work (a task, or commits on neither
// base nor the remote), even with --force, so that removing a lane never loses commits.
bool keep_lane_branch(const QueueState& s, const Lane& lane, const LaneFacts& facts);

// A pane of the `lanes launch` layout: its title and the directory it starts in.
struct LaunchPane {
  std::string name, path;
};

// The layout `lanes launch` writes: for "tmux" a /bin/sh script that attaches to the session
// `session` or creates it (one tiled window, a titled pane per entry of `panes`), for "zellij" a
// KDL layout with one tab. `panes` is not empty: the coordinator's pane comes first.
std::string launch_layout(const std::string& tool, const std::string& session, const std::vector<LaunchPane>& panes);

// What preflight found in the current work tree.
struct PreflightFacts {
  std::vector<std::string> dirty;
  std::string head_branch;  // refs/heads/… or empty when detached
  std::optional<bool> based_on_base;  // nullopt: the base tip is unknown
  std::string base_name;
  std::vector<std::string> missing_hooks;  // client hooks without the install-hooks marker
  std::string hooks_dir;
  std::string actor;           // empty: none configured
  std::string signing_key;     // the configured key as a public key text; empty: none
  std::string signing_key_error;  // why the configured key could not be read
  // OpenPGP: the fingerprint of the actor's declared (armored) key, as gpg reads it; the
  // configured user.signingkey (a key id or fingerprint) must be its suffix.
  std::string declared_fingerprint;
};

// The client hooks install-hooks puts in a work tree's repository: pre-push always, the
// pre-merge pair when policy.protect_base.
std::vector<std::string> expected_hooks(const Definitions& d);

// Every failing preflight item for working as `role` here: WORKTREE_DIRTY, NOT_ON_LANE_BRANCH,
// NOT_BASED_ON_BASE, HOOKS_NOT_INSTALLED, SIGNER_MISMATCH (configured key is not the declared
// one), UNKNOWN_ACTOR / ROLE_MISMATCH (the actor does not hold `role`).
std::vector<ReadyItem> preflight_items(const Definitions& d, const std::string& prefix, const std::string& role,
                                       const PreflightFacts& facts);

}  // namespace agentq
