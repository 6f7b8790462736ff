#include "core/event.h"

#include <algorithm>
#include <array>
#include <variant>

#include "core/flat_json.h"
#include "core/ids.h"
#include "core/timeutil.h"
#include "core/utf8.h"

namespace agentq {
namespace {

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

using Member = std::variant<std::monostate, std::string Event::*, std::optional<int64_t> Event::*,
                            std::vector<std::string> Event::*, std::optional<bool> Event::*>;

struct Field {
  std::string_view name;
  Member member;  // monostate for "type" and "v", which are encoded specially
};

// Every member, sorted by name: the order of the canonical encoding and of lookups.
constexpr std::array kFields = {
    Field{"actor", &Event::actor},
    Field{"at", &Event::at},
    Field{"base", &Event::base},
    Field{"blocked_by", &Event::blocked_by},
    Field{"branch", &Event::branch},
    Field{"claim", &Event::claim},
    Field{"codes", &Event::codes},
    Field{"command", &Event::command},
    Field{"commit", &Event::commit},
    Field{"commits", &Event::commits},
    Field{"decision", &Event::decision},
    Field{"defs", &Event::defs},
    Field{"duration_ms", &Event::duration_ms},
    Field{"event", &Event::event},
    Field{"evidence", &Event::evidence},
    Field{"exception_note", &Event::exception_note},
    Field{"exit_code", &Event::exit_code},
    Field{"files", &Event::files},
    Field{"gate", &Event::gate},
    Field{"id", &Event::id},
    Field{"kind", &Event::kind},
    Field{"lane", &Event::lane},
    Field{"log", &Event::log},
    Field{"log_bytes", &Event::log_bytes},
    Field{"merge_base", &Event::merge_base},
    Field{"next", &Event::next},
    Field{"note", &Event::note},
    Field{"owning_file", &Event::owning_file},
    Field{"passed", &Event::passed},
    Field{"patch_id", &Event::patch_id},
    Field{"proof_command", &Event::proof_command},
    Field{"reason", &Event::reason},
    Field{"release", &Event::release},
    Field{"remote", &Event::remote},
    Field{"result", &Event::result},
    Field{"risks", &Event::risks},
    Field{"role", &Event::role},
    Field{"rollback", &Event::rollback},
    Field{"root_cause", &Event::root_cause},
    Field{"run", &Event::run},
    Field{"saved_patch", &Event::saved_patch},
    Field{"stage", &Event::stage},
    Field{"state", &Event::state},
    Field{"status", &Event::status},
    Field{"task", &Event::task},
    Field{"tasks", &Event::tasks},
    Field{"type", std::monostate{}},
    Field{"v", std::monostate{}},
};
static_assert(kFields.size() <= 64, "field masks are 64 bits");

using Mask = uint64_t;

constexpr size_t index_of(std::string_view name) {
  for (size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i].name == name) return i;
  return kFields.size();
}

constexpr Mask bit(std::string_view name) { return Mask{1} << index_of(name); }

// Present in every event: v, type, id, at, defs.
constexpr Mask kCommon = bit("v") | bit("type") | bit("id") | bit("at") | bit("defs");

struct TypeSpec {
  EventType type;
  Mask required;
  Mask optional;
};

template <class... N>
constexpr Mask bits(N... names) {
  return (Mask{0} | ... | bit(names));
}

// Common to every type: v, type, id, at, defs (required); actor is required except on init.
constexpr std::array<TypeSpec, 12> kSpecs = {{
    {EventType::init, bits("base"), bits("actor", "role", "release", "remote")},
    // `claim` on a claim event: a re-claim by the owner, naming the claim it supersedes.
    {EventType::claim, bits("actor", "task", "role", "lane"), bits("branch", "claim")},
    {EventType::unclaim, bits("actor", "task", "role"), bits("lane", "claim", "reason", "saved_patch")},
    {EventType::status, bits("actor", "task", "role", "status"), bits("lane", "claim", "reason", "blocked_by", "commit")},
    {EventType::evidence, bits("actor", "task", "command", "result", "kind", "commit"),
     bits("role", "lane", "exit_code", "duration_ms", "log", "log_bytes")},
    // `claim` is optional: a coordinator hands off without one (refresh, the merge train); the
    // rules require it of everyone else (check_authority).
    {EventType::handoff, bits("actor", "task", "role", "branch", "commit", "merge_base", "files"),
     bits("lane", "claim", "patch_id", "commits", "evidence", "risks", "next", "root_cause", "owning_file", "proof_command")},
    {EventType::review, bits("actor", "task", "role", "commit", "decision"), bits("note", "exception_note")},
    {EventType::promote, bits("actor", "release", "commit", "risks", "rollback"), bits("role", "tasks")},
    {EventType::void_, bits("actor", "event", "reason"), bits("role", "task")},
    {EventType::override_, bits("actor", "task", "reason", "commit"), bits("role", "commits")},
    {EventType::gate, bits("actor", "run", "gate", "passed"), bits("role", "task", "stage", "state", "codes", "reason")},
    {EventType::run, bits("actor", "run", "state"), bits("role", "task", "stage", "codes", "reason")},
}};

const TypeSpec& spec_for(EventType t) { return kSpecs[static_cast<size_t>(t)]; }

bool is_list(const Field& f) { return std::holds_alternative<std::vector<std::string> Event::*>(f.member); }

bool present(const Event& e, const Field& f) {
  return std::visit(
      [&](auto ptr) -> bool {
        using P = decltype(ptr);
        if constexpr (std::is_same_v<P, std::monostate>) {
          return true;
        } else {
          const auto& value = e.*ptr;
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>)
            return !value.empty();
          else
            return value.has_value();
        }
      },
      f.member);
}

