// The YAML loader for Definitions. yaml-cpp keeps duplicate keys silently and reports 0-based
// marks: core/yaml_read.h detects duplicates and prints every location 1-based, the same way
// for import.
#include <algorithm>
#include <functional>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/definitions.h"
#include "core/yaml_read.h"

namespace agentq {
namespace {

// The definitions' own value types on top of the shared YAML reading (core/yaml_read.h).
class Reader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  Result<std::string> name(const YAML::Node& n, const YAML::Node& key, const std::string& what) const {
    auto s = str(n, key, what);
    if (!s) return s;
    if (!valid_name(*s))
      return fail(Error(Code::DEF_INVALID,
                        what + " '" + *s + "' must be 1-100 characters of [A-Za-z0-9._-], not starting with '.' or '-'",
                        loc(n, key)));
    return s;
  }

  Result<Millis> duration(const YAML::Node& n, const YAML::Node& key, const std::string& what) const {
    auto s = str(n, key, what);
    if (!s) return fail(s.error());
    auto d = parse_duration(*s);
    if (!d)
      return fail(Error(Code::DEF_INVALID, what + " '" + *s + "' is not a duration like 30s, 15m, 48h or 2d",
                        loc(n, key)));
    return *d;
  }

  // A sequence of strings. A single scalar is a wrong type, not a one-element list: a missing
  // dash is a common YAML slip that would otherwise silently change meaning.
  Result<std::vector<std::string>> strings(const YAML::Node& n, const YAML::Node& key, const std::string& what,
                                           bool names = false, bool non_empty = false) const {
    std::vector<std::string> out;
    if (n.IsNull()) return out;
    if (!n.IsSequence())
      return fail(Error(Code::DEF_WRONG_TYPE, what + " must be a list of strings", loc(n, key)));
    std::set<std::string> seen;
    for (const YAML::Node& item : n) {
      auto s = names ? name(item, key, what + " entry") : str(item, key, what + " entry");
      if (!s) return fail(s.error());
      if (non_empty && s->find_first_not_of(" \t\r\n") == std::string::npos)
        return fail(Error(Code::DEF_INVALID, what + " entry is empty", loc(item, key)));
      if (!seen.insert(*s).second)
        return fail(Error(Code::DEF_DUPLICATE, "duplicate " + what + " entry '" + *s + "'", loc(item, key)));
      out.push_back(*s);
    }
    return out;
  }
};

template <class E>
Result<E> enum_value(const Reader& r, const YAML::Node& n, const YAML::Node& key, const std::string& what,
                     std::initializer_list<std::pair<std::string_view, E>> options) {
  auto s = r.str(n, key, what);
  if (!s) return fail(s.error());
  std::string list;
  for (const auto& [spelling, value] : options) {
    if (*s == spelling) return value;
    list += (list.empty() ? "" : ", ") + std::string(spelling);
  }
  return fail(Error(Code::DEF_INVALID, what + " '" + *s + "' must be one of: " + list, r.loc(n, key)));
}

Status load_policy(const Reader& r, const YAML::Node& node, Policy* p) {
  bool has_base = false;
  AGENTQ_TRY(r.each(node, "policy",
                    {"base", "release", "remote", "stale_after", "require_signed", "worktree_root",
                     "worktree_prefix", "protect_base", "allow_no_merge", "check_timeout", "log_cap", "exempt"},
                    [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
                      auto set_str = [&](std::string* out) -> Status {
                        auto s = r.str(v, k, "policy." + key);
                        if (!s) return fail(s.error());
                        *out = *s;
                        return {};
                      };
                      if (key == "base") {
                        has_base = true;
                        return set_str(&p->base);
                      }
                      if (key == "release") return set_str(&p->release);
                      if (key == "remote") return set_str(&p->remote);
                      if (key == "worktree_root") return set_str(&p->worktree_root);
                      if (key == "worktree_prefix") return set_str(&p->worktree_prefix);
                      if (key == "stale_after" || key == "check_timeout") {
                        auto d = r.duration(v, k, "policy." + key);
                        if (!d) return fail(d.error());
                        (key == "stale_after" ? p->stale_after : p->check_timeout) = *d;
                        return {};
                      }
                      if (key == "require_signed" || key == "protect_base" || key == "allow_no_merge") {
                        auto b = r.boolean(v, k, "policy." + key);
                        if (!b) return fail(b.error());
                        (key == "require_signed" ? p->require_signed
                         : key == "protect_base" ? p->protect_base
                                                 : p->allow_no_merge) = *b;
                        return {};
                      }
                      if (key == "log_cap") {
                        auto n = r.integer(v, k, "policy.log_cap");
                        if (!n) return fail(n.error());
                        if (*n < 1024) return fail(Error(Code::DEF_INVALID, "policy.log_cap must be at least 1024 bytes", r.loc(v, k)));
                        p->log_cap = *n;
                        return {};
                      }
                      // exempt
                      return r.each(v, "policy.exempt", {"paths", "authors"},
                                    [&](const std::string& ek, const YAML::Node& ekn, const YAML::Node& ev) -> Status {
                                      auto list = r.strings(ev, ekn, "policy.exempt." + ek, false, true);
                                      if (!list) return fail(list.error());
                                      (ek == "paths" ? p->exempt.paths : p->exempt.authors) = *list;
                                      return {};
                                    });
                    }));
  if (!has_base || p->base.empty())
    return fail(Error(Code::DEF_INVALID, "policy.base is required (the integration branch, e.g. main)", r.loc(node)));
  return {};
}

// A role or an actor: its key is its name, and where it is declared.
template <class T>
Result<T> named_entry(const Reader& r, const YAML::Node& k, const char* what) {
  T t;
  auto nm = r.name(k, k, what);
  if (!nm) return fail(nm.error());
  t.name = *nm;
  t.where = r.loc(k);
  return t;
}

Status load_roles(const Reader& r, const YAML::Node& node, std::vector<Role>* roles) {
  return r.each(node, "roles", {}, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
    auto entry = named_entry<Role>(r, k, "role name");
    if (!entry) return fail(entry.error());
    Role role = std::move(*entry);
    bool has_kind = false;
    AGENTQ_TRY(r.each(v, "role " + key, {"kind", "lanes", "owns"},
                      [&](const std::string& rk, const YAML::Node& rkn, const YAML::Node& rv) -> Status {
                        if (rk == "kind") {
                          has_kind = true;
                          auto kind = enum_value<RoleKind>(r, rv, rkn, "roles." + key + ".kind",
                                                           {{"delivery", RoleKind::delivery},
                                                            {"review", RoleKind::review},
                                                            {"coordinator", RoleKind::coordinator}});
                          if (!kind) return fail(kind.error());
                          role.kind = *kind;
                        } else if (rk == "lanes") {
                          auto n = r.integer(rv, rkn, "roles." + key + ".lanes");
                          if (!n) return fail(n.error());
                          if (*n < 1 || *n > 64)
                            return fail(Error(Code::DEF_INVALID, "roles." + key + ".lanes must be between 1 and 64",
                                              r.loc(rv, rkn)));
                          role.lanes = static_cast<int>(*n);
                        } else {
                          auto owns = r.strings(rv, rkn, "roles." + key + ".owns", false, true);
                          if (!owns) return fail(owns.error());
                          role.owns = *owns;
                        }
                        return {};
                      }));
    if (!has_kind)
      return fail(Error(Code::DEF_INVALID, "role " + key + " needs a kind (delivery, review or coordinator)", r.loc(k)));
    roles->push_back(std::move(role));
    return {};
  });
}

