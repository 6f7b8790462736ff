// Handoff, review and merge-ready rules (core/replay.cpp, core/merge_ready.cpp, core/routing.cpp).
#include <catch2/catch.hpp>

#include "core/merge_ready.h"
#include "core/routing.h"
#include "core/rules.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

const char* kYaml = R"(version: 1
policy: { base: main }
roles:
  backend: { kind: delivery, lanes: 3 }
  arch: { kind: review }
  gov: { kind: review }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend], model: m1 }
  dev-arch: { roles: [backend, arch], model: m9 }
  archie: { roles: [arch], model: m2 }
  twin: { roles: [arch], model: m1 }
  govvy: { roles: [gov], model: m3 }
  alice: { roles: [coord], human: true }
reviews:
  routes:
    - { paths: ["doc/api/**"], require: [arch] }
    - { paths: ["**/auth/**", "scripts/ci/**"], require: [gov] }
high_risk_paths: ["**/terminal/**"]
tasks:
  - { id: F, role: backend, acceptance_checks: ["make test", "make lint"] }
  - { id: D, role: backend, kind: defect }
  - { id: H, role: backend, risk: high }
  - { id: N, role: backend, no_merge: true }
)";

struct World {
  testing::FakeRepo repo{kYaml};
  testing::EventFactory f;
  QueueState s;
  World() { REQUIRE_FALSE(push(s, repo, f.init())); }
  std::string claim(const std::string& task, const std::string& actor = "dev") {
    Event c = f.claim(actor, task, "backend", *pick_lane(s, d(), *d().task(task), std::nullopt));
    REQUIRE_FALSE(push(s, repo, c));
    return c.id;
  }
  const Definitions& d() const { return repo.defs(); }
  std::vector<Code> items(const std::string& task, RepoFacts facts = {}) {
    std::vector<Code> out;
    for (const auto& i : merge_ready_items(s, d(), *d().task(task), facts, true)) out.push_back(i.code);
    return out;
  }
};

}  // namespace

TEST_CASE("routing: changed files pick reviewer roles, risk from risk: high or high_risk_paths", "[review]") {
  testing::FakeRepo repo{kYaml};
  const Definitions& d = repo.defs();
  CHECK(routed_roles(d, {"services/x.go"}).empty());
  CHECK(routed_roles(d, {"doc/api/v1.yaml"}) == std::vector<std::string>{"arch"});
  CHECK(routed_roles(d, {"web/auth/a.ts", "doc/api/x", "scripts/ci/run"}) == std::vector<std::string>{"arch", "gov"});
  CHECK(is_high_risk(d, *d.task("H"), {}));
  CHECK(is_high_risk(d, *d.task("F"), {"cmd/terminal/main.go"}));
  CHECK_FALSE(is_high_risk(d, *d.task("F"), {"cmd/x.go"}));
}

TEST_CASE("handoff: owner only, under its claim, from in_progress or in_review", "[review]") {
  World w;
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", "no-such-claim")) == Code::CLAIM_FENCED);
  std::string c = w.claim("F");
  CHECK(push(w.s, w.repo, w.f.handoff("dev-arch", "F", "backend", c)) == Code::CLAIM_FENCED);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c)));
  CHECK(w.s.task("F").status == TaskStatus::in_review);
  CHECK(w.s.task("F").handoff->files == std::vector<std::string>{"services/x.go"});
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c, hex40('7'))));  // a newer handoff
  CHECK(w.s.task("F").handoff->commit == hex40('7'));
}

TEST_CASE("handoff: files must match the commits, and listed evidence must exist", "[review]") {
  World w;
  std::string c = w.claim("F");
  w.repo.files[hex40('b') + ".." + hex40('c')] = {"doc/api/v1.yaml", "services/x.go"};
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c)) == Code::EVENT_INVALID);  // hides doc/api
  Event ok = w.f.handoff("dev", "F", "backend", c, hex40('c'), {"doc/api/v1.yaml", "services/x.go"});
  ok.evidence = {"nope"};
  CHECK(push(w.s, w.repo, ok) == Code::EVENT_INVALID);
  ok.evidence.clear();
  w.repo.non_ancestors.insert(hex40('b') + ".." + hex40('c'));
  CHECK(push(w.s, w.repo, ok) == Code::EVENT_INVALID);
}

