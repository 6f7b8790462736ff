// The replayed queue state (core/state.h): statuses, the accessors, and what each field of
// TaskState and QueueState means once replay has filled it.
#include <catch2/catch.hpp>

#include "core/rules.h"
#include "core/state.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

struct StateWorld {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  StateWorld() { REQUIRE_FALSE(push(s, repo, f.init())); }
  Event claim(const std::string& actor, const std::string& task, const std::string& role, int lane = 1) {
    Event e = f.claim(actor, task, role, lane);
    e.branch = "agent/" + role;
    REQUIRE_FALSE(push(s, repo, e));
    return e;
  }
  void unclaim(const std::string& task) {
    Event un = f.make(EventType::unclaim, "alice", task, "coord");
    un.reason = "reassign";
    REQUIRE_FALSE(push(s, repo, un));
  }
};

}  // namespace

TEST_CASE("state: every status has its documented name", "[state]") {
  CHECK(to_string(TaskStatus::todo) == "todo");
  CHECK(to_string(TaskStatus::in_progress) == "in_progress");
  CHECK(to_string(TaskStatus::blocked) == "blocked");
  CHECK(to_string(TaskStatus::in_review) == "in_review");
  CHECK(to_string(TaskStatus::done) == "done");
}

TEST_CASE("state: in_progress, blocked and in_review hold a lane, todo and done do not", "[state]") {
  CHECK(holds_lane(TaskStatus::in_progress));
  CHECK(holds_lane(TaskStatus::blocked));
  CHECK(holds_lane(TaskStatus::in_review));
  CHECK_FALSE(holds_lane(TaskStatus::todo));
  CHECK_FALSE(holds_lane(TaskStatus::done));
}

TEST_CASE("state: an empty state is uninitialised and has nothing open", "[state]") {
  QueueState s;
  CHECK_FALSE(s.initialised);
  CHECK(s.tasks.empty());
  CHECK(s.events == 0);
  CHECK(s.tip.empty());
  CHECK(s.open_findings() == 0);
}

TEST_CASE("state: task() of an untouched id is a todo state with that id and adds nothing", "[state]") {
  QueueState s;
  const TaskState& t = s.task("NEVER-SEEN");
  CHECK(t.id == "NEVER-SEEN");
  CHECK(t.status == TaskStatus::todo);
  CHECK(t.owner.empty());
  CHECK(t.claim.empty());
  CHECK(t.lane == 0);
  CHECK_FALSE(t.handoff);
  CHECK(t.evidence.empty());
  CHECK(t.reviews.empty());
  CHECK(s.tasks.empty());  // reading never inserts
  CHECK(s.task("").status == TaskStatus::todo);
}

TEST_CASE("state: task() of an untouched id stays todo after another task was modified", "[state]") {
  QueueState s;
  s.task_mut("X").status = TaskStatus::done;
  CHECK(s.task("X").status == TaskStatus::done);
  CHECK(s.task("Y").status == TaskStatus::todo);
  CHECK(s.task("Y").id == "Y");
}

TEST_CASE("state: task_mut() creates the task once, with its id, and keeps changes", "[state]") {
  QueueState s;
  TaskState& a = s.task_mut("A");
  CHECK(a.id == "A");
  CHECK(a.status == TaskStatus::todo);
  CHECK(a.before_block == TaskStatus::in_progress);
  a.owner = "agent-a";
  TaskState& again = s.task_mut("A");
  CHECK(&again == &a);
  CHECK(again.owner == "agent-a");
  CHECK(s.tasks.size() == 1);
  CHECK(s.task("A").owner == "agent-a");
}

TEST_CASE("state: open_findings counts the findings no void acknowledged", "[state]") {
  QueueState s;
  Finding open;
  open.code = Code::EVENT_INVALID;
  Finding voided = open;
  voided.voided = true;
  s.illegal = {open, voided, open};
  CHECK(s.open_findings() == 2);
  s.illegal = {voided};
  CHECK(s.open_findings() == 0);
}

TEST_CASE("state: tasks holds only the tasks some event touched", "[state]") {
  StateWorld w;
  CHECK(w.s.tasks.empty());  // init touches no task
  w.claim("agent-a", "A-1", "backend");
  CHECK(w.s.tasks.size() == 1);
  CHECK(w.s.tasks.count("A-1") == 1);
  CHECK(w.s.task("B-1").status == TaskStatus::todo);
  CHECK(w.s.tasks.size() == 1);
}

