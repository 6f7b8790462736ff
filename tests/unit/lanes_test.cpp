#include <catch2/catch.hpp>

#include "core/board.h"
#include "core/lanes.h"
#include "fake_repo.h"

using namespace agentq;
using testing::push;

namespace {
std::vector<Code> codes(const std::vector<ReadyItem>& items) {
  std::vector<Code> out;
  for (const auto& i : items) out.push_back(i.code);
  return out;
}
}  // namespace

TEST_CASE("lanes: one per delivery and review lane, suffixed exactly when the role has several", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  auto lanes = plan_lanes(repo.defs(), "proj");
  std::vector<std::string> names, branches, dirs;
  for (const auto& l : lanes) {
    names.push_back(l.name);
    branches.push_back(l.branch);
    dirs.push_back(l.dir);
  }
  CHECK(names == std::vector<std::string>{"backend", "ui-1", "ui-2", "arch"});
  CHECK(branches == std::vector<std::string>{"agent/backend", "agent/ui-1", "agent/ui-2", "agent/arch"});
  CHECK(dirs == std::vector<std::string>{"proj-backend", "proj-ui-1", "proj-ui-2", "proj-arch"});
  CHECK(lanes[1].review_branch == "review/ui-1");
  CHECK(lanes[3].kind == RoleKind::review);
}

TEST_CASE("lanes: names resolve to lanes, roles with dashes included", "[lanes]") {
  const std::string yaml = std::string(testing::kQueueYaml);
  testing::FakeRepo repo{yaml};
  const Definitions& d = repo.defs();
  CHECK(find_lane(d, "p", "backend")->name == "backend");
  CHECK(find_lane(d, "p", "ui-2")->lane == 2);
  CHECK(find_lane(d, "p", "ui").error().code == Code::USAGE);      // which lane?
  CHECK(find_lane(d, "p", "ui-3").error().code == Code::USAGE);    // out of range
  CHECK(find_lane(d, "p", "backend-1").error().code == Code::USAGE);
  CHECK(find_lane(d, "p", "coord").error().code == Code::USAGE);   // no lane for coordinators
  CHECK(find_lane(d, "p", "nope").error().code == Code::UNKNOWN_ROLE);
  CHECK(lane_of_branch(d, "p", "refs/heads/agent/ui-1")->name == "ui-1");
  CHECK_FALSE(lane_of_branch(d, "p", "agent/ui"));

  testing::FakeRepo dashed{R"(version: 1
policy: { base: main }
roles:
  A-backend: { kind: delivery, lanes: 1 }
  B-ui: { kind: delivery, lanes: 2 }
tasks: []
)"};
  CHECK(find_lane(dashed.defs(), "p", "A-backend")->branch == "agent/A-backend");
  CHECK(find_lane(dashed.defs(), "p", "B-ui-2")->branch == "agent/B-ui-2");
}

TEST_CASE("lanes: actors are dealt over the lanes of their role", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  auto lanes = plan_lanes(repo.defs(), "p");
  auto a = assign_actors(repo.defs(), lanes, {});
  CHECK(a["backend"] == "agent-a");
  CHECK(a["ui-1"] == "agent-b");
  CHECK(a["ui-2"] == "agent-b2");
  CHECK(a["arch"] == "rev");
  CHECK(assign_actors(repo.defs(), lanes, {{"ui-2", "agent-b"}})["ui-2"] == "agent-b");
}

TEST_CASE("lanes: teardown is refused for claimed work, dirty trees and unpushed commits", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Lane ui2 = *find_lane(repo.defs(), "p", "ui-2");
  LaneFacts facts;
  facts.worktree_exists = true;
  CHECK(teardown_blockers(s, ui2, facts).empty());

  REQUIRE_FALSE(push(s, repo, f.claim("agent-b", "B-PIN", "ui", 2)));
  facts.dirty = {" M web/a.ts"};
  facts.unpushed = {std::string(40, 'c')};
  facts.base_name = "origin/main";
  facts.remote = "origin";
  auto items = teardown_blockers(s, ui2, facts);
  CHECK(codes(items) == std::vector<Code>{Code::LANE_BUSY, Code::WORKTREE_DIRTY, Code::UNPUSHED_COMMITS});
  CHECK(items[0].message.find("B-PIN") != std::string::npos);
  CHECK(items[1].message.find("web/a.ts") != std::string::npos);
  CHECK(items[2].message.find("cccccccccccc") != std::string::npos);
  // The other lane of the role is free.
  CHECK(teardown_blockers(s, *find_lane(repo.defs(), "p", "ui-1"), LaneFacts{}).empty());
}

