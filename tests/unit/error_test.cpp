#include <catch2/catch.hpp>

#include "core/error.h"

using namespace agentq;

TEST_CASE("error: code names round-trip and map to the documented exit codes", "[error]") {
  Code c;
  REQUIRE(code_from_name("ALREADY_CLAIMED", &c));
  CHECK(c == Code::ALREADY_CLAIMED);
  CHECK(code_name(Code::DEF_INVALID) == "DEF_INVALID");
  CHECK_FALSE(code_from_name("NOPE", &c));
  CHECK(exit_code_for(Code::DEF_INVALID) == 2);
  CHECK(exit_code_for(Code::UNKNOWN_TASK) == 2);
  CHECK(exit_code_for(Code::ALREADY_CLAIMED) == 3);
  CHECK(exit_code_for(Code::LOST_RACE) == 3);
  CHECK(exit_code_for(Code::NOT_A_REPO) == 4);
  CHECK(exit_code_for(Code::NO_QUEUE) == 4);
}

TEST_CASE("error: location rendering", "[error]") {
  Error e(Code::DEF_INVALID, "bad", Location::in_file(".agentq/queue.yaml", 3, 7));
  CHECK(e.str() == ".agentq/queue.yaml:3:7: bad");
  Error c = Error(Code::EVENT_INVALID, "garbage").at(Location::in_commit(std::string(40, 'a'), "refs/agent-queue/log"));
  CHECK(c.str() == "refs/agent-queue/log@aaaaaaaaaaaa: garbage");
  CHECK(Error::unknown_task("X").code == Code::UNKNOWN_TASK);
}
