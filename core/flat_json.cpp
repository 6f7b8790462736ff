#include "core/flat_json.h"

#include <cstdio>

#include "core/utf8.h"

namespace agentq {

FlatReader::FlatReader(std::string_view text) : s_(text) {}

Error FlatReader::error(const std::string& what) const {
  return Error::invalid_event("event is not valid JSON at byte " + std::to_string(i_) + ": " + what);
}

void FlatReader::skip_ws() {
  while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
}

Status FlatReader::expect(char c) {
  skip_ws();
  if (i_ >= s_.size() || s_[i_] != c) return fail(error(std::string("expected '") + c + "'"));
  ++i_;
  return {};
}

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

Result<std::string> FlatReader::string() {
  skip_ws();
  if (i_ >= s_.size() || s_[i_] != '"') return fail(error("expected a string"));
  ++i_;
  std::string out;
  size_t run = i_;  // start of the current unescaped run
  while (true) {
    if (i_ >= s_.size()) return fail(error("unterminated string"));
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      out.append(s_.substr(run, i_ - run));
      ++i_;
      break;
    }
    if (c < 0x20) return fail(error("control character in a string"));
    if (c != '\\') {
      ++i_;
      continue;
    }
    out.append(s_.substr(run, i_ - run));
    if (++i_ >= s_.size()) return fail(error("unterminated escape"));
    const char e = s_[i_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto read4 = [&](uint32_t* cp) {
          if (i_ + 4 > s_.size()) return false;
          uint32_t v = 0;
          for (int k = 0; k < 4; ++k) {
            int h = hex(s_[i_ + static_cast<size_t>(k)]);
            if (h < 0) return false;
            v = v * 16 + static_cast<uint32_t>(h);
          }
          i_ += 4;
          *cp = v;
          return true;
        };
        uint32_t cp;
        if (!read4(&cp)) return fail(error("bad \\u escape"));
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return fail(error("lone surrogate"));
          i_ += 2;
          if (!read4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return fail(error("lone surrogate"));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail(error("lone surrogate"));
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return fail(error("bad escape"));
    }
    run = i_;
  }
  if (!valid_utf8(out)) return fail(error("invalid UTF-8 in a string"));
  return out;
}

Status FlatReader::value(FlatValue* out) {
  skip_ws();
  out->list.clear();
  if (i_ >= s_.size()) return fail(error("expected a value"));
  const char c = s_[i_];
  if (c == '"') {
    auto str = string();
    if (!str) return fail(str.error());
    out->kind = FlatValue::Kind::string;
    out->str = std::move(*str);
    return {};
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    size_t start = i_;
    bool neg = c == '-';
    if (neg) ++i_;
    size_t digits = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == digits || (s_[digits] == '0' && i_ - digits > 1)) return fail(error("bad number"));
    bool integral = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      integral = false;
      size_t f = ++i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == f) return fail(error("bad number"));
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      integral = false;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      size_t x = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == x) return fail(error("bad number"));
    }
    if (!integral || i_ - digits > 18) {
      out->kind = FlatValue::Kind::other;
      out->other_what = integral ? "an integer out of range" : "a number with a fraction or exponent";
      return {};
    }
    int64_t v = 0;
    for (size_t k = digits; k < i_; ++k) v = v * 10 + (s_[k] - '0');
    out->kind = FlatValue::Kind::integer;
    out->integer = neg ? -v : v;
    (void)start;
    return {};
  }
  auto literal = [&](std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  };
  if (literal("true") || literal("false")) {
    out->kind = FlatValue::Kind::boolean;
    out->boolean = s_[i_ - 1] == 'e' && s_[i_ - 2] == 'u';
    return {};
  }
  if (literal("null")) {
    out->kind = FlatValue::Kind::other;
    out->other_what = "null";
    return {};
  }
  if (c == '[') {
    ++i_;
    out->kind = FlatValue::Kind::string_list;
    skip_ws();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return {};
    }
    while (true) {
      skip_ws();
      if (i_ < s_.size() && s_[i_] != '"') {
        out->kind = FlatValue::Kind::other;
        out->other_what = "a list that holds something other than strings";
        return {};
      }
      auto str = string();
      if (!str) return fail(str.error());
      out->list.push_back(std::move(*str));
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      AGENTQ_TRY(expect(']'));
      return {};
    }
  }
  if (c == '{') {
    out->kind = FlatValue::Kind::other;
    out->other_what = "an object";
    return {};
  }
  return fail(error("unexpected character"));
}

Result<bool> FlatReader::next(std::string* key, FlatValue* val) {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    skip_ws();
    if (i_ >= s_.size() || s_[i_] != '{') {
      FlatValue other;
      if (value(&other)) return fail(Error::invalid_event("event is not a JSON object"));
      return fail(error("expected '{'"));
    }
    ++i_;
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      done_ = true;
    }
  } else {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      done_ = true;
    } else {
      AGENTQ_TRY(expect(','));
    }
  }
  if (done_) {
    skip_ws();
    if (i_ != s_.size()) return fail(error("text after the object"));
    return false;
  }
  auto k = string();
  if (!k) return fail(k.error());
  *key = std::move(*k);
  AGENTQ_TRY(expect(':'));
  AGENTQ_TRY(value(val));
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    char buf[8];
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default:
        if (c < 0x20) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          esc = buf;
        }
    }
    if (!esc) continue;
    out.append(s.substr(run, i - run));
    out += esc;
    run = i + 1;
  }
  out.append(s.substr(run));
  out += '"';
}

}  // namespace agentq