TEST_CASE("state: a claim records owner, role, lane, branch, claim id and time", "[state]") {
  StateWorld w;
  Event c = w.f.claim("agent-b", "B-1", "ui", 2);
  c.branch = "agent/ui-2";
  c.at = "2026-11-25T11:30:00Z";
  REQUIRE_FALSE(push(w.s, w.repo, c));
  const TaskState& t = w.s.task("B-1");
  CHECK(t.status == TaskStatus::in_progress);
  CHECK(t.owner == "agent-b");
  CHECK(t.role == "ui");
  CHECK(t.lane == 2);
  CHECK(t.branch == "agent/ui-2");
  CHECK(t.claim == c.id);
  CHECK(t.claimed_at == "2026-11-25T11:30:00Z");
  CHECK(t.last_activity == "2026-11-25T11:30:00Z");
  CHECK(w.s.lane_holders.at("ui").at(2) == "B-1");
  CHECK(lane_holder(w.s, "ui", 1).empty());
}

TEST_CASE("state: lane_holders lists exactly the tasks in_progress, blocked or in_review", "[state]") {
  StateWorld w;
  Event c = w.claim("agent-a", "A-1", "backend");
  CHECK(lane_holder(w.s, "backend", 1) == "A-1");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "blocked", c.id)));
  CHECK(lane_holder(w.s, "backend", 1) == "A-1");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "in_progress", c.id)));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  CHECK(w.s.task("A-1").status == TaskStatus::in_review);
  CHECK(lane_holder(w.s, "backend", 1) == "A-1");
  SECTION("done frees the lane") {
    REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("agent-a", "A-1", "true", "pass")));
    w.repo.merged.insert(hex40('c'));
    Event done = w.f.status("alice", "A-1", "coord", "done");
    done.commit = hex40('c');
    REQUIRE_FALSE(push(w.s, w.repo, done));
    CHECK(lane_holder(w.s, "backend", 1).empty());
  }
  SECTION("unclaim frees the lane") {
    w.unclaim("A-1");
    CHECK(lane_holder(w.s, "backend", 1).empty());
  }
  for (const auto& [role, lanes] : w.s.lane_holders)
    for (const auto& [lane, task] : lanes) CHECK(holds_lane(w.s.task(task).status));
}

TEST_CASE("state: before_block is where unblocking returns to", "[state]") {
  StateWorld w;
  Event c = w.claim("agent-a", "A-1", "backend");
  Event blocked = w.f.status("agent-a", "A-1", "backend", "blocked", c.id);
  blocked.reason = "needs a schema decision";
  blocked.blocked_by = "B-1";
  REQUIRE_FALSE(push(w.s, w.repo, blocked));
  CHECK(w.s.task("A-1").before_block == TaskStatus::in_progress);
  CHECK(w.s.task("A-1").blocked_reason == "needs a schema decision");
  CHECK(w.s.task("A-1").blocked_by == "B-1");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "in_progress", c.id)));
  CHECK(w.s.task("A-1").status == TaskStatus::in_progress);

  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "blocked", c.id)));
  CHECK(w.s.task("A-1").before_block == TaskStatus::in_review);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "in_progress", c.id)));
  CHECK(w.s.task("A-1").status == TaskStatus::in_review);  // back to waiting for review
  CHECK(w.s.task("A-1").blocked_reason.empty());
  CHECK(w.s.task("A-1").blocked_by.empty());
}

TEST_CASE("state: unclaim returns the task to todo and forgets the claim and handoff", "[state]") {
  StateWorld w;
  Event c = w.claim("agent-a", "A-1", "backend");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  w.unclaim("A-1");
  const TaskState& t = w.s.task("A-1");
  CHECK(t.status == TaskStatus::todo);
  CHECK(t.owner.empty());
  CHECK(t.role.empty());
  CHECK(t.lane == 0);
  CHECK(t.claim.empty());
  CHECK(t.claimed_at.empty());
  CHECK_FALSE(t.handoff);
  CHECK(w.s.released_claims.count(c.id) == 1);
}

TEST_CASE("state: released_claims grows with every claim that stops holding", "[state]") {
  StateWorld w;
  Event c1 = w.claim("agent-b", "B-1", "ui", 1);
  CHECK(w.s.released_claims.empty());
  w.unclaim("B-1");
  Event c2 = w.claim("agent-b2", "B-1", "ui", 2);
  CHECK(w.s.released_claims == std::set<std::string>{c1.id});
  w.unclaim("B-1");
  CHECK(w.s.released_claims == std::set<std::string>{c1.id, c2.id});
}

TEST_CASE("state: implementers are every actor that ever claimed or handed off the task", "[state]") {
  StateWorld w;
  w.claim("agent-b", "B-1", "ui", 1);
  w.unclaim("B-1");
  Event c = w.claim("agent-b2", "B-1", "ui", 1);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-b2", "B-1", "ui", c.id)));
  const TaskState& t = w.s.task("B-1");
  CHECK(t.implementers == std::set<std::string>{"agent-b", "agent-b2"});  // unclaim does not forget
  CHECK(t.implementer_roles == std::set<std::string>{"ui"});
  CHECK(t.owner == "agent-b2");
}