TEST_CASE("lanes: preflight reports every failing item at once", "[lanes]") {
  const std::string yaml = std::string(testing::kQueueYaml);
  std::string signed_yaml = yaml;
  signed_yaml.replace(signed_yaml.find("agent-b: { roles: [ui], model: m2 }"),
                      std::string("agent-b: { roles: [ui], model: m2 }").size(),
                      "agent-b: { roles: [ui], model: m2, key: \"ssh-ed25519 AAAAB3 agent-b@host\" }");
  testing::FakeRepo repo{signed_yaml};
  const Definitions& d = repo.defs();
  PreflightFacts good;
  good.head_branch = "refs/heads/agent/ui-1";
  good.based_on_base = true;
  good.base_name = "main";
  good.actor = "agent-b";
  good.signing_key = "ssh-ed25519 AAAAB3 other-comment";
  CHECK(preflight_items(d, "p", "ui", good).empty());
  CHECK(expected_hooks(d) == std::vector<std::string>{"pre-push", "pre-merge-commit", "reference-transaction"});

  PreflightFacts bad = good;
  bad.dirty = {"?? x"};
  bad.head_branch = "refs/heads/main";
  bad.based_on_base = false;
  bad.missing_hooks = {"pre-push"};
  bad.signing_key = "ssh-ed25519 BBBB";
  CHECK(codes(preflight_items(d, "p", "ui", bad)) ==
        std::vector<Code>{Code::WORKTREE_DIRTY, Code::NOT_ON_LANE_BRANCH, Code::NOT_BASED_ON_BASE,
                          Code::HOOKS_NOT_INSTALLED, Code::SIGNER_MISMATCH});

  PreflightFacts other = good;
  other.head_branch = "refs/heads/agent/backend";  // a lane branch, but of another role
  other.actor = "agent-a";                         // declares no key: nothing to compare
  other.signing_key.clear();
  CHECK(codes(preflight_items(d, "p", "ui", other)) == std::vector<Code>{Code::NOT_ON_LANE_BRANCH, Code::ROLE_MISMATCH});
  other.actor.clear();
  CHECK(codes(preflight_items(d, "p", "backend", other)) == std::vector<Code>{Code::UNKNOWN_ACTOR});
  PreflightFacts nokey = good;
  nokey.signing_key.clear();
  CHECK(codes(preflight_items(d, "p", "ui", nokey)) == std::vector<Code>{Code::SIGNER_MISMATCH});
}

TEST_CASE("board: tick reports status changes since the last snapshot", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  TickSnapshot first = snapshot(s, repo.defs());
  CHECK(first.status.at("A-1") == "todo");
  CHECK(tick_changes(first, s, repo.defs()).empty());
  REQUIRE_FALSE(push(s, repo, f.claim("agent-a", "A-1", "backend")));
  auto changes = tick_changes(first, s, repo.defs());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].task == "A-1");
  CHECK(changes[0].from == "todo");
  CHECK(changes[0].to == "in_progress");
  CHECK(tick_changes(TickSnapshot{}, s, repo.defs()).size() == repo.defs().tasks.size());
}

TEST_CASE("lanes: an OpenPGP signing key is a key id that ends the declared key's fingerprint", "[lanes]") {
  std::string yaml = testing::kQueueYaml;
  const std::string line = "agent-a: { roles: [backend], model: m1 }";
  yaml.replace(yaml.find(line), line.size(),
               "agent-a: { roles: [backend], model: m1, key: \"-----BEGIN PGP PUBLIC KEY BLOCK-----\\nx\\n-----END PGP PUBLIC KEY BLOCK-----\" }");
  testing::FakeRepo repo{yaml};
  PreflightFacts f;
  f.head_branch = "refs/heads/agent/backend";
  f.based_on_base = true;
  f.actor = "agent-a";
  f.declared_fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
  f.signing_key = "89abcdef01234567";
  CHECK(preflight_items(repo.defs(), "p", "backend", f).empty());
  f.signing_key = "0123456789ABCDEF0123456789ABCDEF01234567";
  CHECK(preflight_items(repo.defs(), "p", "backend", f).empty());
  f.signing_key = "1111111111111111";
  CHECK(codes(preflight_items(repo.defs(), "p", "backend", f)) == std::vector<Code>{Code::SIGNER_MISMATCH});
  f.signing_key = "4567";  // too short to name a key
  CHECK(codes(preflight_items(repo.defs(), "p", "backend", f)) == std::vector<Code>{Code::SIGNER_MISMATCH});
  f.declared_fingerprint.clear();
  f.signing_key = "89abcdef01234567";
  CHECK(codes(preflight_items(repo.defs(), "p", "backend", f)) == std::vector<Code>{Code::SIGNER_MISMATCH});
}

