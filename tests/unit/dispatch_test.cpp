// The coordinator's dispatch questions (core/dispatch.h): a recommendation per idle lane, and the
// claims gone stale.
#include <catch2/catch.hpp>

#include <set>

#include "core/dispatch.h"
#include "core/rules.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

// kQueueYaml: backend (1 lane): A-1, A-2 (after A-1); ui (2 lanes): B-1, B-2, B-3, B-PIN (lane 2);
// arch is a review role, coord a coordinator role.
struct DispatchWorld {
  testing::FakeRepo repo;
  testing::EventFactory f;
  QueueState s;
  explicit DispatchWorld(const std::string& yaml = testing::kQueueYaml) : repo(yaml) {
    REQUIRE_FALSE(push(s, repo, f.init()));
  }
  const Definitions& d() const { return repo.defs(); }
  Event claim(const std::string& actor, const std::string& task, const std::string& role, int lane,
              const std::string& at = "2026-11-25T10:00:00Z") {
    Event e = f.claim(actor, task, role, lane);
    e.at = at;
    REQUIRE_FALSE(push(s, repo, e));
    return e;
  }
};

std::string recs_text(const std::vector<Dispatch>& recs) {
  std::string out;
  for (const Dispatch& r : recs) out += r.role + "/" + std::to_string(r.lane) + "=" + (r.task.empty() ? "-" : r.task) + " ";
  return out;
}

Millis at_ms(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

std::set<std::string> stale_ids(const std::vector<StaleClaim>& stale) {
  std::set<std::string> out;
  for (const StaleClaim& c : stale) out.insert(c.task);
  return out;
}

constexpr Millis kHour = 3600LL * 1000;

}  // namespace

TEST_CASE("dispatch: one entry per idle lane of every delivery role, in role and lane order", "[dispatch]") {
  DispatchWorld w;
  // B-PIN may only run on lane 2, and B-2 comes before it in YAML order.
  CHECK(recs_text(recommend(w.s, w.d())) == "backend/1=A-1 ui/1=B-1 ui/2=B-2 ");
}

TEST_CASE("dispatch: review and coordinator roles get no recommendations", "[dispatch]") {
  DispatchWorld w;
  for (const Dispatch& r : recommend(w.s, w.d())) {
    CHECK(r.role != "arch");
    CHECK(r.role != "coord");
  }
  DispatchWorld none{R"(version: 1
policy: { base: main }
roles:
  arch: { kind: review }
  coord: { kind: coordinator }
tasks:
  - { id: R-1, role: arch }
)"};
  CHECK(recommend(none.s, none.d()).empty());
}

TEST_CASE("dispatch: roles come in YAML order, not by name", "[dispatch]") {
  DispatchWorld w{R"(version: 1
policy: { base: main }
roles:
  zeta: { kind: delivery }
  alpha: { kind: delivery }
tasks:
  - { id: A-1, role: alpha }
  - { id: Z-1, role: zeta }
)"};
  CHECK(recs_text(recommend(w.s, w.d())) == "zeta/1=Z-1 alpha/1=A-1 ");
}

TEST_CASE("dispatch: a busy lane gets no entry, whether in_progress, blocked or in_review", "[dispatch]") {
  DispatchWorld w;
  Event c = w.claim("agent-b", "B-1", "ui", 1);
  CHECK(recs_text(recommend(w.s, w.d())) == "backend/1=A-1 ui/2=B-2 ");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-b", "B-1", "ui", "blocked", c.id)));
  CHECK(recs_text(recommend(w.s, w.d())) == "backend/1=A-1 ui/2=B-2 ");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-b", "B-1", "ui", "in_progress", c.id)));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-b", "B-1", "ui", c.id)));
  CHECK(recs_text(recommend(w.s, w.d())) == "backend/1=A-1 ui/2=B-2 ");
  w.claim("agent-b2", "B-2", "ui", 2);
  CHECK(recs_text(recommend(w.s, w.d())) == "backend/1=A-1 ");
}

TEST_CASE("dispatch: an idle lane with nothing to do still gets an entry, with no task", "[dispatch]") {
  DispatchWorld w{R"(version: 1
policy: { base: main }
roles:
  ui: { kind: delivery, lanes: 3 }
actors:
  dev: { roles: [ui] }
tasks:
  - { id: U-1, role: ui }
)"};
  auto recs = recommend(w.s, w.d());
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].task == "U-1");  // each task is recommended once
  CHECK(recs[1].lane == 2);
  CHECK(recs[1].task.empty());
  CHECK(recs[2].task.empty());
  w.claim("dev", "U-1", "ui", 1);
  CHECK(recs_text(recommend(w.s, w.d())) == "ui/2=- ui/3=- ");
}

