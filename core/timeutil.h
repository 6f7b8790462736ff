// Durations ("48h") and RFC 3339 UTC timestamps, as the definitions and events spell them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentq {

// Milliseconds since the Unix epoch.
using Millis = int64_t;

// "<int>(ms|s|m|h|d)" -> milliseconds; nullopt when malformed or negative.
std::optional<Millis> parse_duration(std::string_view text);
// The shortest exact spelling: 172800000 -> "48h".
std::string format_duration(Millis ms);
// A human age: "3d 4h", "12m", "40s".
std::string format_age(Millis ms);

// "2026-11-25T08:35:00Z" (or with ".123Z" fractional ms) -> ms; nullopt when malformed.
std::optional<Millis> parse_rfc3339(std::string_view text);
// Always "YYYY-MM-DDTHH:MM:SSZ" (events store second precision).
std::string format_rfc3339(Millis ms);

}  // namespace agentq
