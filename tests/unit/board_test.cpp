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

namespace {

const char* kStatusYaml = R"(version: 1
policy: { base: main, stale_after: 1h }
roles:
  dev: { kind: delivery, lanes: 3 }
  ui: { kind: delivery, lanes: 1 }
  arch: { kind: review }
  coord: { kind: coordinator }
actors:
  dev-1: { roles: [dev], model: m1 }
  ui-1: { roles: [ui], model: m2 }
  archie: { roles: [arch], model: m3 }
  alice: { roles: [coord], human: true }
reviews:
  routes:
    - { paths: ["doc/**"], require: [arch] }
tasks:
  - { id: R, role: dev }
  - { id: M, role: dev }
  - { id: S, role: dev }
  - { id: T, role: dev, depends_on: [R] }
  - { id: U, role: ui }
)";

// R in review needing arch, M in review needing nothing, S in progress (stale two hours later),
// T waiting for R, U ready in the idle ui lane.
struct StatusWorld {
  testing::FakeRepo repo{kStatusYaml};
  testing::EventFactory f;
  QueueState s;
  StatusWorld() {
    REQUIRE_FALSE(push(s, repo, f.init()));
    handoff("R", 1, {"doc/guide.md"});
    handoff("M", 2, {"src/m.cpp"});
    REQUIRE_FALSE(push(s, repo, f.claim("dev-1", "S", "dev", 3)));
  }
  void handoff(const std::string& task, int lane, std::vector<std::string> files) {
    Event c = f.claim("dev-1", task, "dev", lane);
    REQUIRE_FALSE(push(s, repo, c));
    REQUIRE_FALSE(push(s, repo, f.handoff("dev-1", task, "dev", c.id, hex40(task == "R" ? 'a' : 'e'), std::move(files))));
  }
  const Definitions& d() const { return repo.defs(); }
  Millis at(int hours) const { return *parse_rfc3339("2026-11-25T10:00:00Z") + hours * 3600 * 1000LL; }
};

std::vector<std::string> ids(const std::vector<const Task*>& tasks) {
  std::vector<std::string> out;
  for (const Task* t : tasks) out.push_back(t->id);
  return out;
}

}  // namespace

TEST_CASE("board: status counts each role's tasks, lists the review queue and what is merge-ready", "[board]") {
  StatusWorld w;
  StatusBoard b = status_board(w.s, w.d(), "", w.at(0));
  CHECK(ids(b.tasks) == std::vector<std::string>{"R", "M", "S", "T", "U"});
  CHECK(b.counts.at("dev") == std::map<std::string, int>{{"todo", 1}, {"in_progress", 1}, {"blocked", 0},
                                                          {"in_review", 2}, {"done", 0}, {"ready", 0}});
  CHECK(b.counts.at("ui").at("todo") == 1);
  CHECK(b.counts.at("ui").at("ready") == 1);
  CHECK(b.counts.at("arch").at("todo") == 0);  // every role shown has a row, its own tasks or none
  CHECK(b.counts.count("coord") == 1);
  REQUIRE(b.ready.size() == 1);
  CHECK(b.ready[0].task->id == "U");
  CHECK(b.review_queue == std::map<std::string, std::vector<std::string>>{{"arch", {"R"}}});
  CHECK(b.merge_ready == std::vector<std::string>{"M"});
  REQUIRE(b.dispatch.size() == 1);  // every dev lane is taken
  CHECK(b.dispatch[0].role == "ui");
  CHECK(b.dispatch[0].task == "U");
  CHECK(b.stale.empty());
  REQUIRE(status_board(w.s, w.d(), "", w.at(2)).stale.size() == 1);
  CHECK(status_board(w.s, w.d(), "", w.at(2)).stale[0].task == "S");
}

TEST_CASE("board: status for one role shows that role, and the reviews it gives or needs", "[board]") {
  StatusWorld w;
  StatusBoard ui = status_board(w.s, w.d(), "ui", w.at(2));
  CHECK(ids(ui.tasks) == std::vector<std::string>{"U"});
  CHECK(ui.counts.size() == 1);
  CHECK(ui.review_queue.empty());
  CHECK(ui.stale.empty());  // S is dev's
  CHECK(ui.dispatch.size() == 1);

  StatusBoard arch = status_board(w.s, w.d(), "arch", w.at(0));
  CHECK(arch.tasks.empty());
  CHECK(arch.review_queue == std::map<std::string, std::vector<std::string>>{{"arch", {"R"}}});
  CHECK(arch.dispatch.empty());

  StatusBoard dev = status_board(w.s, w.d(), "dev", w.at(2));
  CHECK(dev.review_queue.at("arch") == std::vector<std::string>{"R"});  // dev's task needs it
  CHECK(dev.merge_ready == std::vector<std::string>{"M"});
  CHECK(dev.stale.size() == 1);
  CHECK(dev.ready.empty());
}
