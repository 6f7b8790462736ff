#include <catch2/catch.hpp>

#include "core/replay.h"
#include "core/rules.h"
#include "fake_repo.h"

using namespace agentq;
using testing::EventFactory;
using testing::FakeRepo;
using testing::push;

namespace {

struct Fixture {
  FakeRepo repo{testing::kQueueYaml};
  EventFactory f;
  QueueState s;
  Fixture() { REQUIRE_FALSE(push(s, repo, f.init())); }
  Event claim(const std::string& actor, const std::string& task, const std::string& role, int lane = 1) {
    Event e = f.claim(actor, task, role, lane);
    REQUIRE_FALSE(push(s, repo, e));
    return e;
  }
};

}  // namespace

TEST_CASE("replay: nothing happens before init", "[replay]") {
  FakeRepo repo{testing::kQueueYaml};
  EventFactory f;
  QueueState s;
  CHECK(push(s, repo, f.claim("agent-a", "A-1", "backend")) == Code::ILLEGAL_TRANSITION);
  CHECK_FALSE(push(s, repo, f.init()));
  CHECK(s.initialised);
  CHECK(push(s, repo, f.init()) == Code::ILLEGAL_TRANSITION);
  CHECK(push(s, repo, f.init("develop")) == Code::ILLEGAL_TRANSITION);
}

TEST_CASE("replay: init must name policy.base", "[replay]") {
  FakeRepo repo{testing::kQueueYaml};
  EventFactory f;
  QueueState s;
  CHECK(push(s, repo, f.init("develop")) == Code::EVENT_INVALID);
  CHECK_FALSE(s.initialised);
}

TEST_CASE("replay: claim moves a task to in_progress on a lane", "[replay]") {
  Fixture x;
  Event c = x.claim("agent-a", "A-1", "backend");
  const TaskState& t = x.s.task("A-1");
  CHECK(t.status == TaskStatus::in_progress);
  CHECK(t.owner == "agent-a");
  CHECK(t.lane == 1);
  CHECK(t.claim == c.id);
  CHECK(lane_holder(x.s, "backend", 1) == "A-1");
}

TEST_CASE("replay: claim rules and their reason codes", "[replay]") {
  Fixture x;
  SECTION("unknown task") { CHECK(push(x.s, x.repo, x.f.claim("agent-a", "NOPE", "backend")) == Code::UNKNOWN_TASK); }
  SECTION("unknown actor") { CHECK(push(x.s, x.repo, x.f.claim("mallory", "A-1", "backend")) == Code::UNKNOWN_ACTOR); }
  SECTION("actor without the role") {
    CHECK(push(x.s, x.repo, x.f.claim("agent-b", "A-1", "backend")) == Code::ROLE_MISMATCH);
  }
  SECTION("task of another role") { CHECK(push(x.s, x.repo, x.f.claim("agent-b", "A-1", "ui")) == Code::ROLE_MISMATCH); }
  SECTION("dependency not done") {
    CHECK(push(x.s, x.repo, x.f.claim("agent-a", "A-2", "backend")) == Code::DEP_NOT_DONE);
  }
  SECTION("already claimed") {
    x.claim("agent-b", "B-1", "ui", 1);
    CHECK(push(x.s, x.repo, x.f.claim("agent-b2", "B-1", "ui", 2)) == Code::ALREADY_CLAIMED);
  }
  SECTION("lane busy") {
    x.claim("agent-b", "B-1", "ui", 1);
    CHECK(push(x.s, x.repo, x.f.claim("agent-b2", "B-2", "ui", 1)) == Code::LANE_BUSY);
    x.claim("agent-b2", "B-2", "ui", 2);
    CHECK(push(x.s, x.repo, x.f.claim("agent-b", "B-3", "ui", 2)) == Code::LANE_BUSY);
  }
  SECTION("lane out of range or against the pin") {
    CHECK(push(x.s, x.repo, x.f.claim("agent-b", "B-1", "ui", 3)) == Code::EVENT_INVALID);
    CHECK(push(x.s, x.repo, x.f.claim("agent-b", "B-PIN", "ui", 1)) == Code::EVENT_INVALID);
  }
  SECTION("done task") {
    Event c = x.claim("agent-a", "A-1", "backend");
    REQUIRE_FALSE(push(x.s, x.repo, x.f.acceptance("agent-a", "A-1", "true", "pass")));
    REQUIRE_FALSE(push(x.s, x.repo, x.f.handoff("agent-a", "A-1", "backend", c.id)));
    x.repo.merged.insert(testing::hex40('c'));
    Event done = x.f.status("alice", "A-1", "coord", "done");
    done.commit = testing::hex40('c');
    REQUIRE_FALSE(push(x.s, x.repo, done));
    CHECK(push(x.s, x.repo, x.f.claim("agent-a", "A-1", "backend")) == Code::ILLEGAL_TRANSITION);
  }
  // A refused claim leaves the task where it was.
  CHECK(x.s.task("A-2").status == TaskStatus::todo);
}