TEST_CASE("lanes: a lane's branch is the one plan_lanes gives it", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  const Definitions& d = repo.defs();
  CHECK(lane_branch(d, "backend", 1) == "agent/backend");
  CHECK(lane_branch(d, "ui", 2) == "agent/ui-2");
  CHECK(lane_branch(d, "undeclared", 3) == "agent/undeclared");
  for (const Lane& l : plan_lanes(d, "p")) CHECK(lane_branch(d, l.role, l.lane) == l.branch);
}

TEST_CASE("lanes: --assign names a lane and a declared actor", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  const Definitions& d = repo.defs();
  auto a = lane_assignments(d, "p", {"ui-2=agent-b", "backend=agent-a"});
  REQUIRE(a);
  CHECK(*a == std::map<std::string, std::string>{{"backend", "agent-a"}, {"ui-2", "agent-b"}});
  CHECK(lane_assignments(d, "p", {}).value().empty());
  CHECK(lane_assignments(d, "p", {"ui-2"}).error().code == Code::USAGE);
  CHECK(lane_assignments(d, "p", {"ui=agent-b"}).error().code == Code::USAGE);  // which lane of ui?
  CHECK(lane_assignments(d, "p", {"nope=agent-b"}).error().code == Code::UNKNOWN_ROLE);
  CHECK(lane_assignments(d, "p", {"ui-1=nobody"}).error().code == Code::UNKNOWN_ACTOR);
}

TEST_CASE("lanes: teardown keeps a branch that still holds work", "[lanes]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Lane ui2 = *find_lane(repo.defs(), "p", "ui-2");
  LaneFacts facts;
  CHECK_FALSE(keep_lane_branch(s, ui2, facts));  // no branch at all
  facts.branch_exists = true;
  CHECK_FALSE(keep_lane_branch(s, ui2, facts));  // nothing on it but what base has
  facts.unpushed = {std::string(40, 'c')};
  CHECK(keep_lane_branch(s, ui2, facts));
  facts.unpushed.clear();
  REQUIRE_FALSE(push(s, repo, f.claim("agent-b", "B-PIN", "ui", 2)));
  CHECK(keep_lane_branch(s, ui2, facts));
}

TEST_CASE("lanes: the launch layout has the coordinator first and quotes every name", "[lanes]") {
  const std::vector<LaunchPane> panes{{"coordinator", "/w/main"}, {"ui-1", "/w/it's-ui"}};
  const std::string tmux = launch_layout("tmux", "agentq-p", panes);
  CHECK(tmux.rfind("#!/bin/sh\n", 0) == 0);
  CHECK(tmux.find("S='agentq-p'\n") != std::string::npos);
  CHECK(tmux.find("tmux new-session -d -s \"$S\" -n lanes -c '/w/main'\n") != std::string::npos);
  CHECK(tmux.find("tmux split-window -t \"$S:lanes\" -c '/w/it'\\''s-ui'\n") != std::string::npos);
  CHECK(tmux.find("tmux select-pane -T 'ui-1'\n") != std::string::npos);
  CHECK(tmux.find("tmux split-window") == tmux.rfind("tmux split-window"));  // one split per lane

  const std::string kdl = launch_layout("zellij", "agentq-p", {{"coordinator", "/w/main"}, {"q\"1", "/w/a\\b"}});
  CHECK(kdl.find("    tab name=\"agentq-p\" {\n") != std::string::npos);
  CHECK(kdl.find("        pane name=\"coordinator\" cwd=\"/w/main\"\n") != std::string::npos);
  CHECK(kdl.find("        pane name=\"q\\\"1\" cwd=\"/w/a\\\\b\"\n") != std::string::npos);
}
