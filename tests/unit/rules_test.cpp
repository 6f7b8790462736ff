#include <catch2/catch.hpp>

#include "core/rules.h"
#include "fake_repo.h"

using namespace agentq;
using testing::push;

namespace {
std::vector<std::string> ids(const std::vector<ReadyTask>& r) {
  std::vector<std::string> out;
  for (const auto& t : r) out.push_back(t.task->id);
  return out;
}
}  // namespace

TEST_CASE("rules: ready lists claimable tasks in YAML order", "[rules]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  const Definitions& d = repo.defs();
  CHECK(ids(ready_tasks(s, d)) == std::vector<std::string>{"A-1", "B-1", "B-2", "B-3", "B-PIN"});
  CHECK(ids(ready_tasks(s, d, "backend")) == std::vector<std::string>{"A-1"});
  CHECK(not_ready_reason(s, d, *d.task("A-2")) == "waiting for A-1");

  REQUIRE_FALSE(push(s, repo, f.claim("agent-b", "B-PIN", "ui", 2)));
  auto ui = ready_tasks(s, d, "ui");
  CHECK(ids(ui) == std::vector<std::string>{"B-1", "B-2", "B-3"});
  CHECK(ui[0].lane == 1);

  REQUIRE_FALSE(push(s, repo, f.claim("agent-b2", "B-1", "ui", 1)));
  CHECK(ready_tasks(s, d, "ui").empty());  // both ui lanes busy
  CHECK(not_ready_reason(s, d, *d.task("B-2")).find("every lane of ui is busy") != std::string::npos);
  CHECK(pick_lane(s, d, *d.task("B-2"), std::nullopt).error().code == Code::LANE_BUSY);
  CHECK(pick_lane(s, d, *d.task("B-2"), 3).error().code == Code::USAGE);
}

TEST_CASE("rules: coordinators are actors holding a coordinator-kind role", "[rules]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  const Definitions& d = repo.defs();
  CHECK(is_coordinator(d, *d.actor("alice"), "coord"));
  CHECK_FALSE(is_coordinator(d, *d.actor("agent-a"), "backend"));
  CHECK(coordinator_role_of(d, *d.actor("alice")) == "coord");
  CHECK(coordinator_role_of(d, *d.actor("rev")).empty());
}
