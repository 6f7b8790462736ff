// Questions about a task's recorded evidence, asked by the handoff rules and by merge-ready;
// and how a log given with `evidence --log` is attached.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/state.h"

namespace agentq {

// The newest evidence of `kind` for `command` on `commit`, or null.
const EvidenceRecord* latest_evidence(const TaskState& t, std::string_view command, std::string_view commit,
                                      std::string_view kind);
// True when some command's newest evidence of `kind` on `commit` passed.
bool has_passing_kind(const TaskState& t, std::string_view commit, std::string_view kind);
// True when the newest evidence (any kind) for `command` on `commit` passed.
bool command_passed(const TaskState& t, std::string_view command, std::string_view commit);

// A log as attached to an evidence event: at most `cap` bytes of it, with a note saying how
// large it was when it was cut (then `full_size` is set, the event's log_bytes).
struct AttachedLog {
  std::string text;
  std::optional<int64_t> full_size;
};
AttachedLog attach_log(const std::string& log, size_t cap);
// The same for a log read only up to the cap (a file may be endless: /dev/zero, a pipe):
// `head` is its first bytes (more than `cap` of them when it was longer), `size` how many
// bytes it had, `size_known` false when reading stopped before its end (the note then says
// "more than").
AttachedLog attach_log_head(const std::string& head, uint64_t size, bool size_known, size_t cap);

}  // namespace agentq