TEST_CASE("handoff: defects need a root cause, an owning file that exists and a passing proof", "[review]") {
  World w;
  std::string c = w.claim("D");
  Event h = w.f.handoff("dev", "D", "backend", c);
  CHECK(push(w.s, w.repo, h) == Code::ROOT_CAUSE_MISSING);
  h.root_cause = "retries were unbounded";
  h.owning_file = "services/retry.go";
  h.proof_command = "go test ./services -run TestRetryBound";
  w.repo.missing_paths.insert(hex40('c') + ":services/retry.go");
  CHECK(push(w.s, w.repo, h) == Code::ROOT_CAUSE_MISSING);
  w.repo.missing_paths.clear();
  CHECK(push(w.s, w.repo, h) == Code::ROOT_CAUSE_MISSING);  // proof has no evidence
  Event proof = w.f.evidence("dev", "D", "pass");
  proof.command = h.proof_command;
  REQUIRE_FALSE(push(w.s, w.repo, proof));
  CHECK_FALSE(push(w.s, w.repo, h));
}

TEST_CASE("handoff: high-risk work needs passing code_anchor and runtime evidence", "[review]") {
  World w;
  std::string c = w.claim("H");
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "H", "backend", c)) == Code::REALITY_CHECK_MISSING);
  Event anchor = w.f.evidence("dev", "H", "pass");
  anchor.kind = "code_anchor";
  REQUIRE_FALSE(push(w.s, w.repo, anchor));
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "H", "backend", c)) == Code::REALITY_CHECK_MISSING);
  Event runtime = w.f.evidence("dev", "H", "fail");
  runtime.kind = "runtime";
  REQUIRE_FALSE(push(w.s, w.repo, runtime));
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "H", "backend", c)) == Code::REALITY_CHECK_MISSING);  // it failed
  runtime = w.f.evidence("dev", "H", "pass");
  runtime.kind = "runtime";
  REQUIRE_FALSE(push(w.s, w.repo, runtime));
  CHECK_FALSE(push(w.s, w.repo, w.f.handoff("dev", "H", "backend", c)));
  // a normal task touching a high_risk_paths file is high-risk too
  std::string c2 = w.claim("F");
  CHECK(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c2, hex40('c'), {"cmd/terminal/x.go"})) ==
        Code::REALITY_CHECK_MISSING);
}

TEST_CASE("review: reviewer role, the handed-off commit, no self-approval, same model only with a note", "[review]") {
  World w;
  std::string c = w.claim("F", "dev-arch");
  Event h = w.f.handoff("dev-arch", "F", "backend", c, hex40('c'), {"doc/api/v1.yaml"});
  CHECK(push(w.s, w.repo, w.f.review("archie", "F", "arch", "approved")) == Code::HANDOFF_MISSING);
  REQUIRE_FALSE(push(w.s, w.repo, h));
  CHECK(push(w.s, w.repo, w.f.review("dev", "F", "backend", "approved")) == Code::ROLE_MISMATCH);  // not a review role
  CHECK(push(w.s, w.repo, w.f.review("archie", "F", "gov", "approved")) == Code::ROLE_MISMATCH);   // not held
  CHECK(push(w.s, w.repo, w.f.review("archie", "F", "arch", "approved", hex40('9'))) == Code::REVIEW_STALE);
  CHECK(push(w.s, w.repo, w.f.review("dev-arch", "F", "arch", "approved")) == Code::SELF_APPROVAL);
  REQUIRE_FALSE(push(w.s, w.repo, w.f.review("archie", "F", "arch", "approved")));
  CHECK(w.s.task("F").reviews.size() == 1);
}

TEST_CASE("review: same model needs an exception note (policy exception_note)", "[review]") {
  World w;
  std::string c = w.claim("F");  // dev runs m1
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c, hex40('c'), {"doc/api/v1.yaml"})));
  CHECK(push(w.s, w.repo, w.f.review("twin", "F", "arch", "approved")) == Code::SAME_MODEL_REVIEW);
  Event noted = w.f.review("twin", "F", "arch", "approved");
  noted.exception_note = "second model unavailable this week; reviewed line by line";
  CHECK_FALSE(push(w.s, w.repo, noted));
}

