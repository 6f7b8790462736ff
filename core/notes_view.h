// The notes view: refs/notes/agentq is derived from the log. Every implementation commit an
// event names gets one line (the event's canonical JSON) in its note, in log order.
#pragma once

#include <string>
#include <vector>

#include "core/event.h"

namespace agentq {

// The implementation commits `e` talks about: the tested commit of evidence, the handed-off,
// reviewed and promoted commits, and the commit an override let through.
std::vector<std::string> named_commits(const Event& e);

// The line `e` contributes to each named commit's note (without the newline).
std::string note_line(const Event& e);

}  // namespace agentq
