#include "core/utf8.h"

#include <cstdint>

namespace agentq {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid (overlongs, surrogates
// and code points above U+10FFFF are invalid, as RFC 3629 says).
size_t seq_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = seq_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = seq_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// The code point of the valid sequence of length n at s[i].
uint32_t code_point(std::string_view s, size_t i, size_t n) {
  const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  if (n == 1) return b(i);
  uint32_t cp = b(i) & (0xFFu >> (n + 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3F);
  return cp;
}

bool is_control(uint32_t cp) { return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F); }

std::string hex(uint32_t v, int digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int d = digits - 1; d >= 0; --d) out += kHex[(v >> (4 * d)) & 0xF];
  return out;
}

std::string escape_of(uint32_t cp) { return cp < 0x80 ? "\\x" + hex(cp, 2) : "\\u" + hex(cp, 4); }

// Length of an SGR sequence (ESC [ digits/semicolons m) at s[i], or 0.
size_t sgr_len(std::string_view s, size_t i) {
  if (i + 2 >= s.size() || s[i] != '\x1b' || s[i + 1] != '[') return 0;
  for (size_t k = i + 2; k < s.size(); ++k) {
    if (s[k] == 'm') return k - i + 1;
    if (!(s[k] == ';' || (s[k] >= '0' && s[k] <= '9'))) return 0;
  }
  return 0;
}

std::string neutralised(std::string_view s, bool one_line, bool keep_colour) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (keep_colour)
      if (size_t m = sgr_len(s, i)) {
        out.append(s.substr(i, m));
        i += m;
        continue;
      }
    const size_t n = seq_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const uint32_t cp = code_point(s, i, n);
    if (is_control(cp)) out += escape_of(cp);
    else if (one_line && cp == '\n') out += "\\n";
    else if (one_line && cp == '\t') out += "\\t";
    else out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string text_problem(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = seq_len(s, i);
    if (n == 0) return "invalid UTF-8 at byte " + std::to_string(i + 1);
    const uint32_t cp = code_point(s, i, n);
    if (is_control(cp)) return "a control character (" + escape_of(cp) + ") at byte " + std::to_string(i + 1);
    i += n;
  }
  return "";
}

std::string neutralise(std::string_view s, bool one_line) { return neutralised(s, one_line, false); }

std::string neutralise_keeping_colour(std::string_view s) { return neutralised(s, false, true); }

}  // namespace agentq
