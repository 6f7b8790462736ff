#include "core/timeutil.h"

#include <charconv>
#include <cstdio>

namespace agentq {
namespace {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

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
  int Y, M, D, h, m, s;
  if (!digits(t, 0, 4, &Y) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2, &M) || t[7] != '-' ||
      !digits(t, 8, 2, &D) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2, &h) ||
      t[13] != ':' || !digits(t, 14, 2, &m) || t[16] != ':' || !digits(t, 17, 2, &s))
    return std::nullopt;
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
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
  const int64_t days = days_from_civil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D));
  return ((days * 86400 + h * 3600 + m * 60 + s) * 1000) + frac_ms;
}

std::string format_rfc3339(Millis ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), mo,
                d, static_cast<long long>(rem / 3600), static_cast<long long>((rem % 3600) / 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace agentq
