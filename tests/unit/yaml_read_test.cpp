// core/yaml_read: the YAML reading the definitions loader and import share.
#include <catch2/catch.hpp>

#include "core/yaml_read.h"

using namespace agentq;

TEST_CASE("yaml_read: booleans and integers have one set of spellings", "[yaml]") {
  for (const char* t : {"true", "True", "TRUE"}) CHECK(yaml_bool(YAML::Load(t)) == true);
  for (const char* f : {"false", "False", "FALSE"}) CHECK(yaml_bool(YAML::Load(f)) == false);
  for (const char* no : {"yes", "on", "1", "tRUE", "\"\"", "[true]"}) {
    INFO(no);
    CHECK_FALSE(yaml_bool(YAML::Load(no)));
  }
  CHECK(yaml_int(YAML::Load("42")) == 42);
  CHECK(yaml_int(YAML::Load("-7")) == -7);
  CHECK(yaml_int(YAML::Load("+3")) == 3);
  for (const char* no : {"4.2", "0x10", "12abc", "-", "1234567890123456", "[1]"}) {
    INFO(no);
    CHECK_FALSE(yaml_int(YAML::Load(no)));
  }
  // a missing key is no value, not an exception
  const YAML::Node map = YAML::Load("{a: 1}");
  CHECK_FALSE(yaml_bool(map["missing"]));
  CHECK_FALSE(yaml_int(map["missing"]));
}

TEST_CASE("yaml_read: maps refuse duplicate and unknown keys, at 1-based locations", "[yaml]") {
  const YamlReader r("q.yaml");
  auto doc = r.parse("top:\n  a: 1\n  b: 2\n  a: 3\n");
  REQUIRE(doc);
  std::vector<std::string> keys;
  auto dup = r.each((*doc)["top"], "top", {}, [&](const std::string& k, const YAML::Node&, const YAML::Node&) -> Status {
    keys.push_back(k);
    return {};
  });
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Code::DEF_DUPLICATE);
  CHECK(dup.error().where.str() == "q.yaml:4:3");
  CHECK(keys == std::vector<std::string>{"a", "b"});

  auto unknown = r.each((*doc)["top"], "top", {"a"}, [](const std::string&, const YAML::Node&, const YAML::Node&) -> Status {
    return {};
  });
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Code::DEF_UNKNOWN_KEY);
  CHECK(unknown.error().where.str() == "q.yaml:3:3");

  auto syntax = r.parse("a: [1,\n");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().code == Code::DEF_INVALID);
  CHECK(syntax.error().message.rfind("YAML syntax: ", 0) == 0);
  CHECK(syntax.error().where.line >= 1);

  auto typed = r.parse("n: x\nb: 2\n");
  REQUIRE(typed);
  auto n = r.integer((*typed)["n"], (*typed)["n"], "n");
  REQUIRE_FALSE(n);
  CHECK(n.error().code == Code::DEF_WRONG_TYPE);
  CHECK(n.error().where.str() == "q.yaml:1:4");
  auto b = r.boolean((*typed)["b"], (*typed)["b"], "b");
  REQUIRE_FALSE(b);
  CHECK(b.error().message == "b must be true or false");
}
