// UTF-8 validation: nlohmann's dump() throws on invalid UTF-8, so strings are checked on input.
#pragma once

#include <string>
#include <string_view>

namespace agentq {

bool valid_utf8(std::string_view s);
// Replaces invalid sequences with U+FFFD (for captured command output).
std::string sanitize_utf8(std::string_view s);

}  // namespace agentq