TEST_CASE("replay: status transitions", "[replay]") {
  Fixture x;
  Event c = x.claim("agent-a", "A-1", "backend");
  CHECK(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "in_progress", c.id)) == Code::ILLEGAL_TRANSITION);
  Event blocked = x.f.status("agent-a", "A-1", "backend", "blocked", c.id);
  blocked.blocked_by = "B-1";
  REQUIRE_FALSE(push(x.s, x.repo, blocked));
  CHECK(x.s.task("A-1").status == TaskStatus::blocked);
  CHECK(x.s.task("A-1").blocked_by == "B-1");
  CHECK(lane_holder(x.s, "backend", 1) == "A-1");  // blocked still holds the lane
  Event done = x.f.status("agent-a", "A-1", "backend", "done", c.id);
  done.commit = testing::hex40('c');
  CHECK(push(x.s, x.repo, done) == Code::ILLEGAL_TRANSITION);
  REQUIRE_FALSE(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "in_progress", c.id)));
  CHECK(x.s.task("A-1").status == TaskStatus::in_progress);
  CHECK(x.s.task("A-1").blocked_reason.empty());
  SECTION("blocked by an unknown task") {
    Event b = x.f.status("agent-a", "A-1", "backend", "blocked", c.id);
    b.blocked_by = "GHOST";
    CHECK(push(x.s, x.repo, b) == Code::UNKNOWN_TASK);
  }
  SECTION("done needs a handoff, merge-ready items and the commit on base") {
    CHECK(push(x.s, x.repo, done) == Code::ILLEGAL_TRANSITION);  // in_progress: hand it off first
    REQUIRE_FALSE(push(x.s, x.repo, x.f.handoff("agent-a", "A-1", "backend", c.id)));
    CHECK(x.s.task("A-1").status == TaskStatus::in_review);
    CHECK(push(x.s, x.repo, done) == Code::EVIDENCE_MISSING);  // acceptance check `true` never ran
    REQUIRE_FALSE(push(x.s, x.repo, x.f.acceptance("agent-a", "A-1", "true", "pass")));
    CHECK(push(x.s, x.repo, done) == Code::NOT_MERGED);
    Event no_commit = x.f.status("agent-a", "A-1", "backend", "done", c.id);
    CHECK(push(x.s, x.repo, no_commit) == Code::EVENT_INVALID);
    Event other = done;
    other.commit = testing::hex40('9');
    x.repo.merged.insert(testing::hex40('9'));
    CHECK(push(x.s, x.repo, other) == Code::EVENT_INVALID);  // not the handed-off commit
    x.repo.merged.insert(testing::hex40('c'));
    REQUIRE_FALSE(push(x.s, x.repo, done));
    CHECK(x.s.task("A-1").status == TaskStatus::done);
    CHECK(x.s.task("A-1").done_commit == testing::hex40('c'));
    CHECK(lane_holder(x.s, "backend", 1).empty());
    // A-2 depended on A-1 and is now claimable.
    CHECK_FALSE(push(x.s, x.repo, x.f.claim("agent-a", "A-2", "backend")));
  }
}

