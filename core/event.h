// Events: the JSON records on refs/agent-queue/log, one per commit (the fields are listed below;
// doc/commands.md shows them in each command's --json).
//
// The encoding is canonical: keys sorted, integers only, absent fields omitted, so the same
// event always produces the same bytes. Decoding is strict: unknown fields, wrong types,
// missing required fields and unknown enumerations are EVENT_INVALID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.h"
#include "core/error.h"

namespace agentq {

// The newest event version this build writes and reads. Rules are judged by the version an
// event was written with, so an old history always replays.
inline constexpr int64_t kEventVersion = 1;

enum class EventType { init, claim, unclaim, status, evidence, handoff, review, promote, void_, override_, gate, run };

std::string_view to_string(EventType t);
std::optional<EventType> event_type_from(std::string_view s);

struct Event {
  // Common fields.
  int64_t v = kEventVersion;
  EventType type = EventType::init;
  std::string id;     // random UUID: the idempotency key
  std::string task;
  std::string actor;
  std::string role;   // the role the actor acted in
  std::optional<int64_t> lane;
  std::string at;     // RFC 3339 UTC, informational (order is chain order)
  std::string defs;   // the definitions commit (on base's first-parent history) it was written under
  std::string claim;  // owner events: the id of the claim event they act under (fencing)

  // init
  std::string base, release, remote;
  // claim, handoff
  std::string branch;
  // unclaim, status, void, override
  std::string reason;
  std::string saved_patch;
  // status
  std::string status;  // in_progress | blocked | done
  std::string blocked_by;
  // evidence, status(done), handoff, review, promote
  std::string commit;
  // evidence
  std::string command;
  std::optional<int64_t> exit_code;
  std::string result;  // pass | fail
  std::optional<int64_t> duration_ms;
  std::string kind;    // acceptance | code_anchor | runtime | other
  std::string log;     // path of the attachment in the event's tree
  std::optional<int64_t> log_bytes;  // original output size when the attachment was truncated
  // handoff
  std::string merge_base;
  std::string patch_id;  // `git patch-id --stable` of merge_base..commit
  std::vector<std::string> commits;
  std::vector<std::string> files;
  std::vector<std::string> evidence;  // evidence event ids on the handoff commit
  std::string risks, next;
  std::string root_cause, owning_file, proof_command;
  // review
  std::string decision;  // approved | changes_requested
  std::string note, exception_note;
  // promote
  std::vector<std::string> tasks;
  std::string rollback;
  // void
  std::string event;
  // gate, run (the stage runner)
  std::string run, stage, gate, state;
  std::optional<bool> passed;
  std::vector<std::string> codes;

  bool operator==(const Event&) const = default;
};

// Canonical JSON (one line, sorted keys, no trailing newline).
std::string encode_json(const Event& e);
// The bytes that decide idempotency: the canonical JSON without `at` and `defs`, so a retry
// of the same event at a later time is recognised as the same event.
std::string content_key(const Event& e);
// SHA-256 of content_key: what replay remembers per event id (in memory only, never stored).
Sha256 content_hash(const Event& e);
// The one-line subject of the event commit, e.g. "claim A-1 by agent-a (A-backend, lane 1)".
std::string subject_line(const Event& e);
// subject + blank line + canonical JSON + newline.
std::string commit_message(const Event& e);

// Strict decoding. Errors are EVENT_INVALID with a message naming the field.
Result<Event> decode_json(std::string_view json);
// Decodes an event commit message (subject, blank line, JSON).
Result<Event> decode_commit_message(std::string_view message);

// Semantic checks that need no state: required fields per type, enumerations, exit code
// agreeing with result. decode_json runs it; writers run it before signing.
Status check_shape(const Event& e);

}  // namespace agentq
