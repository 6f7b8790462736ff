#include "core/event.h"

#include <algorithm>
#include <array>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/timeutil.h"
#include "core/utf8.h"

namespace agentq {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<EventType, std::string_view>, 12> kTypes = {{
    {EventType::init, "init"},
    {EventType::claim, "claim"},
    {EventType::unclaim, "unclaim"},
    {EventType::status, "status"},
    {EventType::evidence, "evidence"},
    {EventType::handoff, "handoff"},
    {EventType::review, "review"},
    {EventType::promote, "promote"},
    {EventType::void_, "void"},
    {EventType::override_, "override"},
    {EventType::gate, "gate"},
    {EventType::run, "run"},
}};

using Member = std::variant<std::string Event::*, std::optional<int64_t> Event::*, std::vector<std::string> Event::*,
                            std::optional<bool> Event::*>;

struct Field {
  std::string_view name;
  Member member;
};

// Every field but `v` and `type`. The order here does not matter: the encoding sorts keys.
const std::array kFields = {
    Field{"id", &Event::id},
    Field{"task", &Event::task},
    Field{"actor", &Event::actor},
    Field{"role", &Event::role},
    Field{"lane", &Event::lane},
    Field{"at", &Event::at},
    Field{"defs", &Event::defs},
    Field{"claim", &Event::claim},
    Field{"base", &Event::base},
    Field{"release", &Event::release},
    Field{"remote", &Event::remote},
    Field{"branch", &Event::branch},
    Field{"reason", &Event::reason},
    Field{"saved_patch", &Event::saved_patch},
    Field{"status", &Event::status},
    Field{"blocked_by", &Event::blocked_by},
    Field{"commit", &Event::commit},
    Field{"command", &Event::command},
    Field{"exit_code", &Event::exit_code},
    Field{"result", &Event::result},
    Field{"duration_ms", &Event::duration_ms},
    Field{"kind", &Event::kind},
    Field{"log", &Event::log},
    Field{"log_bytes", &Event::log_bytes},
    Field{"merge_base", &Event::merge_base},
    Field{"patch_id", &Event::patch_id},
    Field{"commits", &Event::commits},
    Field{"files", &Event::files},
    Field{"evidence", &Event::evidence},
    Field{"risks", &Event::risks},
    Field{"next", &Event::next},
    Field{"root_cause", &Event::root_cause},
    Field{"owning_file", &Event::owning_file},
    Field{"proof_command", &Event::proof_command},
    Field{"decision", &Event::decision},
    Field{"note", &Event::note},
    Field{"exception_note", &Event::exception_note},
    Field{"tasks", &Event::tasks},
    Field{"rollback", &Event::rollback},
    Field{"event", &Event::event},
    Field{"run", &Event::run},
    Field{"stage", &Event::stage},
    Field{"gate", &Event::gate},
    Field{"state", &Event::state},
    Field{"passed", &Event::passed},
    Field{"codes", &Event::codes},
};

struct TypeSpec {
  EventType type;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

// Common to every type: v, type, id, at, defs (required); actor is required except on init.
const std::vector<TypeSpec>& type_specs() {
  static const std::vector<TypeSpec> specs = {
      {EventType::init, {"base"}, {"actor", "role", "release", "remote"}},
      {EventType::claim, {"actor", "task", "role", "lane"}, {"branch"}},
      {EventType::unclaim, {"actor", "task", "role"}, {"lane", "claim", "reason", "saved_patch"}},
      {EventType::status, {"actor", "task", "role", "status"}, {"lane", "claim", "reason", "blocked_by", "commit"}},
      {EventType::evidence,
       {"actor", "task", "command", "result", "kind", "commit"},
       {"role", "lane", "exit_code", "duration_ms", "log", "log_bytes"}},
      {EventType::handoff,
       {"actor", "task", "role", "claim", "branch", "commit", "merge_base", "files"},
       {"lane", "patch_id", "commits", "evidence", "risks", "next", "root_cause", "owning_file", "proof_command"}},
      {EventType::review, {"actor", "task", "role", "commit", "decision"}, {"note", "exception_note"}},
      {EventType::promote, {"actor", "release", "commit", "risks", "rollback"}, {"role", "tasks"}},
      {EventType::void_, {"actor", "event", "reason"}, {"role", "task"}},
      {EventType::override_, {"actor", "task", "reason"}, {"role", "commit"}},
      {EventType::gate, {"actor", "run", "gate", "passed"}, {"role", "task", "stage", "state", "codes", "reason"}},
      {EventType::run, {"actor", "run", "state"}, {"role", "task", "stage", "codes", "reason"}},
  };
  return specs;
}

const TypeSpec& spec_for(EventType t) {
  for (const TypeSpec& s : type_specs())
    if (s.type == t) return s;
  return type_specs().front();
}

bool contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool is_common(std::string_view name) { return name == "id" || name == "at" || name == "defs"; }

bool present(const Event& e, const Member& m) {
  return std::visit(
      [&](auto ptr) -> bool {
        const auto& value = e.*ptr;
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) return !value.empty();
        else if constexpr (std::is_same_v<T, std::vector<std::string>>) return !value.empty();
        else return value.has_value();
      },
      m);
}

json to_json_object(const Event& e, bool with_time) {
  json j = json::object();
  j["v"] = e.v;
  j["type"] = std::string(to_string(e.type));
  const TypeSpec& spec = spec_for(e.type);
  for (const Field& f : kFields) {
    if (!with_time && (f.name == "at" || f.name == "defs")) continue;
    const bool required = is_common(f.name) || contains(spec.required, f.name);
    if (!required && !present(e, f.member)) continue;
    std::visit(
        [&](auto ptr) {
          const auto& value = e.*ptr;
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>)
            j[std::string(f.name)] = value;
          else if (value.has_value())
            j[std::string(f.name)] = *value;
        },
        f.member);
  }
  return j;
}

