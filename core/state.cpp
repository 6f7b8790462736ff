#include "core/state.h"

namespace agentq {

std::string_view to_string(TaskStatus s) {
  switch (s) {
    case TaskStatus::todo: return "todo";
    case TaskStatus::in_progress: return "in_progress";
    case TaskStatus::blocked: return "blocked";
    case TaskStatus::in_review: return "in_review";
    case TaskStatus::done: return "done";
  }
  return "?";
}

bool holds_lane(TaskStatus s) {
  return s == TaskStatus::in_progress || s == TaskStatus::blocked || s == TaskStatus::in_review;
}

const TaskState& QueueState::task(const std::string& id) const {
  auto it = tasks.find(id);
  if (it != tasks.end()) return it->second;
  static thread_local TaskState empty;
  empty = TaskState{};
  empty.id = id;
  return empty;
}

TaskState& QueueState::task_mut(const std::string& id) {
  auto [it, inserted] = tasks.try_emplace(id);
  if (inserted) it->second.id = id;
  return it->second;
}

size_t QueueState::open_findings() const {
  size_t n = 0;
  for (const Finding& f : illegal) n += f.voided ? 0 : 1;
  return n;
}

}  // namespace agentq