TEST_CASE("dispatch: a role with no tasks gets empty entries, a queue without tasks too", "[dispatch]") {
  DispatchWorld w{R"(version: 1
policy: { base: main }
roles:
  ops: { kind: delivery, lanes: 2 }
)"};
  CHECK(recs_text(recommend(w.s, w.d())) == "ops/1=- ops/2=- ");
}

TEST_CASE("dispatch: a task waits for its dependencies", "[dispatch]") {
  DispatchWorld w;
  Event c = w.claim("agent-a", "A-1", "backend", 1);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("agent-a", "A-1", "true", "pass")));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  CHECK(recs_text(recommend(w.s, w.d())).find("backend") == std::string::npos);  // lane 1 is still held
  w.repo.merged.insert(hex40('c'));
  Event done = w.f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  REQUIRE_FALSE(push(w.s, w.repo, done));
  auto recs = recommend(w.s, w.d());
  REQUIRE_FALSE(recs.empty());
  CHECK(recs[0].role == "backend");
  CHECK(recs[0].task == "A-2");  // A-1 is done, never recommended again; A-2 may start now
}

TEST_CASE("dispatch: a task whose dependency is not done is passed over for the next one", "[dispatch]") {
  DispatchWorld w{R"(version: 1
policy: { base: main }
roles:
  dev: { kind: delivery, lanes: 2 }
tasks:
  - { id: T-1, role: dev }
  - { id: T-2, role: dev, depends_on: [T-1] }
  - { id: T-3, role: dev }
)"};
  CHECK(recs_text(recommend(w.s, w.d())) == "dev/1=T-1 dev/2=T-3 ");
}

TEST_CASE("dispatch: a pinned task is recommended only for its own lane", "[dispatch]") {
  DispatchWorld w{R"(version: 1
policy: { base: main }
roles:
  ui: { kind: delivery, lanes: 2 }
actors:
  dev: { roles: [ui] }
tasks:
  - { id: PIN-2, role: ui, lane: 2 }
  - { id: FREE, role: ui }
)"};
  CHECK(recs_text(recommend(w.s, w.d())) == "ui/1=FREE ui/2=PIN-2 ");
  w.claim("dev", "FREE", "ui", 2);  // lane 2 is taken by another task
  CHECK(recs_text(recommend(w.s, w.d())) == "ui/1=- ");
}

TEST_CASE("dispatch: an unclaimed task is recommended again", "[dispatch]") {
  DispatchWorld w;
  w.claim("agent-a", "A-1", "backend", 1);
  CHECK(recs_text(recommend(w.s, w.d())).find("A-1") == std::string::npos);
  Event un = w.f.make(EventType::unclaim, "alice", "A-1", "coord");
  un.reason = "agent crashed";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  CHECK(recommend(w.s, w.d()).front().task == "A-1");
}

TEST_CASE("dispatch: every recommendation is a claim the rules accept on that lane", "[dispatch]") {
  DispatchWorld w;
  w.claim("agent-b", "B-2", "ui", 1);
  auto recs = recommend(w.s, w.d());
  REQUIRE(recs_text(recs) == "backend/1=A-1 ui/2=B-1 ");
  const std::map<std::string, std::string> actor_of{{"backend", "agent-a"}, {"ui", "agent-b2"}};
  for (const Dispatch& r : recs) {
    const Task& t = *w.d().task(r.task);
    CHECK(pick_lane(w.s, w.d(), t, r.lane).value() == r.lane);
    CHECK_FALSE(push(w.s, w.repo, w.f.claim(actor_of.at(r.role), r.task, r.role, r.lane)));
  }
}

TEST_CASE("stale: claims idle for longer than stale_after, with owner, role, lane and idle time", "[dispatch]") {
  DispatchWorld w;  // stale_after: 1h
  Event c = w.claim("agent-a", "A-1", "backend", 1, "2026-11-25T10:00:00Z");
  const Millis start = at_ms("2026-11-25T10:00:00Z");
  CHECK(stale_claims(w.s, w.d(), start).empty());
  CHECK(stale_claims(w.s, w.d(), start + kHour).empty());  // exactly stale_after is not longer
  auto stale = stale_claims(w.s, w.d(), start + kHour + 1);
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].task == "A-1");
  CHECK(stale[0].owner == "agent-a");
  CHECK(stale[0].role == "backend");
  CHECK(stale[0].lane == 1);
  CHECK(stale[0].claim == c.id);
  CHECK(stale[0].last_activity == "2026-11-25T10:00:00Z");
  CHECK(stale[0].idle == kHour + 1);
}