Mask present_mask(const Event& e) {
  Mask m = 0;
  for (size_t i = 0; i < kFields.size(); ++i)
    if (present(e, kFields[i])) m |= Mask{1} << i;
  return m;
}

// The canonical encoding: sorted keys, absent optional fields omitted, required ones always.
std::string encode(const Event& e, bool with_time) {
  std::string out;
  out.reserve(256);
  out += '{';
  const Mask required = kCommon | spec_for(e.type).required;
  bool first = true;
  for (size_t i = 0; i < kFields.size(); ++i) {
    const Field& f = kFields[i];
    if (!with_time && (f.name == "at" || f.name == "defs")) continue;
    if (!((required >> i) & 1) && !present(e, f)) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, f.name);
    out += ':';
    if (f.name == "type") {
      append_json_string(out, to_string(e.type));
      continue;
    }
    if (f.name == "v") {
      out += std::to_string(e.v);
      continue;
    }
    std::visit(
        [&](auto ptr) {
          using P = decltype(ptr);
          if constexpr (!std::is_same_v<P, std::monostate>) {
            const auto& value = e.*ptr;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
              append_json_string(out, value);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
              out += '[';
              for (size_t k = 0; k < value.size(); ++k) {
                if (k) out += ',';
                append_json_string(out, value[k]);
              }
              out += ']';
            } else if constexpr (std::is_same_v<T, std::optional<bool>>) {
              out += value.value_or(false) ? "true" : "false";
            } else {
              out += std::to_string(value.value_or(0));
            }
          }
        },
        f.member);
  }
  out += '}';
  return out;
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

std::string encode_json(const Event& e) { return encode(e, true); }
std::string content_key(const Event& e) { return encode(e, false); }

Sha256 content_hash(const Event& e) { return sha256(encode(e, false)); }

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

bool is_branch_name(std::string_view name) {
  if (name.empty() || name.front() == '-' || name == "@" || name.back() == '/' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos || name.find("@{") != std::string_view::npos ||
      name.find("//") != std::string_view::npos)
    return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' ||
        c == '\\')
      return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part.front() == '.') return false;
    if (part.size() >= 5 && part.substr(part.size() - 5) == ".lock") return false;
    start = end + 1;
  }
  return true;
}

Status check_new_text(const Event& e) {
  for (const Field& f : kFields) {
    std::string why;
    if (auto m = std::get_if<std::string Event::*>(&f.member)) {
      why = text_problem(e.**m);
    } else if (auto l = std::get_if<std::vector<std::string> Event::*>(&f.member)) {
      for (const std::string& v : e.**l)
        if (why.empty()) why = text_problem(v);
    }
    if (!why.empty())
      return fail(Error::invalid_event("field '" + std::string(f.name) + "' has " + why)
                      .hint("give it as plain UTF-8 text without control characters (nothing was written)"));
  }
  return {};
}

