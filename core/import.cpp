#include "core/import.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/digest.h"
#include "core/yaml_read.h"

namespace agentq {
namespace {

// The definition keys of a task, in the order the generated YAML writes them.
const std::vector<std::string> kDefinitionKeys = {"id",     "title", "description", "role",        "lane",
                                                  "kind",   "risk",  "depends_on",  "parent",      "slice",
                                                  "merge_order", "acceptance_checks", "no_merge"};
const std::vector<std::string> kStateKeys = {"status", "owner", "branch", "commit", "blocked_reason", "reason",
                                             "blocked_by", "evidence"};

struct Legacy {
  YAML::Node node;
  Location where;
  std::string id, role, status, owner, branch, commit, blocked_reason, blocked_by;
  int lane_pin = 0;
  std::vector<std::string> depends_on;
  struct Evidence {
    std::string command, result, commit, kind;
    std::optional<int64_t> exit_code;
  };
  std::vector<Evidence> evidence;
};

bool is_full_id(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "import-<task>-<n>"; a task id too long for an event id (at most 100 characters) is replaced
// by the first 16 hex digits of its SHA-256.
std::string event_id(const std::string& task, int n) {
  std::string id = "import-" + task + "-" + std::to_string(n);
  if (id.size() <= 100) return id;
  return "import-" + sha256_hex_prefix(task, 16) + "-" + std::to_string(n);
}

Status read_task(const YamlReader& r, const YAML::Node& item, Legacy* t, const CommitResolver& resolve) {
  t->node = item;
  t->where = r.loc(item);
  if (!item.IsMap()) return fail(Error(Code::DEF_WRONG_TYPE, "a task must be a mapping", t->where));
  AGENTQ_TRY(r.each(item, "task", {}, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
    const bool def = std::find(kDefinitionKeys.begin(), kDefinitionKeys.end(), key) != kDefinitionKeys.end();
    const bool state = std::find(kStateKeys.begin(), kStateKeys.end(), key) != kStateKeys.end();
    if (!def && !state && key != "owner_role")
      return fail(Error(Code::DEF_UNKNOWN_KEY, "unknown task key '" + key + "' (import drops nothing silently)", r.loc(k),
                        "remove it or move it into the task's description"));
    auto str = [&](std::string* out) -> Status {
      auto s = r.str(v, k, "task." + key);
      if (!s) return fail(s.error());
      *out = *s;
      return {};
    };
    if (key == "id") AGENTQ_TRY(str(&t->id));
    else if (key == "role" || key == "owner_role") AGENTQ_TRY(str(&t->role));
    else if (key == "status") AGENTQ_TRY(str(&t->status));
    else if (key == "owner") AGENTQ_TRY(str(&t->owner));
    else if (key == "branch") AGENTQ_TRY(str(&t->branch));
    else if (key == "commit") AGENTQ_TRY(str(&t->commit));
    else if (key == "blocked_reason" || key == "reason") AGENTQ_TRY(str(&t->blocked_reason));
    else if (key == "blocked_by") AGENTQ_TRY(str(&t->blocked_by));
    else if (key == "lane") {
      auto lane = r.integer(v, k, "task.lane");
      if (!lane) return fail(lane.error());
      if (*lane < 1 || *lane > 64) return fail(Error(Code::DEF_INVALID, "task.lane must be between 1 and 64", r.loc(v, k)));
      t->lane_pin = static_cast<int>(*lane);
    } else if (key == "depends_on" && v.IsSequence()) {
      for (const YAML::Node& d : v)
        if (d.IsScalar()) t->depends_on.push_back(d.Scalar());
    } else if (key == "evidence") {
      if (!v.IsSequence()) return fail(Error(Code::DEF_WRONG_TYPE, "task.evidence must be a list", r.loc(v, k)));
      for (const YAML::Node& e : v) {
        if (!e.IsMap()) return fail(Error(Code::DEF_WRONG_TYPE, "an evidence entry must be a mapping", r.loc(e, k)));
        Legacy::Evidence ev;
        AGENTQ_TRY(r.each(e, "evidence entry", {"command", "result", "exit_code", "commit", "kind"},
                          [&](const std::string& ek, const YAML::Node& ekn, const YAML::Node& evn) -> Status {
                            if (ek == "exit_code") {
                              auto code = r.integer(evn, ekn, "evidence.exit_code");
                              if (!code) return fail(code.error());
                              ev.exit_code = *code;
                              return {};
                            }
                            auto s = r.str(evn, ekn, "evidence." + ek);
                            if (!s) return fail(s.error());
                            (ek == "command" ? ev.command : ek == "result" ? ev.result : ek == "commit" ? ev.commit : ev.kind) = *s;
                            return {};
                          }));
        if (ev.command.find_first_not_of(" \t\r\n") == std::string::npos)
          return fail(Error(Code::DEF_INVALID, "evidence without a command", r.loc(e)));
        if (ev.result.empty() && ev.exit_code) ev.result = *ev.exit_code == 0 ? "pass" : "fail";
        if (ev.result != "pass" && ev.result != "fail")
          return fail(Error(Code::DEF_INVALID, "evidence.result must be pass or fail", r.loc(e)));
        if (ev.exit_code && (*ev.exit_code == 0) != (ev.result == "pass"))
          return fail(Error(Code::DEF_INVALID, "evidence.result contradicts its exit_code (only 0 is a pass)", r.loc(e)));
        if (ev.commit.empty()) ev.commit = t->commit;
        if (!ev.commit.empty()) {
          auto full = resolve(ev.commit);
          if (!full) return fail(Error(full.error().code, full.error().message, r.loc(e)));
          ev.commit = *full;
        }
        t->evidence.push_back(std::move(ev));
      }
    }
    return {};
  }));
  if (t->id.empty()) return fail(Error(Code::DEF_INVALID, "task without an id", t->where));
  if (t->status.empty()) t->status = "todo";
  if (t->status == "ready") t->status = "todo";
  if (t->status == "in_review") t->status = "review";
  static const std::set<std::string> statuses = {"todo", "in_progress", "blocked", "review", "done"};
  if (!statuses.count(t->status))
    return fail(Error(Code::DEF_INVALID, "task " + t->id + ": status '" + t->status + "' is not one of todo, ready, " +
                                             "in_progress, blocked, review, in_review, done",
                      t->where));
  if (!t->commit.empty()) {
    auto full = resolve(t->commit);
    if (!full) return fail(Error(full.error().code, "task " + t->id + ": " + full.error().message, t->where));
    t->commit = *full;
  }
  return {};
}

}  // namespace

Result<ImportPlan> plan_import(std::string_view text, const std::string& file, const std::string& default_base,
                               const CommitResolver& resolve_in) {
  const CommitResolver resolve = resolve_in ? resolve_in : [](const std::string& c) -> Result<std::string> {
    if (!is_full_id(c)) return fail(Error(Code::DEF_INVALID, "'" + c + "' is not a full commit id"));
    return c;
  };
  const YamlReader yaml(file);
  auto parsed = yaml.parse(text);
  if (!parsed) return fail(parsed.error());
  const YAML::Node root = *parsed;
  if (!root.IsMap()) return fail(Error(Code::DEF_INVALID, "the queue file must be a mapping with 'tasks:'", Location::in_file(file)));

  ImportPlan plan;
  std::vector<Legacy> tasks;
  try {
    YAML::Node tasks_node;
    std::map<std::string, YAML::Node> sections;
    AGENTQ_TRY(yaml.each(root, "the queue file", {}, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
      if (key == "tasks") tasks_node = v;
      else if (key == "policy" || key == "roles" || key == "actors" || key == "reviews" || key == "high_risk_paths")
        sections[key] = YAML::Clone(v);
      else if (key != "version")
        return fail(Error(Code::DEF_UNKNOWN_KEY, "unknown top-level key '" + key + "'", yaml.loc(k),
                          "allowed: tasks, and policy, roles, actors, reviews, high_risk_paths in git-agentq's form"));
      return {};
    }));
    if (!tasks_node || !tasks_node.IsSequence())
      return fail(Error(Code::DEF_INVALID, "the queue file has no 'tasks:' list", Location::in_file(file)));

    std::map<std::string, size_t> by_id;
    for (const YAML::Node& item : tasks_node) {
      Legacy t;
      AGENTQ_TRY(read_task(yaml, item, &t, resolve));
      if (by_id.count(t.id)) return fail(Error(Code::DEF_DUPLICATE, "duplicate task id '" + t.id + "'", t.where));
      by_id[t.id] = tasks.size();
      tasks.push_back(std::move(t));
    }
    auto live = [](const Legacy& t) { return t.status == "in_progress" || t.status == "blocked" || t.status == "review"; };
    auto claimed = [&](const Legacy& t) { return live(t) || t.status == "done"; };

    // Owners: every claimed task needs one. Without an `actors:` section, actors are derived;
    // done tasks without an owner are recorded as the synthetic actor `legacy-import`.
    const bool derive_actors = !sections.count("actors");
    for (Legacy& t : tasks) {
      if (!claimed(t)) continue;
      if (t.role.empty()) return fail(Error(Code::DEF_INVALID, "task " + t.id + " needs a role", t.where));
      if (t.owner.empty()) {
        if (t.status != "done" || !derive_actors)
          return fail(Error(Code::UNKNOWN_ACTOR, "task " + t.id + " is " + t.status + " but names no owner", t.where,
                            "add owner: ACTOR to the task"));
        t.owner = "legacy-import";
        plan.notes.push_back(t.id + ": done without an owner; recorded as actor legacy-import");
      }
    }

    // Definitions. policy: the file's, with base defaulted; done tasks take the no_merge path
    // (the work was merged before the switch and has no git-agentq handoff or reviews).
    YAML::Node policy = sections.count("policy") ? sections["policy"] : YAML::Node(YAML::NodeType::Map);
    if (!policy.IsMap()) return fail(Error(Code::DEF_WRONG_TYPE, "policy must be a mapping", Location::in_file(file)));
    if (!policy["base"]) policy["base"] = default_base;
    // Any spelling the definitions loader reads as true (core/yaml_read.h).
    if (yaml_bool(static_cast<const YAML::Node&>(policy)["require_signed"]).value_or(false))
      return fail(Error(Code::DEF_INVALID,
                        "import records the old queue's events on behalf of its owners and cannot sign as them", Location::in_file(file),
                        "import with policy.require_signed: false, then turn it on in a later commit (old events stay valid)"));
    const bool any_done = std::any_of(tasks.begin(), tasks.end(), [](const Legacy& t) { return t.status == "done"; });
    if (any_done) {
      policy["allow_no_merge"] = true;
      plan.notes.push_back("tasks done before the switch are marked no_merge (policy.allow_no_merge: true): their work "
                           "was merged without a git-agentq handoff, so they are done without one");
    }

    YAML::Node roles = sections.count("roles") ? sections["roles"] : YAML::Node(YAML::NodeType::Map);
    if (!sections.count("roles")) {
      std::vector<std::string> order;
      std::map<std::string, int> live_count;
      for (const Legacy& t : tasks) {
        if (t.role.empty()) continue;
        if (std::find(order.begin(), order.end(), t.role) == order.end()) order.push_back(t.role);
        if (live(t)) ++live_count[t.role];
      }
      for (const std::string& r : order) {
        int pins = 1;
        for (const Legacy& t : tasks)
          if (t.role == r) pins = std::max(pins, t.lane_pin);
        YAML::Node role(YAML::NodeType::Map);
        role["kind"] = "delivery";
        role["lanes"] = std::max(pins, live_count[r]);
        roles[r] = role;
      }
      if (!order.empty()) plan.notes.push_back("roles derived from the tasks (kind delivery, lanes for the claims in progress)");
    }
    YAML::Node actors = sections.count("actors") ? sections["actors"] : YAML::Node(YAML::NodeType::Map);
    if (derive_actors) {
      std::map<std::string, std::set<std::string>> held;
      std::vector<std::string> order;
      for (const Legacy& t : tasks) {
        if (t.owner.empty() || !claimed(t)) continue;
        if (!held.count(t.owner)) order.push_back(t.owner);
        held[t.owner].insert(t.role);
      }
      for (const std::string& a : order) {
        YAML::Node actor(YAML::NodeType::Map);
        YAML::Node list(YAML::NodeType::Sequence);
        for (const std::string& r : held[a]) list.push_back(r);
        actor["roles"] = list;
        actors[a] = actor;
      }
      if (!order.empty()) plan.notes.push_back("actors derived from the owners (no keys: add them before require_signed)");
    }

    YAML::Emitter out;
    out << YAML::Comment("git-agentq definitions, imported from " + file);
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << 1;
    out << YAML::Key << "policy" << YAML::Value << policy;
    out << YAML::Key << "roles" << YAML::Value << roles;
    if (actors.size()) out << YAML::Key << "actors" << YAML::Value << actors;
    if (sections.count("reviews")) out << YAML::Key << "reviews" << YAML::Value << sections["reviews"];
    if (sections.count("high_risk_paths")) out << YAML::Key << "high_risk_paths" << YAML::Value << sections["high_risk_paths"];
    out << YAML::Key << "tasks" << YAML::Value << YAML::BeginSeq;
    for (const Legacy& t : tasks) {
      YAML::Node def(YAML::NodeType::Map);
      for (const std::string& key : kDefinitionKeys) {
        if (key == "role") {
          if (!t.role.empty()) def["role"] = t.role;
          continue;
        }
        if (t.node[key]) def[key] = YAML::Clone(t.node[key]);
      }
      if (t.status == "done") def["no_merge"] = true;
      out << def;
    }
    out << YAML::EndSeq << YAML::EndMap;
    if (!out.good()) return fail(Error(Code::DEF_INVALID, "cannot write the definitions: " + out.GetLastError()));
    plan.yaml = std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return fail(Error(Code::DEF_INVALID, e.msg, yaml.loc(e.mark)));
  }

