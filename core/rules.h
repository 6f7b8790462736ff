// The queue's rules that do not depend on a single event: readiness, lanes, dependencies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/definitions.h"
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

// True when the actor holds a role of kind coordinator and `role` is it.
bool is_coordinator(const Definitions& d, const Actor& a, std::string_view role);
// The first coordinator role the actor holds, or empty.
std::string coordinator_role_of(const Definitions& d, const Actor& a);

}  // namespace agentq