Status check_shape(const Event& e) {
  if (e.v < 1 || e.v > kEventVersion)
    return fail(Error::invalid_event("event version " + std::to_string(e.v) + " is not supported by this git-agentq (" +
                                     std::to_string(kEventVersion) + ")")
                    .hint(e.v > kEventVersion ? "upgrade git-agentq" : ""));
  if (!is_event_id(e.id)) return fail(Error::invalid_event("field 'id' must be 1-100 characters of [A-Za-z0-9._-]"));
  if (!parse_rfc3339(e.at)) return fail(Error::invalid_event("field 'at' is not an RFC 3339 UTC time: '" + e.at + "'"));
  if (!is_hex_id(e.defs)) return fail(Error::invalid_event("field 'defs' is not a commit id"));
  const TypeSpec& spec = spec_for(e.type);
  const Mask have = present_mask(e);
  const Mask allowed = kCommon | spec.required | spec.optional;
  if (Mask extra = have & ~allowed) {
    const size_t i = static_cast<size_t>(__builtin_ctzll(extra));
    return fail(Error::invalid_event("field '" + std::string(kFields[i].name) + "' is not part of a " +
                                     std::string(to_string(e.type)) + " event"));
  }
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (((spec.required >> i) & 1) && !((have >> i) & 1) && !is_list(kFields[i]))
      return fail(Error::invalid_event(std::string(to_string(e.type)) + " event without '" +
                                       std::string(kFields[i].name) + "'"));
  }
  for (const std::string* c : {&e.commit, &e.merge_base})
    if (!c->empty() && !is_hex_id(*c)) return fail(Error::invalid_event("'" + *c + "' is not a full commit id"));
  for (const std::string& c : e.commits)
    if (!is_hex_id(c)) return fail(Error::invalid_event("'" + c + "' is not a full commit id"));
  if (e.lane && *e.lane < 1) return fail(Error::invalid_event("field 'lane' must be 1 or more"));
  // git itself never made a branch by such a name, so no legitimate event names one; and every
  // clone passes it to git.
  if (!e.branch.empty() && !is_branch_name(e.branch))
    return fail(Error::invalid_event("field 'branch' is not a valid branch name: '" + e.branch + "'")
                    .hint("name a branch git accepts ('git check-ref-format --branch NAME')"));
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
  Event e;
  FlatReader reader(text);
  std::string key;
  FlatValue value;
  Mask seen = 0;
  bool has_type = false;
  while (true) {
    auto more = reader.next(&key, &value);
    if (!more) return fail(more.error());
    if (!*more) break;
    auto it = std::lower_bound(kFields.begin(), kFields.end(), key,
                               [](const Field& f, const std::string& k) { return f.name < k; });
    if (it == kFields.end() || it->name != key) return fail(Error::invalid_event("unknown field '" + key + "'"));
    const size_t idx = static_cast<size_t>(it - kFields.begin());
    if ((seen >> idx) & 1) return fail(Error::invalid_event("field '" + key + "' appears twice"));
    seen |= Mask{1} << idx;
    using K = FlatValue::Kind;
    auto wrong = [&](const char* expected) {
      return fail(Error::invalid_event("field '" + key + "' must be " + expected));
    };
    if (key == "v") {
      if (value.kind != K::integer) return fail(Error::invalid_event("event without an integer 'v'"));
      e.v = value.integer;
      if (e.v > kEventVersion)
        return fail(Error::invalid_event("event version " + std::to_string(e.v) + " is newer than this git-agentq reads")
                        .hint("upgrade git-agentq"));
      continue;
    }
    if (key == "type") {
      if (value.kind != K::string) return fail(Error::invalid_event("event without a string 'type'"));
      auto type = event_type_from(value.str);
      if (!type) return fail(Error::invalid_event("unknown event type '" + value.str + "'"));
      e.type = *type;
      has_type = true;
      continue;
    }
    Status ok = std::visit(
        [&](auto ptr) -> Status {
          using P = decltype(ptr);
          if constexpr (std::is_same_v<P, std::monostate>) {
            return {};
          } else {
            auto& out = e.*ptr;
            using T = std::decay_t<decltype(out)>;
            if constexpr (std::is_same_v<T, std::string>) {
              if (value.kind != K::string) return wrong("a string");
              out = std::move(value.str);
            } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
              if (value.kind != K::integer) return wrong("an integer");
              out = value.integer;
            } else if constexpr (std::is_same_v<T, std::optional<bool>>) {
              if (value.kind != K::boolean) return wrong("true or false");
              out = value.boolean;
            } else {
              if (value.kind != K::string_list) return wrong("a list of strings");
              out = std::move(value.list);
            }
            return {};
          }
        },
        it->member);
    if (!ok) return fail(ok.error());
  }
  if (!((seen >> index_of("v")) & 1)) return fail(Error::invalid_event("event without an integer 'v'"));
  if (!has_type) return fail(Error::invalid_event("event without a string 'type'"));
  // Required lists must be present, even when empty (check_shape cannot tell empty from absent).
  const Mask required = spec_for(e.type).required;
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (((required >> i) & 1) && is_list(kFields[i]) && !((seen >> i) & 1))
      return fail(Error::invalid_event(std::string(to_string(e.type)) + " event without '" +
                                       std::string(kFields[i].name) + "'"));
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
