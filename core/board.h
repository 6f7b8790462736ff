// What `tick` reports: the status changes since the previous tick. The snapshot is kept per
// worktree by gitstore; the comparison is pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/state.h"

namespace agentq {

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
