// How ids are shown to people: the one spelling of an abbreviated object id.
#pragma once

#include <string>
#include <string_view>

namespace agentq {

// The first 12 hex digits of an object id (git's default abbreviation is shorter, but 12 stay
// unique in any repository a queue will see); shorter input is returned as it is.
inline std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

}  // namespace agentq