  auto defs = load_definitions(plan.yaml, ".agentq/queue.yaml (imported from " + file + ")");
  if (!defs) return fail(defs.error());
  plan.defs = std::move(*defs);
  const Definitions& d = plan.defs;

  // Events. The legacy state is re-checked against the rules first, so a write never stops half
  // way: claims need their dependencies done and a free lane; owners must hold the role.
  std::map<std::string, const Legacy*> by_id;
  for (const Legacy& t : tasks) by_id[t.id] = &t;
  auto done = [&](const std::string& id) { return by_id.count(id) && by_id[id]->status == "done"; };
  for (const Legacy& t : tasks) {
    if (t.status == "todo") continue;
    const Actor* a = d.actor(t.owner);
    if (!a) return fail(Error::unknown_actor(t.owner).at(t.where).in_task(t.id));
    if (!a->holds(t.role))
      return fail(Error(Code::ROLE_MISMATCH, "task " + t.id + ": owner " + t.owner + " does not hold role " + t.role, t.where));
    for (const std::string& dep : t.depends_on)
      if (!done(dep))
        return fail(Error(Code::DEP_NOT_DONE, "task " + t.id + " is " + t.status + " but its dependency " + dep +
                                                  " is not done",
                          t.where, "fix the old queue's state first: git-agentq enforces dependency order"));
    if (t.status == "blocked" && !t.blocked_by.empty() && (!by_id.count(t.blocked_by) || t.blocked_by == t.id))
      return fail(Error(Code::UNKNOWN_TASK, "task " + t.id + " is blocked by unknown task '" + t.blocked_by + "'", t.where));
  }

