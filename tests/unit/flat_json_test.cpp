#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/flat_json.h"

using namespace agentq;

namespace {

std::vector<std::pair<std::string, FlatValue>> read_all(const std::string& text, std::string* err = nullptr) {
  FlatReader r(text);
  std::vector<std::pair<std::string, FlatValue>> out;
  std::string key;
  FlatValue v;
  while (true) {
    auto more = r.next(&key, &v);
    if (!more) {
      if (err) *err = more.error().message;
      return {};
    }
    if (!*more) return out;
    out.emplace_back(key, v);
  }
}

}  // namespace

TEST_CASE("flat_json: strings are escaped exactly as nlohmann's dump", "[flat_json]") {
  for (std::string s : {std::string("plain"), std::string("q\"uote\\back"), std::string("nl\nret\rtab\tbs\bff\f"),
                        std::string("ctl\x01\x1f"), std::string("caf\xc3\xa9 \xf0\x9f\x98\x80"), std::string("slash/"),
                        std::string("del\x7f"), std::string()}) {
    std::string ours;
    append_json_string(ours, s);
    CHECK(ours == nlohmann::json(s).dump());
  }
}

TEST_CASE("flat_json: reads strings, integers, booleans and string lists", "[flat_json]") {
  auto m = read_all(R"( {"a":"x\u00e9\ud83d\ude00\n", "b": -42, "c":true, "d":false, "e":["p","q"], "f":[]} )");
  REQUIRE(m.size() == 6);
  CHECK(m[0].second.str == "x\xc3\xa9\xf0\x9f\x98\x80\n");
  CHECK(m[1].second.integer == -42);
  CHECK(m[2].second.boolean);
  CHECK_FALSE(m[3].second.boolean);
  CHECK(m[4].second.list == std::vector<std::string>{"p", "q"});
  CHECK(m[5].second.kind == FlatValue::Kind::string_list);
  CHECK(read_all("{}").empty());
}

TEST_CASE("flat_json: other values are reported as such, not misread", "[flat_json]") {
  for (std::string text : {R"({"a":1.5})", R"({"a":null})", R"({"a":1e3})", R"({"a":[1]})", R"({"a":{"b":1}})",
                           R"({"a":99999999999999999999})"}) {
    FlatReader r(text);
    std::string key;
    FlatValue v;
    auto more = r.next(&key, &v);
    INFO(text);
    REQUIRE(more);
    CHECK(*more);
    CHECK(v.kind == FlatValue::Kind::other);
  }
}

TEST_CASE("flat_json: malformed input is an error with a byte offset", "[flat_json]") {
  for (std::string bad : {std::string("{"), std::string("{\"a\":}"), std::string("{\"a\":1,}"), std::string("{\"a\" 1}"),
                          std::string("{\"a\":\"x}"), std::string("{\"a\":\"\\q\"}"), std::string("{\"a\":\"\\ud800\"}"),
                          std::string("{\"a\":\"\x01\"}"), std::string("{\"a\":01}"), std::string("{} x"),
                          std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":tru}"), std::string("nope")}) {
    std::string err;
    read_all(bad, &err);
    INFO(bad);
    CHECK(err.find("not valid JSON at byte") != std::string::npos);
  }
  std::string err;
  read_all("[1,2]", &err);
  CHECK(err == "event is not a JSON object");
}