TEST_CASE("stale: any later event on the task counts as activity", "[dispatch]") {
  DispatchWorld w;
  w.claim("agent-a", "A-1", "backend", 1, "2026-11-25T10:00:00Z");
  Event ev = w.f.evidence("agent-a", "A-1", "pass");
  ev.at = "2026-11-25T10:50:00Z";
  REQUIRE_FALSE(push(w.s, w.repo, ev));
  CHECK(stale_claims(w.s, w.d(), at_ms("2026-11-25T11:30:00Z")).empty());
  auto stale = stale_claims(w.s, w.d(), at_ms("2026-11-25T12:00:00Z"));
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].idle == 70 * 60 * 1000);
  CHECK(stale[0].last_activity == "2026-11-25T10:50:00Z");
}

TEST_CASE("stale: blocked claims go stale, tasks in review never do", "[dispatch]") {
  DispatchWorld w;
  Event a = w.claim("agent-a", "A-1", "backend", 1);
  Event b1 = w.claim("agent-b", "B-1", "ui", 1);
  w.claim("agent-b2", "B-2", "ui", 2);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-b", "B-1", "ui", "blocked", b1.id)));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", a.id)));
  const Millis much_later = at_ms("2026-12-25T10:00:00Z");
  CHECK(stale_ids(stale_claims(w.s, w.d(), much_later)) == std::set<std::string>{"B-1", "B-2"});
  // blocked while in review: the owner holds it again, so it can go stale
  REQUIRE_FALSE(push(w.s, w.repo, w.f.status("agent-a", "A-1", "backend", "blocked", a.id)));
  CHECK(stale_ids(stale_claims(w.s, w.d(), much_later)) == std::set<std::string>{"A-1", "B-1", "B-2"});
}

TEST_CASE("stale: todo and done tasks are never stale, whatever their last activity", "[dispatch]") {
  DispatchWorld w;
  Event c = w.claim("agent-a", "A-1", "backend", 1);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("agent-a", "A-1", "true", "pass")));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("agent-a", "A-1", "backend", c.id)));
  w.repo.merged.insert(hex40('c'));
  Event done = w.f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  REQUIRE_FALSE(push(w.s, w.repo, done));
  w.claim("agent-b", "B-1", "ui", 1);
  Event un = w.f.make(EventType::unclaim, "alice", "B-1", "coord");
  un.reason = "stale";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  REQUIRE(w.s.task("B-1").status == TaskStatus::todo);
  CHECK(stale_claims(w.s, w.d(), at_ms("2027-01-01T00:00:00Z")).empty());
}

TEST_CASE("stale: the threshold is the definitions' stale_after", "[dispatch]") {
  std::string yaml = testing::kQueueYaml;
  yaml.replace(yaml.find("stale_after: 1h"), 15, "stale_after: 2d");
  DispatchWorld w{yaml};
  w.claim("agent-a", "A-1", "backend", 1, "2026-11-25T10:00:00Z");
  CHECK(stale_claims(w.s, w.d(), at_ms("2026-11-27T10:00:00Z")).empty());
  CHECK(stale_claims(w.s, w.d(), at_ms("2026-11-27T10:00:01Z")).size() == 1);
}

TEST_CASE("stale: a clock behind the last activity, or an unreadable time, reports nothing", "[dispatch]") {
  DispatchWorld w;
  w.claim("agent-a", "A-1", "backend", 1, "2026-11-25T10:00:00Z");
  CHECK(stale_claims(w.s, w.d(), at_ms("2026-11-24T10:00:00Z")).empty());
  w.s.task_mut("A-1").last_activity = "not a time";
  CHECK(stale_claims(w.s, w.d(), at_ms("2027-01-01T00:00:00Z")).empty());
}

TEST_CASE("stale: every stale claim is reported, each once", "[dispatch]") {
  DispatchWorld w;
  w.claim("agent-a", "A-1", "backend", 1, "2026-11-25T08:00:00Z");
  w.claim("agent-b", "B-1", "ui", 1, "2026-11-25T09:30:00Z");
  w.claim("agent-b2", "B-PIN", "ui", 2, "2026-11-25T07:00:00Z");
  auto stale = stale_claims(w.s, w.d(), at_ms("2026-11-25T10:00:00Z"));
  CHECK(stale.size() == 2);
  CHECK(stale_ids(stale) == std::set<std::string>{"A-1", "B-PIN"});  // B-1 idled only 30m
}