  auto base_event = [&](EventType type, const Legacy& t) {
    Event e;
    e.type = type;
    e.task = t.id;
    e.actor = t.owner;
    return e;
  };
  auto claim = [&](const Legacy& t, int lane, int n) {
    Event e = base_event(EventType::claim, t);
    e.id = event_id(t.id, n);
    e.role = t.role;
    e.lane = lane;
    e.branch = t.branch;
    return e;
  };
  auto evidence = [&](const Legacy& t, int* n) {
    for (const Legacy::Evidence& ev : t.evidence) {
      if (ev.commit.empty()) {
        plan.notes.push_back(t.id + ": evidence `" + ev.command + "` names no commit and is not recorded");
        continue;
      }
      Event e = base_event(EventType::evidence, t);
      e.id = event_id(t.id, (*n)++);
      e.role = t.role;
      e.command = ev.command;
      e.result = ev.result;
      e.exit_code = ev.exit_code;
      e.commit = ev.commit;
      // Acceptance evidence is what `git agentq check` ran itself; the old queue's is a report.
      e.kind = (ev.kind == "code_anchor" || ev.kind == "runtime") ? ev.kind : "other";
      plan.events.push_back(std::move(e));
    }
  };

  // 1. done tasks, dependencies first; each claims and finishes at once, so lanes stay free.
  std::set<std::string> emitted;
  std::function<void(const Legacy&)> finish = [&](const Legacy& t) {
    if (emitted.count(t.id)) return;
    emitted.insert(t.id);
    for (const std::string& dep : t.depends_on)
      if (by_id.count(dep)) finish(*by_id[dep]);
    const std::string claim_id = event_id(t.id, 1);
    plan.events.push_back(claim(t, t.lane_pin ? t.lane_pin : 1, 1));
    int n = 2;
    evidence(t, &n);
    Event s = base_event(EventType::status, t);
    s.id = event_id(t.id, n);
    s.role = t.role;
    s.claim = claim_id;
    s.status = "done";
    s.commit = t.commit;
    s.reason = "imported as done";
    plan.events.push_back(std::move(s));
  };
  for (const Legacy& t : tasks)
    if (t.status == "done") finish(t);

