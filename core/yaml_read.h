// Reading YAML the one way git-agentq reads it: the definitions loader (definitions_yaml.cpp)
// and import (import.cpp) share these, so a value means the same in both.
//
// yaml-cpp keeps duplicate keys silently and reports 0-based marks: maps are visited with
// duplicate detection here, and every location is 1-based `file:line:col`. Scalars are
// converted by hand (never with yaml-cpp's `as<T>`, which throws and accepts more):
//   boolean  true|True|TRUE|false|False|FALSE (YAML 1.2's core schema)
//   integer  an optional sign and at most 15 decimal digits
//   string   any scalar that is valid UTF-8
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace agentq {

// The scalar conversions on their own, for callers that build their own errors; nullopt for
// anything else, including a missing key.
std::optional<bool> yaml_bool(const YAML::Node& n);
std::optional<int64_t> yaml_int(const YAML::Node& n);

class YamlReader {
 public:
  using Visit = std::function<Status(const std::string& key, const YAML::Node& key_node, const YAML::Node& value)>;

  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Parses a document; a syntax error is DEF_INVALID "YAML syntax: …" at its line and column.
  Result<YAML::Node> parse(std::string_view text) const;

  // Where a node is (line and column 0 when yaml-cpp has no mark for it). The two-argument
  // form falls back to `fallback` (the key) when `value` has no mark (an empty value).
  Location loc(const YAML::Node& n) const;
  Location loc(const YAML::Node& value, const YAML::Node& fallback) const;
  Location loc(const YAML::Mark& m) const;

  // Visits the keys of a map in document order, refusing non-string keys, duplicates and (when
  // `allowed` is not empty) keys not in `allowed`.
  Status each(const YAML::Node& map, const std::string& what, std::initializer_list<std::string_view> allowed,
              const Visit& visit) const;

  // Typed scalars; errors are DEF_WRONG_TYPE (DEF_INVALID for bad UTF-8) naming `what`, at
  // the value (or its key).
  Result<std::string> str(const YAML::Node& n, const YAML::Node& key, const std::string& what) const;
  Result<bool> boolean(const YAML::Node& n, const YAML::Node& key, const std::string& what) const;
  Result<int64_t> integer(const YAML::Node& n, const YAML::Node& key, const std::string& what) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

}  // namespace agentq
