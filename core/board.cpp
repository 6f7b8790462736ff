#include "core/board.h"

#include "core/merge_ready.h"

namespace agentq {

StatusBoard status_board(const QueueState& s, const Definitions& d, const std::string& role, Millis now) {
  static const TaskStatus kStatuses[] = {TaskStatus::todo, TaskStatus::in_progress, TaskStatus::blocked,
                                         TaskStatus::in_review, TaskStatus::done};
  StatusBoard b;
  b.ready = ready_tasks(s, d, role);
  for (const Task& t : d.tasks) {
    if (role.empty() || t.role == role) b.tasks.push_back(&t);
    if (s.task(t.id).status != TaskStatus::in_review) continue;
    auto items = merge_ready_items(s, d, t, RepoFacts{}, false);
    if (items.empty()) b.merge_ready.push_back(t.id);
    for (const auto& i : items)
      if (!i.role.empty() && (role.empty() || role == i.role || role == t.role)) b.review_queue[i.role].push_back(t.id);
  }
  for (const Role& r : d.roles) {
    if (!role.empty() && r.name != role) continue;
    for (TaskStatus st : kStatuses) b.counts[r.name][std::string(to_string(st))] = 0;
    b.counts[r.name]["ready"] = 0;
  }
  for (const Task* t : b.tasks) ++b.counts[t->role][std::string(to_string(s.task(t->id).status))];
  for (const auto& r : b.ready) ++b.counts[r.task->role]["ready"];
  for (const auto& r : recommend(s, d))
    if (role.empty() || r.role == role) b.dispatch.push_back(r);
  for (const auto& c : stale_claims(s, d, now))
    if (role.empty() || c.role == role) b.stale.push_back(c);
  return b;
}

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
