// Questions about a task's recorded evidence, asked by the handoff rules and by merge-ready.
#pragma once

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

}  // namespace agentq
