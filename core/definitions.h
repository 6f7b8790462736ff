// The queue definitions: the parsed form of `.agentq/queue.yaml` (schema in doc/queue-yaml.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/timeutil.h"

namespace agentq {

enum class RoleKind { delivery, review, coordinator };
enum class TaskKind { feature, defect, chore };
enum class Risk { normal, high };
enum class SameModel { exception_note, allow, forbid };

std::string_view to_string(RoleKind k);
std::string_view to_string(TaskKind k);
std::string_view to_string(Risk r);
std::string_view to_string(SameModel s);

struct Role {
  std::string name;
  RoleKind kind = RoleKind::delivery;
  int lanes = 1;
  std::vector<std::string> owns;
  Location where;
};

struct Actor {
  std::string name;
  std::vector<std::string> roles;
  std::string key;    // "ssh-ed25519 AAAA…" or an armored OpenPGP public key; empty = none
  std::string model;  // empty never equals another actor's model
  bool human = false;
  Location where;

  bool holds(std::string_view role) const;
};

struct Route {
  std::vector<std::string> paths;
  std::vector<std::string> require;
};

struct Reviews {
  std::vector<Route> routes;
  bool self_approval = false;
  SameModel same_model = SameModel::exception_note;
};

struct Exempt {
  std::vector<std::string> paths;    // base commits touching only these need no task
  std::vector<std::string> authors;  // author emails whose base commits need no task
};

struct Policy {
  std::string base;
  std::string release;  // empty = no release branch
  std::string remote;   // empty = local-only queue, no network at all
  Millis stale_after = 48LL * 3600 * 1000;
  bool require_signed = false;
  std::string worktree_root = "..";
  std::string worktree_prefix;  // empty = the repository directory's name
  bool protect_base = true;     // hooks refuse base updates that are not merge-ready work
  bool allow_no_merge = false;  // tasks with `no_merge: true` may be done without merging
  Millis check_timeout = 30LL * 60 * 1000;
  int64_t log_cap = 256 * 1024;  // bytes of command output kept per evidence attachment
  Exempt exempt;
};

struct Task {
  std::string id;
  std::string title;
  std::string description;
  std::string role;
  int lane = 0;  // 0 = any lane of the role
  TaskKind kind = TaskKind::feature;
  Risk risk = Risk::normal;
  std::vector<std::string> depends_on;
  std::string parent;
  std::string slice;
  std::optional<int64_t> merge_order;
  std::vector<std::string> acceptance_checks;
  bool no_merge = false;
  Location where;
};

struct Definitions {
  int version = 1;
  Policy policy;
  std::vector<Role> roles;  // YAML order
  std::vector<Actor> actors;
  Reviews reviews;
  std::vector<std::string> high_risk_paths;
  std::vector<Task> tasks;  // YAML order: the order `ready` and `claim --next` use
  std::string file;         // where it was loaded from, for messages

  const Task* task(std::string_view id) const;
  const Role* role(std::string_view name) const;
  const Actor* actor(std::string_view name) const;
  size_t task_pos(std::string_view id) const;  // YAML position; npos when unknown

  // Rebuilds the lookup indexes; the loader calls it, tests that build by hand must too.
  void reindex();

 private:
  std::unordered_map<std::string, size_t> task_idx_, role_idx_, actor_idx_;
};

// Parses and validates the YAML text. `file` names the source in error locations
// (e.g. ".agentq/queue.yaml@1a2b3c4").
Result<Definitions> load_definitions(std::string_view yaml, const std::string& file);

// The characters allowed in task, role and actor names (they become file and ref names).
bool valid_name(std::string_view name);

}  // namespace agentq