TEST_CASE("review: changes requested sends the task back, a new handoff goes back to review", "[review]") {
  World w;
  std::string c = w.claim("F");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c, hex40('c'), {"doc/api/v1.yaml"})));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.review("archie", "F", "arch", "changes_requested")));
  CHECK(w.s.task("F").status == TaskStatus::in_progress);
  CHECK(push(w.s, w.repo, w.f.review("archie", "F", "arch", "approved")) == Code::ILLEGAL_TRANSITION);
  auto codes = w.items("F");
  CHECK(std::find(codes.begin(), codes.end(), Code::REVIEW_CHANGES_REQUESTED) != codes.end());
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c, hex40('e'), {"doc/api/v1.yaml"})));
  CHECK(w.s.task("F").status == TaskStatus::in_review);
  codes = w.items("F");
  CHECK(std::find(codes.begin(), codes.end(), Code::REVIEW_MISSING) != codes.end());
}

TEST_CASE("merge-ready: every failing item at once", "[review]") {
  World w;
  CHECK(w.items("F") == std::vector<Code>{Code::HANDOFF_MISSING});
  std::string c = w.claim("F");
  REQUIRE_FALSE(push(w.s, w.repo, w.f.handoff("dev", "F", "backend", c, hex40('c'), {"doc/api/x", "web/auth/y"})));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("dev", "F", "make lint", "fail")));
  RepoFacts facts;
  facts.based_on_base = false;
  facts.base_name = "origin/main";
  facts.worktree_clean = false;
  auto items = merge_ready_items(w.s, w.d(), *w.d().task("F"), facts, true);
  std::vector<Code> codes;
  for (const auto& i : items) codes.push_back(i.code);
  CHECK(codes == std::vector<Code>{Code::EVIDENCE_MISSING, Code::EVIDENCE_FAILED, Code::REVIEW_MISSING,
                                   Code::REVIEW_MISSING, Code::NOT_BASED_ON_BASE, Code::WORKTREE_DIRTY});
  CHECK(items[2].role == "arch");
  CHECK(items[3].role == "gov");
  CHECK(items[0].fix == "git agentq check F --commit " + hex40('c'));
}

TEST_CASE("merge-ready: approvals bind to the commit and survive only trivial rebases", "[review]") {
  World w;
  std::string c = w.claim("F");
  Event h1 = w.f.handoff("dev", "F", "backend", c, hex40('c'), {"doc/api/v1.yaml"});
  h1.patch_id = "same-patch";
  REQUIRE_FALSE(push(w.s, w.repo, h1));
  REQUIRE_FALSE(push(w.s, w.repo, w.f.review("archie", "F", "arch", "approved")));
  for (auto check : {"make test", "make lint"}) {
    REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("dev", "F", check, "pass", hex40('c'))));
    REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("dev", "F", check, "pass", hex40('7'))));
    REQUIRE_FALSE(push(w.s, w.repo, w.f.acceptance("dev", "F", check, "pass", hex40('e'))));
  }
  CHECK(w.items("F").empty());
  Event rebased = w.f.handoff("dev", "F", "backend", c, hex40('7'), {"doc/api/v1.yaml"});
  rebased.patch_id = "same-patch";
  REQUIRE_FALSE(push(w.s, w.repo, rebased));
  CHECK(w.items("F").empty());  // the approval is copied across a trivial rebase
  Event changed = w.f.handoff("dev", "F", "backend", c, hex40('e'), {"doc/api/v1.yaml"});
  changed.patch_id = "other-patch";
  REQUIRE_FALSE(push(w.s, w.repo, changed));
  CHECK(w.items("F") == std::vector<Code>{Code::REVIEW_STALE});
}

TEST_CASE("merge-ready: open findings block every merge until voided", "[review]") {
  World w;
  LogEntry bad;
  bad.commit = hex40('a');
  bad.error = Error(Code::EVENT_INVALID, "garbage");
  replay_entry(w.s, bad, w.repo);
  auto codes = w.items("F");
  CHECK(codes.front() == Code::EVENT_INVALID);
}

TEST_CASE("done: no_merge tasks skip the merge when the policy allows it", "[review]") {
  std::string yaml = kYaml;
  yaml.replace(yaml.find("policy: { base: main }"), 22, "policy: { base: main, allow_no_merge: true }");
  testing::FakeRepo repo{yaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Event c = f.claim("dev", "N", "backend");
  REQUIRE_FALSE(push(s, repo, c));
  REQUIRE_FALSE(push(s, repo, f.status("dev", "N", "backend", "done", c.id)));
  CHECK(s.task("N").status == TaskStatus::done);
}