TEST_CASE("state: done records the commit, time and actor", "[state]") {
  StateWorld w;
  Event c = w.claim("agent-a", "A-1", "backend");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("agent-a", "A-1", "true", "pass")));
  w.repo.merged.insert(hex40('c'));
  Event done = w.f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  done.at = "2026-11-26T09:00:00Z";
  REQUIRE_FALSE(push(w.s, w.repo, done));
  const TaskState& t = w.s.task("A-1");
  CHECK(t.status == TaskStatus::done);
  CHECK(t.done_commit == hex40('c'));
  CHECK(t.done_at == "2026-11-26T09:00:00Z");
  CHECK(t.done_by == "alice");
  CHECK(t.last_activity == "2026-11-26T09:00:00Z");
}

TEST_CASE("state: evidence, handoff and reviews keep the log's order and the event commit", "[state]") {
  StateWorld w;
  Event c = w.claim("agent-a", "A-1", "backend");
  Event first = w.f.evidence("agent-a", "A-1", "fail");
  first.exit_code = 1;
  REQUIRE_FALSE(push(w.s, w.repo, first, hex40('1')));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.evidence("agent-a", "A-1", "pass"), hex40('2')));
  Event h = w.f.handoff("agent-a", "A-1", "backend", c.id);
  h.risks = "touches retries";
  REQUIRE_FALSE(push(w.s, w.repo, h, hex40('3')));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.review("rev", "A-1", "arch", "approved"), hex40('4')));
  const TaskState& t = w.s.task("A-1");
  REQUIRE(t.evidence.size() == 2);
  CHECK(t.evidence[0].id == first.id);
  CHECK(t.evidence[0].exit_code == 1);
  CHECK(t.evidence[0].event_commit == hex40('1'));
  CHECK(t.evidence[1].result == "pass");
  REQUIRE(t.handoff);
  CHECK(t.handoff->id == h.id);
  CHECK(t.handoff->commit == hex40('c'));
  CHECK(t.handoff->patch_id == h.patch_id);
  CHECK(t.handoff->risks == "touches retries");
  CHECK(t.handoff->event_commit == hex40('3'));
  REQUIRE(t.reviews.size() == 1);
  CHECK(t.reviews[0].actor == "rev");
  CHECK(t.reviews[0].patch_id == h.patch_id);  // the patch-id of the handoff it reviewed
  CHECK(t.reviews[0].event_commit == hex40('4'));
}

TEST_CASE("state: events counts applied and skipped events, tip is the last commit replayed", "[state]") {
  StateWorld w;
  CHECK(w.s.events == 1);
  CHECK(w.s.initialised);
  CHECK(w.s.base == "main");
  Event c = w.f.claim("agent-a", "A-1", "backend");
  c.at = "2026-11-25T12:00:00Z";
  REQUIRE_FALSE(push(w.s, w.repo, c, hex40('1')));
  CHECK(push(w.s, w.repo, w.f.claim("agent-a", "NOPE", "backend"), hex40('2')) == Code::UNKNOWN_TASK);
  // the identical event in another commit: a copy, never a silent no-op
  CHECK(push(w.s, w.repo, c, hex40('3')) == Code::DUPLICATE_EVENT_ID);
  CHECK(w.s.events == 4);
  CHECK(w.s.tip == hex40('3'));
  CHECK(w.s.last_at == "2026-11-25T12:00:00Z");  // from the last applied event
  CHECK(w.s.last_defs == hex40('d'));
  CHECK(w.s.illegal.size() == 2);
  CHECK(w.s.illegal[0].commit == hex40('2'));
  CHECK(w.s.illegal[0].task == "NOPE");
  CHECK(w.s.illegal[1].commit == hex40('3'));
  CHECK(w.s.open_findings() == 2);
}

TEST_CASE("state: overrides are kept on the queue and on their task", "[state]") {
  StateWorld w;
  Event o = w.f.make(EventType::override_, "alice", "B-1", "coord");
  o.reason = "hotfix while CI is down";
  o.commit = hex40('7');
  o.commits = {hex40('6'), hex40('7')};
  REQUIRE_FALSE(push(w.s, w.repo, o));
  REQUIRE(w.s.overrides.size() == 1);
  CHECK(w.s.overrides[0].task == "B-1");
  CHECK(w.s.overrides[0].commits == o.commits);
  CHECK(w.s.task("B-1").overrides == std::vector<std::string>{o.id});
  CHECK(w.s.task("B-1").status == TaskStatus::todo);  // an override changes no status
}