Status load_actors(const Reader& r, const YAML::Node& node, std::vector<Actor>* actors) {
  return r.each(node, "actors", {}, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
    auto entry = named_entry<Actor>(r, k, "actor name");
    if (!entry) return fail(entry.error());
    Actor a = std::move(*entry);
    AGENTQ_TRY(r.each(v, "actor " + key, {"roles", "key", "model", "human"},
                      [&](const std::string& ak, const YAML::Node& akn, const YAML::Node& av) -> Status {
                        const std::string what = "actors." + key + "." + ak;
                        if (ak == "roles") {
                          auto roles = r.strings(av, akn, what, true);
                          if (!roles) return fail(roles.error());
                          a.roles = *roles;
                        } else if (ak == "human") {
                          auto b = r.boolean(av, akn, what);
                          if (!b) return fail(b.error());
                          a.human = *b;
                        } else {
                          auto s = r.str(av, akn, what);
                          if (!s) return fail(s.error());
                          (ak == "key" ? a.key : a.model) = *s;
                        }
                        return {};
                      }));
    actors->push_back(std::move(a));
    return {};
  });
}

Status load_reviews(const Reader& r, const YAML::Node& node, Reviews* reviews) {
  return r.each(node, "reviews", {"routes", "self_approval", "same_model"},
                [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
                  if (key == "self_approval") {
                    auto b = r.boolean(v, k, "reviews.self_approval");
                    if (!b) return fail(b.error());
                    reviews->self_approval = *b;
                    return {};
                  }
                  if (key == "same_model") {
                    auto s = enum_value<SameModel>(r, v, k, "reviews.same_model",
                                                   {{"exception_note", SameModel::exception_note},
                                                    {"allow", SameModel::allow},
                                                    {"forbid", SameModel::forbid}});
                    if (!s) return fail(s.error());
                    reviews->same_model = *s;
                    return {};
                  }
                  if (v.IsNull()) return {};
                  if (!v.IsSequence())
                    return fail(Error(Code::DEF_WRONG_TYPE, "reviews.routes must be a list", r.loc(v, k)));
                  for (const YAML::Node& item : v) {
                    Route route;
                    AGENTQ_TRY(r.each(item, "reviews.routes entry", {"paths", "require"},
                                      [&](const std::string& rk, const YAML::Node& rkn, const YAML::Node& rv) -> Status {
                                        auto list = r.strings(rv, rkn, "reviews.routes." + rk, rk == "require", true);
                                        if (!list) return fail(list.error());
                                        (rk == "paths" ? route.paths : route.require) = *list;
                                        return {};
                                      }));
                    if (route.paths.empty() || route.require.empty())
                      return fail(Error(Code::DEF_INVALID, "a review route needs both paths and require", r.loc(item)));
                    reviews->routes.push_back(std::move(route));
                  }
                  return {};
                });
}

