// A task as `show --json` and `status --json` print it: its definition and its replayed state
// (evidence, handoff, reviews, blocked, done). Scripts rely on this shape (doc/commands.md,
// "show"): fields are added, never renamed or removed; absent values are null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/definitions.h"
#include "core/state.h"

namespace agentq {

nlohmann::ordered_json task_json(const Definitions& d, const QueueState& s, const std::string& id);

}  // namespace agentq