bool is_hex_id(std::string_view s) {
  return (s.size() == 40 || s.size() == 64) &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_event_id(std::string_view s) {
  return !s.empty() && s.size() <= 100 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                  c == '_' || c == '.';
         });
}

Status one_of(std::string_view field, const std::string& value, std::initializer_list<std::string_view> options) {
  for (auto o : options)
    if (value == o) return {};
  std::string list;
  for (auto o : options) list += (list.empty() ? "" : "|") + std::string(o);
  return fail(Error::invalid_event("field '" + std::string(field) + "' is '" + value + "', expected " + list));
}

std::string one_line(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return sanitize_utf8(out);
}

std::string short_id(const std::string& commit) { return commit.substr(0, 12); }

}  // namespace

std::string_view to_string(EventType t) {
  for (const auto& [type, name] : kTypes)
    if (type == t) return name;
  return "?";
}

std::optional<EventType> event_type_from(std::string_view s) {
  for (const auto& [type, name] : kTypes)
    if (name == s) return type;
  return std::nullopt;
}

std::string encode_json(const Event& e) { return to_json_object(e, true).dump(); }
std::string content_key(const Event& e) { return to_json_object(e, false).dump(); }

std::string subject_line(const Event& e) {
  const std::string by = e.actor.empty() ? "" : " by " + e.actor;
  switch (e.type) {
    case EventType::init:
      return "init queue on " + e.base + by;
    case EventType::claim:
      return "claim " + e.task + by + " (" + e.role + ", lane " + std::to_string(e.lane.value_or(0)) + ")";
    case EventType::unclaim:
      return "unclaim " + e.task + by + (e.reason.empty() ? "" : ": " + one_line(e.reason, 60));
    case EventType::status:
      return "status " + e.task + " -> " + e.status + by;
    case EventType::evidence:
      return "evidence " + e.task + " " + e.result + " `" + one_line(e.command, 60) + "`" + by;
    case EventType::handoff:
      return "handoff " + e.task + " at " + short_id(e.commit) + by;
    case EventType::review:
      return "review " + e.task + " " + e.decision + " " + short_id(e.commit) + by + " (" + e.role + ")";
    case EventType::promote:
      return "promote " + short_id(e.commit) + " to " + e.release + by;
    case EventType::void_:
      return "void " + e.event + by;
    case EventType::override_:
      return "override " + e.task + by + ": " + one_line(e.reason, 60);
    case EventType::gate:
      return "gate " + e.gate + (e.passed.value_or(false) ? " passed" : " failed") + " (run " + e.run + ")";
    case EventType::run:
      return "run " + e.run + " " + e.state;
  }
  return "event";
}

std::string commit_message(const Event& e) { return subject_line(e) + "\n\n" + encode_json(e) + "\n"; }

