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

TEST_CASE("rules: nothing ready for a role says why each todo task waits", "[rules]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  const Definitions& d = repo.defs();
  REQUIRE_FALSE(push(s, repo, f.claim("agent-a", "A-1", "backend", 1)));
  Error e = nothing_ready(s, d, "backend");
  CHECK(e.code == Code::NOTHING_READY);
  CHECK(e.message == "nothing is ready for backend (A-2: " + not_ready_reason(s, d, *d.task("A-2")) + ")");
  CHECK(e.fix == "see 'git agentq status --role backend'");
  CHECK(nothing_ready(s, d, "arch").message == "nothing is ready for arch (no todo tasks left)");
}

TEST_CASE("rules: void names an illegal event by id, commit or a unique prefix of its commit", "[rules]") {
  QueueState s;
  Finding a, b;
  a.commit = "abcdef1" + std::string(33, '1');
  a.event_id = "ev-a";
  b.commit = "abcdef2" + std::string(33, '2');
  b.event_id = "ev-b";
  s.illegal = {a, b};
  CHECK(void_target(s, "ev-b").value() == "ev-b");
  CHECK(void_target(s, a.commit).value() == a.commit);
  CHECK(void_target(s, "abcdef2").value() == b.commit);
  CHECK(void_target(s, "abcdef").value() == "abcdef");  // too short to be a prefix: taken as it is
  CHECK(void_target(s, "unknown").value() == "unknown");
  s.illegal.push_back(a);
  s.illegal.back().commit = "abcdef2" + std::string(33, '3');
  CHECK(void_target(s, "abcdef2").error().code == Code::USAGE);
}

TEST_CASE("rules: a claim takes the task asked for, or the next ready one, and a free lane", "[rules]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  const Definitions& d = repo.defs();
  auto choose = [&](const ClaimRequest& r) {
    Event e;
    Status st = choose_claim(e, s, d, r);
    return std::make_pair(st, e);
  };
  ClaimRequest next{true, "", "ui", std::nullopt, ""};
  auto [st, e] = choose(next);
  REQUIRE(st);
  CHECK(e.task == "B-1");
  CHECK(e.role == "ui");
  CHECK(e.lane == 1);
  CHECK(e.branch == "agent/ui-1");

  REQUIRE_FALSE(push(s, repo, f.claim("agent-b", "B-1", "ui", 1)));
  auto [st2, e2] = choose(next);
  CHECK(e2.task == "B-2");
  CHECK(e2.lane == 2);  // the next free lane

  ClaimRequest pinned{false, "B-PIN", "", std::nullopt, "feature/pin"};
  auto [st3, e3] = choose(pinned);
  REQUIRE(st3);
  CHECK(e3.lane == 2);
  CHECK(e3.branch == "feature/pin");

  ClaimRequest busy{false, "B-3", "", 1, ""};
  auto [st4, e4] = choose(busy);
  REQUIRE(st4);          // the rules refuse the busy lane, not the choice
  CHECK(e4.lane == 1);

  CHECK(choose(ClaimRequest{false, "B-3", "", 9, ""}).first.error().code == Code::USAGE);
  CHECK(choose(ClaimRequest{false, "NOPE", "", std::nullopt, ""}).first.error().code == Code::UNKNOWN_TASK);
  REQUIRE_FALSE(push(s, repo, f.claim("agent-a", "A-1", "backend", 1)));
  CHECK(choose(ClaimRequest{true, "", "backend", std::nullopt, ""}).first.error().code == Code::NOTHING_READY);
}
