#include <catch2/catch.hpp>

#include "core/base_audit.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

TEST_CASE("base audit: done work, merges of it, definitions changes, exemptions and overrides are accounted", "[audit]") {
  std::string yaml = testing::kQueueYaml;
  yaml.replace(yaml.find("  stale_after: 1h\n"), 17, "  stale_after: 1h\n  exempt: { paths: [\"doc/**\"], authors: [\"bot@x\"] }\n");
  testing::FakeRepo repo{yaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Event c = f.claim("agent-a", "A-1", "backend");
  REQUIRE_FALSE(push(s, repo, c));
  REQUIRE_FALSE(push(s, repo, f.acceptance("agent-a", "A-1", "true", "pass")));
  Event h = f.handoff("agent-a", "A-1", "backend", c.id);
  h.commits = {hex40('1'), hex40('c')};
  REQUIRE_FALSE(push(s, repo, h));
  repo.merged.insert(hex40('c'));
  Event done = f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  REQUIRE_FALSE(push(s, repo, done));
  Event o = f.make(EventType::override_, "alice", "B-1");
  o.reason = "prod down";
  o.commit = hex40('5');
  o.commits = {hex40('5')};
  REQUIRE_FALSE(push(s, repo, o));
  Event c2 = f.claim("agent-b", "B-2", "ui", 1);
  REQUIRE_FALSE(push(s, repo, c2));
  Event h2 = f.handoff("agent-b", "B-2", "ui", c2.id, hex40('8'));
  h2.commits = {hex40('8')};
  REQUIRE_FALSE(push(s, repo, h2));

  std::vector<BaseCommit> base = {
      {hex40('9'), {hex40('8')}, "dev@x", {"src/x.c"}, ""},          // untracked
      {hex40('8'), {hex40('7')}, "dev@x", {"web/a.ts"}, ""},         // B-2's work, but B-2 is not done
      {hex40('7'), {hex40('6'), hex40('c')}, "dev@x", {"f"}, ""},    // a merge bringing A-1 in
      {hex40('6'), {hex40('5')}, "bot@x", {"src/y.c"}, ""},          // exempt author
      {hex40('5'), {hex40('4')}, "dev@x", {"src/hot.c"}, ""},        // overridden
      {hex40('4'), {hex40('3')}, "dev@x", {"doc/a.md"}, ""},         // exempt path
      {hex40('3'), {hex40('c')}, "dev@x", {".agentq/queue.yaml"}, "alice"},  // definitions change signed by a human
      {hex40('c'), {hex40('1')}, "dev@x", {"services/x.go"}, ""},    // done work
      {hex40('1'), {hex40('0')}, "dev@x", {"services/y.go"}, ""},    // done work (earlier commit of the handoff)
  };
  auto audit = audit_base(s, repo.defs(), base);
  REQUIRE(audit.untracked.size() == 2);
  CHECK(audit.untracked[0].commit == hex40('9'));
  CHECK(audit.untracked[0].message.find("belongs to no task") != std::string::npos);
  CHECK(audit.untracked[1].commit == hex40('8'));
  CHECK(audit.untracked[1].message.find("work of B-2, which is in_review") != std::string::npos);
  REQUIRE(audit.overridden.size() == 1);
  CHECK(audit.overridden[0].message.find("override of B-1 by alice: prod down") != std::string::npos);
}

TEST_CASE("base audit: a definitions change needs a human's signature or a task (DEFS_UNAUTHORISED)", "[audit]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  const BaseCommit unsigned_change{hex40('3'), {hex40('2')}, "dev@x", {".agentq/queue.yaml"}, ""};
  const BaseCommit mixed{hex40('4'), {hex40('3')}, "dev@x", {".agentq/queue.yaml", "src/x.c"}, "alice"};
  auto audit = audit_base(s, repo.defs(), {unsigned_change, mixed});
  REQUIRE(audit.untracked.size() == 2);
  CHECK(audit.untracked[0].code == Code::DEFS_UNAUTHORISED);
  CHECK(audit.untracked[0].commit == hex40('3'));
  CHECK(audit.untracked[1].code == Code::UNTRACKED_BASE_COMMIT);  // signed, but src/x.c still needs a task
  CHECK(audit_base(s, repo.defs(), {unsigned_change}, false).untracked.empty());  // a local commit, not governed
  CHECK(defs_unauthorised({hex40('5'), {hex40('4')}, "dev@x", {"src/x.c"}, ""}, repo.defs()) == std::nullopt);
}

TEST_CASE("override: only humans may record one", "[audit]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Event o = f.make(EventType::override_, "agent-a", "A-1");
  o.reason = "x";
  o.commit = hex40('5');
  CHECK(push(s, repo, o) == Code::NOT_HUMAN);
  o.actor = "alice";
  o.id = "other";
  CHECK_FALSE(push(s, repo, o));
  CHECK(s.overrides.size() == 1);
}
