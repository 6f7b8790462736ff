// What `tick` reports (core/board.h): the snapshot of every task's status, and the changes since
// the previous one. (lanes_test.cpp has the first-claim case.)
#include <catch2/catch.hpp>

#include "core/board.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

// Tasks in an order that is neither alphabetical nor the order events touch them.
const char* kBoardYaml = R"(version: 1
policy: { base: main }
roles:
  dev: { kind: delivery, lanes: 3 }
  coord: { kind: coordinator }
actors:
  dev-1: { roles: [dev] }
  alice: { roles: [coord], human: true }
tasks:
  - { id: Z, role: dev }
  - { id: M, role: dev }
  - { id: A, role: dev }
)";

struct BoardWorld {
  testing::FakeRepo repo{kBoardYaml};
  testing::EventFactory f;
  QueueState s;
  BoardWorld() { REQUIRE_FALSE(push(s, repo, f.init(), hex40('1'))); }
  const Definitions& d() const { return repo.defs(); }
  Event claim(const std::string& task, int lane) {
    Event e = f.claim("dev-1", task, "dev", lane);
    REQUIRE_FALSE(push(s, repo, e));
    return e;
  }
};

std::string changes_text(const std::vector<TickChange>& changes) {
  std::string out;
  for (const TickChange& c : changes) out += c.task + ":" + (c.from.empty() ? "?" : c.from) + ">" + c.to + " ";
  return out;
}

}  // namespace

TEST_CASE("board: the snapshot holds the log tip and every defined task's status", "[board]") {
  BoardWorld w;
  TickSnapshot first = snapshot(w.s, w.d());
  CHECK(first.log_tip == hex40('1'));
  CHECK(first.status == std::map<std::string, std::string>{{"A", "todo"}, {"M", "todo"}, {"Z", "todo"}});
  Event c = w.claim("M", 1);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("dev-1", "M", "dev", "blocked", c.id), hex40('2')));
  TickSnapshot second = snapshot(w.s, w.d());
  CHECK(second.log_tip == hex40('2'));
  CHECK(second.status.at("M") == "blocked");
  CHECK(second.status.at("A") == "todo");
}

TEST_CASE("board: a queue with no events has no tip, and every task is todo", "[board]") {
  testing::FakeRepo repo{kBoardYaml};
  QueueState s;
  TickSnapshot t = snapshot(s, repo.defs());
  CHECK(t.log_tip.empty());
  CHECK(t.status.size() == 3);
  for (const auto& [task, status] : t.status) CHECK(status == "todo");
}

TEST_CASE("board: nothing changed, nothing reported", "[board]") {
  BoardWorld w;
  w.claim("A", 1);
  TickSnapshot prev = snapshot(w.s, w.d());
  CHECK(tick_changes(prev, w.s, w.d()).empty());
}

TEST_CASE("board: changes come in YAML order with the status before and after", "[board]") {
  BoardWorld w;
  TickSnapshot prev = snapshot(w.s, w.d());
  w.claim("A", 1);
  Event m = w.claim("M", 2);
  w.claim("Z", 3);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev-1", "M", "dev", m.id)));
  CHECK(changes_text(tick_changes(prev, w.s, w.d())) == "Z:todo>in_progress M:todo>in_review A:todo>in_progress ");
}

TEST_CASE("board: only the endpoints count, a task that went and came back is unchanged", "[board]") {
  BoardWorld w;
  TickSnapshot prev = snapshot(w.s, w.d());
  w.claim("A", 1);
  Event un = w.f.make(EventType::unclaim, "alice", "A", "coord");
  un.reason = "wrong lane";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  REQUIRE(w.s.tasks.count("A") == 1);
  CHECK(tick_changes(prev, w.s, w.d()).empty());
}

TEST_CASE("board: a task the previous tick did not know is reported with an empty from", "[board]") {
  BoardWorld w;
  TickSnapshot prev = snapshot(w.s, w.d());
  prev.status.erase("M");
  auto changes = tick_changes(prev, w.s, w.d());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].task == "M");
  CHECK(changes[0].from.empty());
  CHECK(changes[0].to == "todo");
  CHECK(changes_text(tick_changes(TickSnapshot{}, w.s, w.d())) == "Z:?>todo M:?>todo A:?>todo ");
}

TEST_CASE("board: tasks gone from the definitions are neither snapshot nor reported", "[board]") {
  BoardWorld w;
  w.claim("M", 1);
  TickSnapshot prev = snapshot(w.s, w.d());
  prev.status["GONE"] = "in_progress";  // the previous tick knew a task that is no longer defined
  std::string yaml = kBoardYaml;
  yaml.replace(yaml.find("  - { id: M, role: dev }\n"), 25, "");
  auto later = load_definitions(yaml, "queue.yaml");
  REQUIRE(later);
  CHECK(snapshot(w.s, *later).status.count("M") == 0);  // still in the state, but not defined
  CHECK(tick_changes(prev, w.s, *later).empty());
}

TEST_CASE("board: no tasks, an empty board", "[board]") {
  auto d = load_definitions("version: 1\npolicy: { base: main }\nroles:\n  dev: { kind: delivery }\n", "queue.yaml");
  REQUIRE(d);
  QueueState s;
  CHECK(snapshot(s, *d).status.empty());
  TickSnapshot prev;
  prev.status["OLD"] = "done";
  CHECK(tick_changes(prev, s, *d).empty());
}
