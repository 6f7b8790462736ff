#include "core/timeutil.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace agentq {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

struct Unit {
  std::string_view suffix;
  Millis ms;
};
constexpr Unit kUnits[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0 || i > 15) return std::nullopt;
  Millis n = 0;
  std::from_chars(text.data(), text.data() + i, n);
  std::string_view unit = text.substr(i);
  for (const Unit& u : kUnits) {
    if (unit == u.suffix) return n * u.ms;
  }
  return std::nullopt;
}

std::string format_duration(Millis ms) {
  for (const Unit& u : kUnits) {
    if (ms != 0 && ms % u.ms == 0) return std::to_string(ms / u.ms) + std::string(u.suffix);
  }
  return "0s";
}

std::string format_age(Millis ms) {
  if (ms < 0) ms = 0;
  const Millis s = ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) {
    Millis m = (s % 3600) / 60;
    return std::to_string(s / 3600) + "h" + (m ? " " + std::to_string(m) + "m" : "");
  }
  Millis h = (s % 86400) / 3600;
  return std::to_string(s / 86400) + "d" + (h ? " " + std::to_string(h) + "h" : "");
}

std::optional<Millis> parse_rfc3339(std::string_view t) {
  using namespace std::chrono;
  int Y, M, D, h, m, s;
  if (!digits(t, 0, 4, &Y) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2, &M) || t[7] != '-' ||
      !digits(t, 8, 2, &D) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2, &h) ||
      t[13] != ':' || !digits(t, 14, 2, &m) || t[16] != ':' || !digits(t, 17, 2, &s))
    return std::nullopt;
  // The calendar decides which days exist (2026-02-31 does not, 2024-02-29 does). Second 60
  // is RFC 3339's leap second.
  const year_month_day date{year{Y}, month{static_cast<unsigned>(M)}, day{static_cast<unsigned>(D)}};
  if (!date.ok() || h > 23 || m > 59 || s > 60) return std::nullopt;
  size_t pos = 19;
  int frac_ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    int scale = 100;
    size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      frac_ms += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos + 1 != t.size() || (t[pos] != 'Z' && t[pos] != 'z')) return std::nullopt;
  const sys_time<milliseconds> at = sys_days{date} + hours{h} + minutes{m} + seconds{s} + milliseconds{frac_ms};
  return at.time_since_epoch().count();
}

std::string format_rfc3339(Millis ms) {
  using namespace std::chrono;
  const sys_seconds at = floor<seconds>(sys_time<milliseconds>{milliseconds{ms}});
  const sys_days date_part = floor<days>(at);
  const year_month_day date{date_part};
  const hh_mm_ss<seconds> time{at - date_part};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long long>(time.hours().count()), static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return buf;
}

}  // namespace agentq
