#include "core/yaml_read.h"

#include <algorithm>
#include <set>

#include "core/utf8.h"

namespace agentq {
namespace {

// A missing key reads as an undefined node, on which yaml-cpp's type queries throw.
bool scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

}  // namespace

std::optional<bool> yaml_bool(const YAML::Node& n) {
  if (!scalar(n)) return std::nullopt;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<int64_t> yaml_int(const YAML::Node& n) {
  if (!scalar(n)) return std::nullopt;
  const std::string& s = n.Scalar();
  const size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size() || s.size() - i > 15 ||
      !std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(s);
}

Result<YAML::Node> YamlReader::parse(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(Error(Code::DEF_INVALID, "YAML syntax: " + e.msg, loc(e.mark)));
  }
}

Location YamlReader::loc(const YAML::Mark& m) const {
  if (m.is_null()) return Location::in_file(file_, 0, 0);
  return Location::in_file(file_, m.line + 1, m.column + 1);
}

Location YamlReader::loc(const YAML::Node& n) const { return loc(n.Mark()); }

Location YamlReader::loc(const YAML::Node& value, const YAML::Node& fallback) const {
  return value.Mark().is_null() ? loc(fallback) : loc(value);
}

Status YamlReader::each(const YAML::Node& map, const std::string& what, std::initializer_list<std::string_view> allowed,
                        const Visit& visit) const {
  if (!map.IsMap()) return fail(Error(Code::DEF_WRONG_TYPE, what + " must be a mapping", loc(map)));
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // yaml-cpp's iterator yields a temporary pair: copy the nodes (they are handles).
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    if (!k.IsScalar()) return fail(Error(Code::DEF_WRONG_TYPE, "keys of " + what + " must be strings", loc(k)));
    const std::string key = k.Scalar();
    if (!seen.insert(key).second) return fail(Error(Code::DEF_DUPLICATE, "duplicate key '" + key + "' in " + what, loc(k)));
    if (allowed.size() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return fail(Error(Code::DEF_UNKNOWN_KEY, "unknown key '" + key + "' in " + what, loc(k), "allowed keys: " + list));
    }
    AGENTQ_TRY(visit(key, k, v));
  }
  return {};
}

Result<std::string> YamlReader::str(const YAML::Node& n, const YAML::Node& key, const std::string& what) const {
  if (!n.IsScalar()) return fail(Error(Code::DEF_WRONG_TYPE, what + " must be a string", loc(n, key)));
  const std::string& s = n.Scalar();
  if (!valid_utf8(s)) return fail(Error(Code::DEF_INVALID, what + " is not valid UTF-8", loc(n, key)));
  return s;
}

Result<bool> YamlReader::boolean(const YAML::Node& n, const YAML::Node& key, const std::string& what) const {
  if (auto b = yaml_bool(n)) return *b;
  return fail(Error(Code::DEF_WRONG_TYPE, what + " must be true or false", loc(n, key)));
}

Result<int64_t> YamlReader::integer(const YAML::Node& n, const YAML::Node& key, const std::string& what) const {
  if (auto i = yaml_int(n)) return *i;
  return fail(Error(Code::DEF_WRONG_TYPE, what + " must be an integer", loc(n, key)));
}

}  // namespace agentq