Status check_shape(const Event& e) {
  if (e.v < 1 || e.v > kEventVersion)
    return fail(Error::invalid_event("event version " + std::to_string(e.v) + " is not supported by this git-agentq (" +
                                     std::to_string(kEventVersion) + ")")
                    .hint(e.v > kEventVersion ? "upgrade git-agentq" : ""));
  if (!is_event_id(e.id)) return fail(Error::invalid_event("field 'id' must be 1-100 characters of [A-Za-z0-9._-]"));
  if (!parse_rfc3339(e.at)) return fail(Error::invalid_event("field 'at' is not an RFC 3339 UTC time: '" + e.at + "'"));
  if (!is_hex_id(e.defs)) return fail(Error::invalid_event("field 'defs' is not a commit id"));
  const TypeSpec& spec = spec_for(e.type);
  for (const Field& f : kFields) {
    const bool required = contains(spec.required, f.name);
    const bool allowed = is_common(f.name) || required || contains(spec.optional, f.name);
    const bool has = present(e, f.member);
    if (has && !allowed)
      return fail(Error::invalid_event("field '" + std::string(f.name) + "' is not part of a " +
                                       std::string(to_string(e.type)) + " event"));
    const bool list = std::holds_alternative<std::vector<std::string> Event::*>(f.member);
    if (required && !has && !list)
      return fail(Error::invalid_event(std::string(to_string(e.type)) + " event without '" + std::string(f.name) + "'"));
  }
  for (const std::string* c : {&e.commit, &e.merge_base})
    if (!c->empty() && !is_hex_id(*c)) return fail(Error::invalid_event("'" + *c + "' is not a full commit id"));
  for (const std::string& c : e.commits)
    if (!is_hex_id(c)) return fail(Error::invalid_event("'" + c + "' is not a full commit id"));
  if (e.lane && *e.lane < 1) return fail(Error::invalid_event("field 'lane' must be 1 or more"));
  if (!e.status.empty()) AGENTQ_TRY(one_of("status", e.status, {"in_progress", "blocked", "done"}));
  if (!e.decision.empty()) AGENTQ_TRY(one_of("decision", e.decision, {"approved", "changes_requested"}));
  if (e.type == EventType::evidence) {
    AGENTQ_TRY(one_of("result", e.result, {"pass", "fail"}));
    AGENTQ_TRY(one_of("kind", e.kind, {"acceptance", "code_anchor", "runtime", "other"}));
    if (e.exit_code && (*e.exit_code == 0) != (e.result == "pass"))
      return fail(Error::invalid_event("result '" + e.result + "' contradicts exit code " + std::to_string(*e.exit_code) +
                                       " (only exit status 0 is a pass)"));
    if (e.command.find_first_not_of(" \t\r\n") == std::string::npos)
      return fail(Error::invalid_event("evidence with an empty command"));
  }
  if (e.type == EventType::status && e.status == "blocked" && e.reason.empty())
    return fail(Error::invalid_event("a blocked status needs a reason"));
  if (e.type == EventType::run) AGENTQ_TRY(one_of("state", e.state, {"done", "blocked", "failed", "timeout", "paused"}));
  return {};
}

Result<Event> decode_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& ex) {
    return fail(Error::invalid_event("event is not valid JSON at byte " + std::to_string(ex.byte)));
  }
  if (!j.is_object()) return fail(Error::invalid_event("event is not a JSON object"));
  Event e;
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer()) return fail(Error::invalid_event("event without an integer 'v'"));
  e.v = v->get<int64_t>();
  if (e.v > kEventVersion)
    return fail(Error::invalid_event("event version " + std::to_string(e.v) + " is newer than this git-agentq reads")
                    .hint("upgrade git-agentq"));
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) return fail(Error::invalid_event("event without a string 'type'"));
  auto type = event_type_from(t->get_ref<const std::string&>());
  if (!type) return fail(Error::invalid_event("unknown event type '" + t->get<std::string>() + "'"));
  e.type = *type;

  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "v" || key == "type") continue;
    auto f = std::find_if(kFields.begin(), kFields.end(), [&](const Field& fd) { return fd.name == key; });
    if (f == kFields.end()) return fail(Error::invalid_event("unknown field '" + key + "'"));
    const json& value = it.value();
    Status ok = std::visit(
        [&](auto ptr) -> Status {
          auto& out = e.*ptr;
          using T = std::decay_t<decltype(out)>;
          if constexpr (std::is_same_v<T, std::string>) {
            if (!value.is_string()) return fail(Error::invalid_event("field '" + key + "' must be a string"));
            out = value.get<std::string>();
          } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
            if (!value.is_number_integer())
              return fail(Error::invalid_event("field '" + key + "' must be an integer"));
            out = value.get<int64_t>();
          } else if constexpr (std::is_same_v<T, std::optional<bool>>) {
            if (!value.is_boolean()) return fail(Error::invalid_event("field '" + key + "' must be true or false"));
            out = value.get<bool>();
          } else {
            if (!value.is_array()) return fail(Error::invalid_event("field '" + key + "' must be a list of strings"));
            for (const json& item : value) {
              if (!item.is_string())
                return fail(Error::invalid_event("field '" + key + "' must be a list of strings"));
              out.push_back(item.get<std::string>());
            }
          }
          return {};
        },
        f->member);
    if (!ok) return fail(ok.error());
  }
  const TypeSpec& spec = spec_for(e.type);
  for (std::string_view req : spec.required) {
    if (!j.contains(std::string(req)))
      return fail(Error::invalid_event(std::string(to_string(e.type)) + " event without '" + std::string(req) + "'"));
  }
  AGENTQ_TRY(check_shape(e));
  return e;
}

Result<Event> decode_commit_message(std::string_view message) {
  size_t blank = message.find("\n\n");
  if (blank == std::string_view::npos)
    return fail(Error::invalid_event("commit message has no event (expected a subject, a blank line and JSON)"));
  std::string_view body = message.substr(blank + 2);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ' || body.back() == '\r')) body.remove_suffix(1);
  return decode_json(body);
}

}  // namespace agentq