TEST_CASE("replay: claims are fenced leases", "[replay]") {
  Fixture x;
  Event c = x.claim("agent-a", "A-1", "backend");
  SECTION("owner events must name the claim") {
    CHECK(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "blocked")) == Code::CLAIM_FENCED);
  }
  SECTION("another actor cannot use the owner's claim") {
    Event e = x.f.status("agent-b", "A-1", "backend", "blocked", c.id);
    CHECK(push(x.s, x.repo, e) == Code::ROLE_MISMATCH);  // identity first: agent-b lacks backend
  }
  SECTION("a released claim is fenced") {
    Event un = x.f.make(EventType::unclaim, "alice", "A-1", "coord");
    un.reason = "stale";
    REQUIRE_FALSE(push(x.s, x.repo, un));
    CHECK(x.s.task("A-1").status == TaskStatus::todo);
    CHECK(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "blocked", c.id)) == Code::CLAIM_FENCED);
    Event c2 = x.claim("agent-a", "A-1", "backend");
    CHECK(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "blocked", c.id)) == Code::CLAIM_FENCED);
    CHECK_FALSE(push(x.s, x.repo, x.f.status("agent-a", "A-1", "backend", "blocked", c2.id)));
  }
  SECTION("owner unclaims with the claim; then unclaim again is illegal") {
    Event un = x.f.make(EventType::unclaim, "agent-a", "A-1", "backend");
    un.claim = c.id;
    REQUIRE_FALSE(push(x.s, x.repo, un));
    Event again = x.f.make(EventType::unclaim, "alice", "A-1", "coord");
    CHECK(push(x.s, x.repo, again) == Code::ILLEGAL_TRANSITION);
  }
  SECTION("a non-coordinator cannot unclaim someone else's task") {
    Event un = x.f.make(EventType::unclaim, "rev", "A-1", "arch");
    CHECK(push(x.s, x.repo, un) == Code::ROLE_MISMATCH);
  }
}

TEST_CASE("replay: evidence is recorded and not fenced", "[replay]") {
  Fixture x;
  REQUIRE_FALSE(push(x.s, x.repo, x.f.evidence("agent-a", "A-1", "pass")));
  REQUIRE_FALSE(push(x.s, x.repo, x.f.evidence("rev", "A-1", "fail")));
  const TaskState& t = x.s.task("A-1");
  REQUIRE(t.evidence.size() == 2);
  CHECK(t.evidence[0].result == "pass");
  CHECK(t.evidence[1].actor == "rev");
  CHECK(push(x.s, x.repo, x.f.evidence("ghost", "A-1", "pass")) == Code::UNKNOWN_ACTOR);
}

TEST_CASE("replay: a retry is a no-op for the writer, a second commit with a known id is DUPLICATE_EVENT_ID", "[replay]") {
  Fixture x;
  Event c = x.claim("agent-a", "A-1", "backend");
  size_t events = x.s.events;
  Event again = c;
  again.at = "2026-12-01T00:00:00Z";
  // the writer finds its event already there and writes nothing
  CHECK(already_recorded(x.s, again).value());
  auto j = judge_new_event(x.s, again, x.repo, nullptr);
  REQUIRE(j);
  CHECK(j->noop);
  // the same event in a new commit is a copy, judged as one, and changes nothing
  CHECK(push(x.s, x.repo, again) == Code::DUPLICATE_EVENT_ID);
  CHECK(x.s.events == events + 1);
  CHECK(x.s.task("A-1").claimed_at == c.at);
  Event other = x.f.claim("agent-b", "B-1", "ui");
  other.id = c.id;
  CHECK(push(x.s, x.repo, other) == Code::DUPLICATE_EVENT_ID);
  CHECK(already_recorded(x.s, other).error().code == Code::DUPLICATE_EVENT_ID);
}

