#include "core/rules.h"

#include "core/lanes.h"
#include "core/strings.h"

namespace agentq {

std::vector<std::string> undone_dependencies(const QueueState& s, const Task& t) {
  std::vector<std::string> out;
  for (const std::string& dep : t.depends_on) {
    auto it = s.tasks.find(dep);
    if (it == s.tasks.end() || it->second.status != TaskStatus::done) out.push_back(dep);
  }
  return out;
}

std::string lane_holder(const QueueState& s, const std::string& role, int lane) {
  auto r = s.lane_holders.find(role);
  if (r == s.lane_holders.end()) return {};
  auto l = r->second.find(lane);
  return l == r->second.end() ? std::string() : l->second;
}

Result<int> pick_lane(const QueueState& s, const Definitions& d, const Task& t, std::optional<int> wanted) {
  const Role* role = d.role(t.role);
  if (!role) return fail(Error::unknown_role(t.role).in_task(t.id));
  if (t.lane > 0) {
    if (wanted && *wanted != t.lane)
      return fail(Error::usage("task " + t.id + " is pinned to lane " + std::to_string(t.lane)));
    wanted = t.lane;
  }
  if (wanted) {
    if (*wanted < 1 || *wanted > role->lanes)
      return fail(Error::usage("role " + t.role + " has lanes 1.." + std::to_string(role->lanes) + ", not " +
                               std::to_string(*wanted)));
    std::string holder = lane_holder(s, t.role, *wanted);
    if (!holder.empty())
      return fail(Error(Code::LANE_BUSY,
                        "lane " + std::to_string(*wanted) + " of " + t.role + " is held by " + holder, {},
                        "wait until " + holder + " is handed off and done, or unclaim it"));
    return *wanted;
  }
  std::string holders;
  for (int lane = 1; lane <= role->lanes; ++lane) {
    std::string holder = lane_holder(s, t.role, lane);
    if (holder.empty()) return lane;
    holders += (holders.empty() ? "" : ", ") + holder;
  }
  return fail(Error(Code::LANE_BUSY,
                    "every lane of " + t.role + " is busy (" + std::to_string(role->lanes) + " lane(s): " + holders + ")",
                    {}, "finish or unclaim one of: " + holders));
}

std::vector<ReadyTask> ready_tasks(const QueueState& s, const Definitions& d, std::string_view role) {
  std::vector<ReadyTask> out;
  for (const Task& t : d.tasks) {
    if (!role.empty() && t.role != role) continue;
    if (s.task(t.id).status != TaskStatus::todo) continue;
    if (!undone_dependencies(s, t).empty()) continue;
    auto lane = pick_lane(s, d, t, std::nullopt);
    if (!lane) continue;
    out.push_back({&t, *lane});
  }
  return out;
}

std::string not_ready_reason(const QueueState& s, const Definitions& d, const Task& t) {
  const TaskState& st = s.task(t.id);
  if (st.status != TaskStatus::todo) return std::string(to_string(st.status));
  auto deps = undone_dependencies(s, t);
  if (!deps.empty()) return "waiting for " + join(deps);
  auto lane = pick_lane(s, d, t, std::nullopt);
  if (!lane) return lane.error().message;
  return {};
}

Error nothing_ready(const QueueState& s, const Definitions& d, const std::string& role) {
  std::string reasons;
  for (const Task& t : d.tasks) {
    if (t.role != role || s.task(t.id).status != TaskStatus::todo) continue;
    reasons += (reasons.empty() ? "" : "; ") + t.id + ": " + not_ready_reason(s, d, t);
  }
  return Error(Code::NOTHING_READY,
               "nothing is ready for " + role + (reasons.empty() ? " (no todo tasks left)" : " (" + reasons + ")"), {},
               "see 'git agentq status --role " + role + "'");
}

Status choose_claim(Event& ev, const QueueState& s, const Definitions& d, const ClaimRequest& r) {
  if (r.next) {
    auto ready = ready_tasks(s, d, r.role);
    if (ready.empty()) return fail(nothing_ready(s, d, r.role));
    ev.task = ready.front().task->id;
  } else {
    ev.task = r.task;
  }
  const Task* t = d.task(ev.task);
  if (!t) return fail(Error::unknown_task(ev.task));
  ev.role = t->role;
  auto lane = pick_lane(s, d, *t, r.lane);
  if (lane) ev.lane = *lane;
  else if (lane.error().code == Code::USAGE) return fail(lane.error());
  else ev.lane = r.lane.value_or(t->lane > 0 ? t->lane : 1);
  ev.branch = r.branch.empty() ? lane_branch(d, t->role, static_cast<int>(*ev.lane)) : r.branch;
  return {};
}

Result<std::string> void_target(const QueueState& s, const std::string& target) {
  std::string resolved = target;
  size_t matches = 0;
  for (const Finding& f : s.illegal) {
    if (f.event_id == target || f.commit == target) return target;
    if (target.size() >= 7 && f.commit.rfind(target, 0) == 0) {
      resolved = f.commit;
      ++matches;
    }
  }
  if (matches > 1) return fail(Error::usage("'" + target + "' names several illegal events; give more digits"));
  return resolved;
}

bool is_coordinator(const Definitions& d, const Actor& a, std::string_view role) {
  const Role* r = d.role(role);
  return r && r->kind == RoleKind::coordinator && a.holds(role);
}

std::string coordinator_role_of(const Definitions& d, const Actor& a) {
  for (const std::string& r : a.roles) {
    const Role* role = d.role(r);
    if (role && role->kind == RoleKind::coordinator) return r;
  }
  return {};
}

}  // namespace agentq
