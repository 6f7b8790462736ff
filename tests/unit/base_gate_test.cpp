#include <catch2/catch.hpp>

#include "core/base_gate.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

// A-1 handed off at c (commits 1 and c); merge-ready once its acceptance check passed.
struct GateFixture {
  testing::FakeRepo repo{with_release(testing::kQueueYaml)};
  testing::EventFactory f;
  QueueState s;
  static std::string with_release(std::string y) {
    y.replace(y.find("  stale_after: 1h\n"), 17, "  stale_after: 1h\n  release: rel\n  exempt: { paths: [\"doc/**\"] }\n");
    return y;
  }
  GateFixture() {
    REQUIRE_FALSE(push(s, repo, f.init()));
    Event c = f.claim("agent-a", "A-1", "backend");
    REQUIRE_FALSE(push(s, repo, c));
    Event h = f.handoff("agent-a", "A-1", "backend", c.id);
    h.commits = {hex40('1'), hex40('c')};
    REQUIRE_FALSE(push(s, repo, h));
  }
  void pass_a1() { REQUIRE_FALSE(push(s, repo, f.acceptance("agent-a", "A-1", "true", "pass"))); }
};

}  // namespace

TEST_CASE("base gate: commits of a task that is not merge-ready are refused with its items", "[gate]") {
  GateFixture g;
  auto r = judge_base_commits(g.s, g.repo.defs(), {{hex40('c'), {hex40('1')}, "dev@x", {"services/x.go"}, ""}});
  REQUIRE(r.refused.size() == 1);
  CHECK(r.refused[0].task == "A-1");
  CHECK(r.refused[0].commit == hex40('c'));
  CHECK(r.refused[0].why.code == Code::EVIDENCE_MISSING);
  CHECK(r.refused[0].why.message.find("work of A-1, which is not merge-ready") != std::string::npos);
  CHECK(merge_ready_tasks(g.s, g.repo.defs()).empty());
}

TEST_CASE("base gate: merge-ready work, merges of it, definitions and exempt changes pass", "[gate]") {
  GateFixture g;
  g.pass_a1();
  CHECK(merge_ready_tasks(g.s, g.repo.defs()) == std::vector<std::string>{"A-1"});
  std::vector<BaseCommit> added = {
      {hex40('7'), {hex40('6'), hex40('c')}, "dev@x", {"f"}, ""},      // a merge bringing A-1 in
      {hex40('c'), {hex40('1')}, "dev@x", {"services/x.go"}, ""},      // the handoff commit
      {hex40('1'), {hex40('0')}, "dev@x", {"services/y.go"}, ""},      // an earlier commit of it
      {hex40('3'), {hex40('0')}, "dev@x", {".agentq/queue.yaml"}, "alice"},  // definitions only, signed by a human
      {hex40('4'), {hex40('0')}, "dev@x", {"doc/a.md"}, ""},            // exempt path
  };
  auto r = judge_base_commits(g.s, g.repo.defs(), added);
  CHECK(r.ok());
  CHECK(r.tasks == std::vector<std::string>{"A-1"});
}

TEST_CASE("base gate: a stray commit is refused, an overridden one passes loudly", "[gate]") {
  GateFixture g;
  g.pass_a1();
  Event o = g.f.make(EventType::override_, "alice", "B-1");
  o.reason = "prod down";
  o.commit = hex40('5');
  o.commits = {hex40('5')};
  REQUIRE_FALSE(push(g.s, g.repo, o));
  auto r = judge_base_commits(g.s, g.repo.defs(),
                              {{hex40('9'), {hex40('5')}, "dev@x", {"src/x.c"}, ""}, {hex40('5'), {hex40('0')}, "dev@x", {"src/h.c"}, ""}});
  REQUIRE(r.refused.size() == 1);
  CHECK(r.refused[0].commit == hex40('9'));
  CHECK(r.refused[0].task.empty());
  CHECK(r.refused[0].why.code == Code::UNTRACKED_BASE_COMMIT);
  REQUIRE(r.overridden.size() == 1);
  CHECK(r.overridden[0].message.find("override of B-1 by alice") != std::string::npos);
}

TEST_CASE("base gate: done work passes (the push that records done lands base too)", "[gate]") {
  GateFixture g;
  g.pass_a1();
  g.repo.merged.insert(hex40('c'));
  Event done = g.f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  REQUIRE_FALSE(push(g.s, g.repo, done));
  auto r = judge_base_commits(g.s, g.repo.defs(), {{hex40('c'), {hex40('1')}, "dev@x", {"services/x.go"}, ""}});
  CHECK(r.ok());
}

TEST_CASE("release guard and promote replay: humans only, base commits only, promoted SHAs only", "[gate][promote]") {
  GateFixture g;
  g.repo.merged.insert(hex40('c'));
  CHECK(judge_release(g.s, g.repo.defs(), hex40('c'), false)->code == Code::RELEASE_NOT_IN_BASE);
  CHECK(judge_release(g.s, g.repo.defs(), hex40('c'), true)->code == Code::RELEASE_NOT_PROMOTED);
  Event p = g.f.make(EventType::promote, "agent-a");
  p.release = "rel";
  p.commit = hex40('c');
  p.risks = "none";
  p.rollback = "revert";
  CHECK(push(g.s, g.repo, p) == Code::NOT_HUMAN);
  p.actor = "alice";
  p.id = "p2";
  p.commit = hex40('9');  // not on base
  CHECK(push(g.s, g.repo, p) == Code::RELEASE_NOT_IN_BASE);
  p.id = "p3";
  p.commit = hex40('c');
  p.release = "other";
  CHECK(push(g.s, g.repo, p) == Code::EVENT_INVALID);
  p.id = "p4";
  p.release = "rel";
  CHECK_FALSE(push(g.s, g.repo, p));
  REQUIRE(g.s.promotions.size() == 1);
  CHECK(g.s.promotions[0].commit == hex40('c'));
  CHECK_FALSE(judge_release(g.s, g.repo.defs(), hex40('c'), true));
  CHECK(judge_release(g.s, g.repo.defs(), hex40('c'), false)->code == Code::RELEASE_NOT_IN_BASE);
}