TEST_CASE("replay: definitions must be on base and never go back", "[replay]") {
  Fixture x;
  std::string later = testing::hex40('1');
  x.repo.add_defs(later, testing::kQueueYaml, 5);
  Event c = x.f.claim("agent-a", "A-1", "backend");
  c.defs = later;
  REQUIRE_FALSE(push(x.s, x.repo, c));
  Event old = x.f.claim("agent-b", "B-1", "ui");  // names the older defs
  CHECK(push(x.s, x.repo, old) == Code::EVENT_INVALID);
  Event off_base = x.f.claim("agent-b", "B-1", "ui");
  off_base.defs = testing::hex40('9');
  CHECK(push(x.s, x.repo, off_base) == Code::EVENT_INVALID);
}

TEST_CASE("replay: a key removed from the definitions invalidates later events only", "[replay]") {
  Fixture x;
  x.claim("agent-a", "A-1", "backend");
  std::string yaml = testing::kQueueYaml;
  yaml.replace(yaml.find("  agent-b: { roles: [ui], model: m2 }\n"), 38, "");
  std::string later = testing::hex40('2');
  x.repo.add_defs(later, yaml, 3);
  Event c = x.f.claim("agent-b", "B-1", "ui");
  c.defs = later;
  CHECK(push(x.s, x.repo, c) == Code::UNKNOWN_ACTOR);
  CHECK(x.s.task("A-1").status == TaskStatus::in_progress);  // the earlier claim stands
}

TEST_CASE("replay: undecodable entries become findings and voids acknowledge them", "[replay]") {
  Fixture x;
  LogEntry garbage;
  garbage.commit = testing::hex40('b');
  garbage.error = Error(Code::EVENT_INVALID, "event is not valid JSON at byte 1");
  replay_entry(x.s, garbage, x.repo);
  REQUIRE(x.s.illegal.size() == 1);
  CHECK(x.s.illegal[0].commit == testing::hex40('b'));
  CHECK(x.s.open_findings() == 1);
  Event v = x.f.make(EventType::void_, "agent-a");
  v.event = testing::hex40('b');
  v.reason = "hand-written";
  CHECK(push(x.s, x.repo, v) == Code::NOT_HUMAN);
  v = x.f.make(EventType::void_, "alice");
  v.event = testing::hex40('b');
  v.reason = "hand-written";
  REQUIRE_FALSE(push(x.s, x.repo, v));
  CHECK(x.s.open_findings() == 1);  // the NOT_HUMAN void attempt is itself a finding
  CHECK(x.s.illegal[0].voided);
  v = x.f.make(EventType::void_, "alice");
  v.event = "nothing";
  v.reason = "x";
  CHECK(push(x.s, x.repo, v) == Code::EVENT_INVALID);
}

TEST_CASE("replay: the stage runner's gate and run records are legal and change no task state", "[replay]") {
  Fixture x;
  x.claim("agent-a", "A-1", "backend");
  const std::string activity = x.s.task("A-1").last_activity;
  Event g = x.f.make(EventType::gate, "agent-a", "A-1");
  g.run = "run-0123456789abcdef";
  g.gate = "ci";
  g.passed = false;
  g.state = "missing";
  g.codes = {"GATE_CI_NOT_SUCCESS", "HANDOFF_MISSING"};
  g.at = "2026-11-26T10:00:00Z";
  CHECK_FALSE(push(x.s, x.repo, g));
  Event r = x.f.make(EventType::run, "agent-a", "A-1");
  r.run = g.run;
  r.state = "paused";
  r.at = "2026-11-26T10:00:00Z";
  CHECK_FALSE(push(x.s, x.repo, r));
  CHECK(x.s.task("A-1").status == TaskStatus::in_progress);
  CHECK(x.s.task("A-1").last_activity == activity);  // not work: stale claims stay stale
  Event bad = x.f.make(EventType::run, "agent-a", "NOPE");
  bad.run = g.run;
  bad.state = "done";
  CHECK(push(x.s, x.repo, bad) == Code::UNKNOWN_TASK);
  Event stranger = x.f.make(EventType::gate, "mallory", "A-1");
  stranger.run = g.run;
  stranger.gate = "policy";
  stranger.passed = true;
  CHECK(push(x.s, x.repo, stranger) == Code::UNKNOWN_ACTOR);
}
