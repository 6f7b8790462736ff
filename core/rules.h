// The queue's rules that do not depend on a single event: readiness, lanes, dependencies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/definitions.h"
#include "core/event.h"
#include "core/state.h"

namespace agentq {

// The dependencies of `t` that are not done yet, in YAML order.
std::vector<std::string> undone_dependencies(const QueueState& s, const Task& t);

// The task holding lane `lane` of `role`, or empty.
std::string lane_holder(const QueueState& s, const std::string& role, int lane);

// The lane a claim of `t` would take: `wanted` (or the task's pinned lane) when free, else the
// lowest free lane of its role. Errors: LANE_BUSY, or USAGE for a lane outside 1..lanes.
Result<int> pick_lane(const QueueState& s, const Definitions& d, const Task& t, std::optional<int> wanted);

struct ReadyTask {
  const Task* task;
  int lane;  // the lane a claim would take
};

// Claimable now: todo, every dependency done, a lane free. YAML order. Empty role = every role.
std::vector<ReadyTask> ready_tasks(const QueueState& s, const Definitions& d, std::string_view role = {});

// Why `t` is not ready (first reason), for listings; empty when it is ready.
std::string not_ready_reason(const QueueState& s, const Definitions& d, const Task& t);

// What `claim` asks for: a task, or (`next`) the first ready task of `role`; a lane and a branch,
// or the defaults.
struct ClaimRequest {
  bool next = false;
  std::string task, role;
  std::optional<int> lane;
  std::string branch;  // empty: the lane's branch
};

// Fills the claim event's task, role, lane and branch as `s` stands. Writers call it again on
// every attempt, so a lost race on a shared role picks the next free lane instead of failing
// with a stale one. NOTHING_READY, UNKNOWN_TASK, USAGE for a lane out of range; a busy lane is
// left for the rules to refuse (LANE_BUSY).
Status choose_claim(Event& ev, const QueueState& s, const Definitions& d, const ClaimRequest& r);

// NOTHING_READY for `claim --next --role R` when nothing is ready for `role`: why each of its
// todo tasks waits, or that none is left.
Error nothing_ready(const QueueState& s, const Definitions& d, const std::string& role);

// The illegal event `void TARGET` acknowledges: the one whose event id or commit is `target`,
// else the one whose commit starts with it (7 digits or more, as validate abbreviates them).
// `target` itself when none matches (the rules then say why it cannot be voided); USAGE when
// the prefix names several.
Result<std::string> void_target(const QueueState& s, const std::string& target);

// True when the actor holds a role of kind coordinator and `role` is it.
bool is_coordinator(const Definitions& d, const Actor& a, std::string_view role);
// The first coordinator role the actor holds, or empty.
std::string coordinator_role_of(const Definitions& d, const Actor& a);

}  // namespace agentq