Status load_task(const Reader& r, const YAML::Node& node, Task* t) {
  t->where = r.loc(node);
  bool has_id = false, has_role = false;
  AGENTQ_TRY(r.each(node, "task",
                    {"id", "title", "description", "role", "lane", "kind", "risk", "depends_on", "parent",
                     "slice", "merge_order", "acceptance_checks", "no_merge"},
                    [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
                      const std::string what = "task." + key;
                      if (key == "id" || key == "role") {
                        auto s = r.name(v, k, what);
                        if (!s) return fail(s.error());
                        if (key == "id") {
                          has_id = true;
                          t->id = *s;
                        } else {
                          has_role = true;
                          t->role = *s;
                        }
                      } else if (key == "title" || key == "description" || key == "parent" || key == "slice") {
                        auto s = r.str(v, k, what);
                        if (!s) return fail(s.error());
                        (key == "title" ? t->title : key == "description" ? t->description
                                                 : key == "parent"        ? t->parent
                                                                          : t->slice) = *s;
                      } else if (key == "lane" || key == "merge_order") {
                        auto n = r.integer(v, k, what);
                        if (!n) return fail(n.error());
                        if (key == "lane") {
                          if (*n < 1) return fail(Error(Code::DEF_INVALID, "task.lane must be 1 or more", r.loc(v, k)));
                          t->lane = static_cast<int>(*n);
                        } else {
                          t->merge_order = *n;
                        }
                      } else if (key == "kind") {
                        auto kind = enum_value<TaskKind>(
                            r, v, k, what,
                            {{"feature", TaskKind::feature}, {"defect", TaskKind::defect}, {"chore", TaskKind::chore}});
                        if (!kind) return fail(kind.error());
                        t->kind = *kind;
                      } else if (key == "risk") {
                        auto risk = enum_value<Risk>(r, v, k, what, {{"normal", Risk::normal}, {"high", Risk::high}});
                        if (!risk) return fail(risk.error());
                        t->risk = *risk;
                      } else if (key == "depends_on") {
                        auto deps = r.strings(v, k, what, true);
                        if (!deps) return fail(deps.error());
                        t->depends_on = *deps;
                      } else if (key == "acceptance_checks") {
                        auto checks = r.strings(v, k, what, false, true);
                        if (!checks) return fail(checks.error());
                        t->acceptance_checks = *checks;
                      } else {
                        auto b = r.boolean(v, k, what);
                        if (!b) return fail(b.error());
                        t->no_merge = *b;
                      }
                      return {};
                    }));
  if (!has_id) return fail(Error(Code::DEF_INVALID, "task without an id", t->where));
  if (!has_role) return fail(Error(Code::DEF_INVALID, "task " + t->id + " needs a role", t->where));
  return {};
}

// Depth-first search for a dependency cycle; returns the cycle as "A -> B -> A".
std::optional<std::pair<std::string, size_t>> find_cycle(const Definitions& d) {
  enum Color : char { white, grey, black };
  std::vector<Color> color(d.tasks.size(), white);
  std::vector<size_t> stack;
  std::function<std::optional<size_t>(size_t)> dfs = [&](size_t i) -> std::optional<size_t> {
    color[i] = grey;
    stack.push_back(i);
    for (const std::string& dep : d.tasks[i].depends_on) {
      size_t j = d.task_pos(dep);
      if (color[j] == grey) return j;
      if (color[j] == white) {
        if (auto hit = dfs(j)) return hit;
      }
    }
    stack.pop_back();
    color[i] = black;
    return std::nullopt;
  };
  for (size_t i = 0; i < d.tasks.size(); ++i) {
    if (color[i] != white) continue;
    stack.clear();
    if (auto start = dfs(i)) {
      auto from = std::find(stack.begin(), stack.end(), *start);
      std::string path;
      for (auto it = from; it != stack.end(); ++it) path += d.tasks[*it].id + " -> ";
      path += d.tasks[*start].id;
      return std::make_pair(path, *start);
    }
  }
  return std::nullopt;
}

