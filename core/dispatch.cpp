#include "core/dispatch.h"

#include <set>

#include "core/rules.h"

namespace agentq {

std::vector<Dispatch> recommend(const QueueState& s, const Definitions& d) {
  std::vector<Dispatch> out;
  std::set<std::string> taken;
  for (const Role& r : d.roles) {
    if (r.kind != RoleKind::delivery) continue;
    for (int lane = 1; lane <= r.lanes; ++lane) {
      if (!lane_holder(s, r.name, lane).empty()) continue;
      Dispatch dsp{r.name, lane, {}};
      for (const Task& t : d.tasks) {
        if (t.role != r.name || taken.count(t.id) || (t.lane > 0 && t.lane != lane)) continue;
        if (s.task(t.id).status != TaskStatus::todo || !undone_dependencies(s, t).empty()) continue;
        dsp.task = t.id;
        taken.insert(t.id);
        break;
      }
      out.push_back(dsp);
    }
  }
  return out;
}

std::vector<StaleClaim> stale_claims(const QueueState& s, const Definitions& d, Millis now) {
  std::vector<StaleClaim> out;
  for (const auto& [id, t] : s.tasks) {
    if (t.status != TaskStatus::in_progress && t.status != TaskStatus::blocked) continue;
    auto last = parse_rfc3339(t.last_activity);
    if (!last || now - *last <= d.policy.stale_after) continue;
    out.push_back({id, t.owner, t.role, t.claim, t.last_activity, t.lane, now - *last});
  }
  return out;
}

}  // namespace agentq
