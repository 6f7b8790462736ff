#include "core/definitions.h"

#include <algorithm>
#include <array>
#include <utility>

namespace agentq {

namespace {

template <class E, size_t N>
std::string_view name_of(E k, const std::array<std::pair<E, std::string_view>, N>& names) {
  for (const auto& [value, name] : names)
    if (value == k) return name;
  return "?";
}

}  // namespace

std::string_view to_string(RoleKind k) {
  return name_of<RoleKind, 3>(
      k, {{{RoleKind::delivery, "delivery"}, {RoleKind::review, "review"}, {RoleKind::coordinator, "coordinator"}}});
}
std::string_view to_string(TaskKind k) {
  return name_of<TaskKind, 3>(
      k, {{{TaskKind::feature, "feature"}, {TaskKind::defect, "defect"}, {TaskKind::chore, "chore"}}});
}
std::string_view to_string(Risk r) { return r == Risk::high ? "high" : "normal"; }
std::string_view to_string(SameModel s) {
  return name_of<SameModel, 3>(
      s, {{{SameModel::exception_note, "exception_note"}, {SameModel::allow, "allow"}, {SameModel::forbid, "forbid"}}});
}

bool Actor::holds(std::string_view r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

void Definitions::reindex() {
  task_idx_.clear();
  role_idx_.clear();
  actor_idx_.clear();
  for (size_t i = 0; i < tasks.size(); ++i) task_idx_.emplace(tasks[i].id, i);
  for (size_t i = 0; i < roles.size(); ++i) role_idx_.emplace(roles[i].name, i);
  for (size_t i = 0; i < actors.size(); ++i) actor_idx_.emplace(actors[i].name, i);
}

namespace {
template <class V>
const V* lookup(const std::unordered_map<std::string, size_t>& idx, const std::vector<V>& v,
                std::string_view key) {
  auto it = idx.find(std::string(key));
  return it == idx.end() ? nullptr : &v[it->second];
}
}  // namespace

const Task* Definitions::task(std::string_view id) const { return lookup(task_idx_, tasks, id); }
const Role* Definitions::role(std::string_view name) const { return lookup(role_idx_, roles, name); }
const Actor* Definitions::actor(std::string_view name) const {
  return lookup(actor_idx_, actors, name);
}
size_t Definitions::task_pos(std::string_view id) const {
  auto it = task_idx_.find(std::string(id));
  return it == task_idx_.end() ? std::string::npos : it->second;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.' || name.front() == '-') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace agentq