Status cross_check(const Definitions& d) {
  for (const Actor& a : d.actors) {
    for (const std::string& role : a.roles) {
      if (!d.role(role))
        return fail(Error::unknown_role(role).at(a.where).hint("actor " + a.name + " names a role not under 'roles:'"));
    }
  }
  for (const Route& route : d.reviews.routes) {
    for (const std::string& role : route.require) {
      const Role* r = d.role(role);
      if (!r) return fail(Error(Code::UNKNOWN_ROLE, "review route requires unknown role '" + role + "'", Location::in_file(d.file)));
      if (r->kind != RoleKind::review)
        return fail(Error(Code::DEF_INVALID, "review route requires role '" + role + "', which is not of kind review",
                          r->where));
    }
  }
  std::set<std::string> ids;
  for (const Task& t : d.tasks) {
    if (!ids.insert(t.id).second)
      return fail(Error(Code::DEF_DUPLICATE, "duplicate task id '" + t.id + "'", t.where));
  }
  for (const Task& t : d.tasks) {
    const Role* role = d.role(t.role);
    if (!role) return fail(Error::unknown_role(t.role).at(t.where).in_task(t.id));
    if (t.lane > role->lanes)
      return fail(Error(Code::DEF_INVALID,
                        "task " + t.id + " pins lane " + std::to_string(t.lane) + " but role " + t.role + " has " +
                            std::to_string(role->lanes) + " lane(s)",
                        t.where));
    for (const std::string& dep : t.depends_on) {
      if (dep == t.id) return fail(Error(Code::DEP_CYCLE, "task " + t.id + " depends on itself", t.where));
      if (!d.task(dep))
        return fail(Error(Code::UNKNOWN_TASK, "task " + t.id + " depends on unknown task '" + dep + "'", t.where));
    }
  }
  if (auto cycle = find_cycle(d))
    return fail(Error(Code::DEP_CYCLE, "dependency cycle: " + cycle->first, d.tasks[cycle->second].where));
  return {};
}

}  // namespace

Result<Definitions> load_definitions(std::string_view yaml, const std::string& file) {
  Reader r(file);
  auto parsed = r.parse(yaml);
  if (!parsed) return fail(parsed.error());
  const YAML::Node root = *parsed;
  if (!root.IsDefined() || root.IsNull())
    return fail(Error(Code::DEF_INVALID, "the definitions file is empty", Location::in_file(file)));

  Definitions d;
  d.file = file;
  bool has_version = false, has_policy = false;
  try {
    AGENTQ_TRY(r.each(root, "the definitions",
                      {"version", "policy", "roles", "actors", "reviews", "high_risk_paths", "tasks"},
                      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> Status {
                        if (key == "version") {
                          has_version = true;
                          auto n = r.integer(v, k, "version");
                          if (!n) return fail(n.error());
                          if (*n != 1)
                            return fail(Error(Code::DEF_INVALID,
                                              "version " + std::to_string(*n) + " is not supported (this git-agentq reads version 1)",
                                              r.loc(v, k)));
                          return {};
                        }
                        if (key == "policy") {
                          has_policy = true;
                          return load_policy(r, v, &d.policy);
                        }
                        if (key == "roles") return load_roles(r, v, &d.roles);
                        if (key == "actors") return v.IsNull() ? Status{} : load_actors(r, v, &d.actors);
                        if (key == "reviews") return v.IsNull() ? Status{} : load_reviews(r, v, &d.reviews);
                        if (key == "high_risk_paths") {
                          auto list = r.strings(v, k, "high_risk_paths", false, true);
                          if (!list) return fail(list.error());
                          d.high_risk_paths = *list;
                          return {};
                        }
                        if (v.IsNull()) return {};
                        if (!v.IsSequence())
                          return fail(Error(Code::DEF_WRONG_TYPE, "tasks must be a list", r.loc(v, k)));
                        for (const YAML::Node& item : v) {
                          Task t;
                          AGENTQ_TRY(load_task(r, item, &t));
                          d.tasks.push_back(std::move(t));
                        }
                        return {};
                      }));
  } catch (const YAML::Exception& e) {
    // Defensive: conversions are done by hand above, but yaml-cpp may still throw on odd input.
    return fail(Error(Code::DEF_INVALID, e.msg, r.loc(e.mark)));
  }
  if (!has_version) return fail(Error(Code::DEF_INVALID, "missing 'version: 1'", Location::in_file(file, 1, 1)));
  if (!has_policy) return fail(Error(Code::DEF_INVALID, "missing 'policy:' (policy.base is required)", Location::in_file(file, 1, 1)));
  d.reindex();
  AGENTQ_TRY(cross_check(d));
  return d;
}

}  // namespace agentq