  // 2. work in progress, in YAML order: pinned lanes first, then the lowest free lane.
  std::map<std::string, std::set<int>> used;
  std::map<std::string, int> lane_of;
  for (const Legacy& t : tasks) {
    if (t.status == "in_progress" || t.status == "blocked" || t.status == "review") {
      if (!t.lane_pin) continue;
      if (!used[t.role].insert(t.lane_pin).second)
        return fail(Error(Code::LANE_BUSY, "task " + t.id + " pins lane " + std::to_string(t.lane_pin) + " of " + t.role +
                                               ", which another claimed task holds",
                          t.where));
      lane_of[t.id] = t.lane_pin;
    }
  }
  for (const Legacy& t : tasks) {
    if (!(t.status == "in_progress" || t.status == "blocked" || t.status == "review") || t.lane_pin) continue;
    const Role* role = d.role(t.role);
    int lane = 1;
    while (used[t.role].count(lane)) ++lane;
    if (lane > role->lanes)
      return fail(Error(Code::LANE_BUSY, "task " + t.id + ": role " + t.role + " has " + std::to_string(role->lanes) +
                                             " lane(s), all held by other claimed tasks",
                        t.where, "raise roles." + t.role + ".lanes"));
    used[t.role].insert(lane);
    lane_of[t.id] = lane;
  }
  for (const Legacy& t : tasks) {
    if (!lane_of.count(t.id)) continue;
    plan.events.push_back(claim(t, lane_of[t.id], 1));
    int n = 2;
    evidence(t, &n);
    if (t.status == "blocked") {
      Event s = base_event(EventType::status, t);
      s.id = event_id(t.id, n++);
      s.role = t.role;
      s.claim = event_id(t.id, 1);
      s.status = "blocked";
      s.reason = t.blocked_reason.empty() ? "imported as blocked" : t.blocked_reason;
      s.blocked_by = t.blocked_by;
      plan.events.push_back(std::move(s));
    }
    if (t.status == "review")
      plan.notes.push_back(t.id + ": was in review; imported as in_progress (claimed by " + t.owner +
                           "): hand it off again with 'git agentq handoff " + t.id + "' so reviews bind to a commit");
  }
  // 3. evidence recorded for tasks nobody holds.
  for (const Legacy& t : tasks) {
    if (t.status != "todo" || t.evidence.empty()) continue;
    plan.notes.push_back(t.id + ": evidence of an unclaimed task is not recorded (no owner acts on it)");
  }
  return plan;
}

}  // namespace agentq
