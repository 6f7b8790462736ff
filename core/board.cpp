#include "core/board.h"

namespace agentq {

TickSnapshot snapshot(const QueueState& s, const Definitions& d) {
  TickSnapshot t;
  t.log_tip = s.tip;
  for (const Task& task : d.tasks) t.status[task.id] = std::string(to_string(s.task(task.id).status));
  return t;
}

std::vector<TickChange> tick_changes(const TickSnapshot& prev, const QueueState& s, const Definitions& d) {
  std::vector<TickChange> out;
  for (const Task& task : d.tasks) {
    const std::string now(to_string(s.task(task.id).status));
    auto was = prev.status.find(task.id);
    if (was == prev.status.end()) out.push_back({task.id, "", now});
    else if (was->second != now) out.push_back({task.id, was->second, now});
  }
  return out;
}

}  // namespace agentq
