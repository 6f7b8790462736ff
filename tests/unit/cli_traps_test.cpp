// Library traps the design calls out, pinned down so an upgrade cannot silently bring them back.
#include <catch2/catch.hpp>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "core/event.h"
#include "fake_repo.h"

TEST_CASE("traps: cxxopts keeps comma-separated vector values as one argument", "[traps]") {
  cxxopts::Options opts("t");
  opts.add_options()("manager-arg", "", cxxopts::value<std::vector<std::string>>());
  const char* argv[] = {"t", "--manager-arg", "a,b", "--manager-arg", "c"};
  auto r = opts.parse(5, argv);
  CHECK(r["manager-arg"].as<std::vector<std::string>>() == std::vector<std::string>{"a,b", "c"});
}

TEST_CASE("traps: nlohmann dump throws on invalid UTF-8, so event strings are validated on input", "[traps]") {
  nlohmann::json j = std::string("\xff");
  CHECK_THROWS(j.dump());
  CHECK_FALSE(agentq::decode_json("{\"v\":1,\"type\":\"init\",\"base\":\"\xff\"}").has_value());
}
