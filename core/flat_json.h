// A strict reader and a canonical writer for flat JSON objects: members whose values are
// strings, integers, booleans or arrays of strings — the shape of every event. Hand-written
// because event decoding is the hot path of replay (a DOM parser costs several times more).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace agentq {

struct FlatValue {
  enum class Kind { string, integer, boolean, string_list, other };
  Kind kind = Kind::other;
  std::string str;
  int64_t integer = 0;
  bool boolean = false;
  std::vector<std::string> list;
  std::string_view other_what;  // for `other`: "a number with a fraction", "null", "an object", …
};

// Reads one JSON object member by member. `next` returns false at the end of the object;
// errors (EVENT_INVALID) name the byte offset. Strings are unescaped and must be valid UTF-8.
class FlatReader {
 public:
  explicit FlatReader(std::string_view text);
  Result<bool> next(std::string* key, FlatValue* value);

 private:
  Status expect(char c);
  void skip_ws();
  Result<std::string> string();
  Status value(FlatValue* out);
  Error error(const std::string& what) const;

  std::string_view s_;
  size_t i_ = 0;
  bool started_ = false, done_ = false;
};

// Appends `s` as a JSON string (quotes included), escaping exactly as nlohmann's dump() does.
void append_json_string(std::string& out, std::string_view s);

}  // namespace agentq
