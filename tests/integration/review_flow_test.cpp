// The review workflow's rules, enforced: check, handoff, review routing, merge-ready, merge, git-check.
#include <cstdio>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

const char* kYaml = R"(version: 1
policy:
  base: main
  check_timeout: 30s
roles:
  backend: { kind: delivery, lanes: 2 }
  D-arch: { kind: review }
  E-governance: { kind: review }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend], model: model-x }
  dev2: { roles: [backend], model: model-x }
  archie: { roles: [D-arch], model: model-y }
  twin: { roles: [D-arch], model: model-x }
  govvy: { roles: [E-governance], model: model-z }
  hybrid: { roles: [backend, D-arch], model: model-h }
  alice: { roles: [coord], human: true }
reviews:
  routes:
    - { paths: ["doc/api/**", "doc/architecture/**"], require: [D-arch] }
    - { paths: ["doc/governance/**", "scripts/ci/**", "**/auth/**"], require: [E-governance] }
high_risk_paths: ["**/terminal/**"]
tasks:
  - id: FEAT
    title: api change
    role: backend
    acceptance_checks:
      - test -f doc/api/v1.yaml
      - grep -q v doc/api/v1.yaml
  - id: CRIT
    title: critical scope
    role: backend
    acceptance_checks: ["true"]
  - id: BUG
    title: a defect
    role: backend
    kind: defect
  - id: RISKY
    title: terminal work
    role: backend
    risk: high
  - id: SLOW
    role: backend
    acceptance_checks: ["sleep 31"]
  - id: LOUD
    role: backend
    acceptance_checks: ["yes output | head -c 400000", "true"]
)";

struct Flow {
  Sandbox sb;
  std::string repo;
  Flow() : repo(sb.make_queue("repo", kYaml)) {}
  // Claims `task` as `actor`, commits `files` on the lane branch, runs the checks, hands off.
  std::string work(const std::string& task, const std::map<std::string, std::string>& files,
                   const std::string& actor = "dev", const std::string& branch = "agent/backend-1") {
    REQUIRE(sb.aq(repo, {"claim", task, "--actor", actor, "--branch", branch}).code == 0);
    sb.git_ok(repo, {"checkout", "-q", "-B", branch, "main"});
    std::string head;
    for (const auto& [f, content] : files) head = sb.commit_file(repo, f, content, "work on " + task);
    return head;
  }
  Run aq(std::vector<std::string> args, const std::string& actor) {
    args.push_back("--actor");
    args.push_back(actor);
    return sb.aq(repo, args);
  }
  nlohmann::json ready(const std::string& task) {
    Run r = sb.aq(repo, {"merge-ready", task, "--json"});
    auto j = nlohmann::json::parse(r.out);
    CHECK(r.code == (j["ok"].get<bool>() ? 0 : 1));
    return j;
  }
  std::vector<std::string> codes(const std::string& task) {
    std::vector<std::string> out;
    const nlohmann::json j = ready(task);  // not in the range expression: that temporary would dangle
    for (const auto& i : j["items"]) out.push_back(i["code"]);
    return out;
  }
};

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("review flow: the whole review path, changes requested to merge", "[review]") {
  Flow f;
  const std::string c1 = f.work("FEAT", {{"doc/api/v1.yaml", "x\n"}});
  Run check = f.aq({"check", "FEAT"}, "dev");
  CHECK(check.code == 1);  // grep -q v fails on "x"
  CHECK(check.out.find("[1/2] pass") != std::string::npos);
  CHECK(check.out.find("[2/2] fail") != std::string::npos);
  Run handoff = f.aq({"handoff", "FEAT", "--risks", "none", "--next", "metrics"}, "dev");
  REQUIRE(handoff.code == 0);
  CHECK(handoff.out.find("reviewers:            D-arch") != std::string::npos);
  auto items = f.codes("FEAT");
  CHECK(items == std::vector<std::string>{"EVIDENCE_FAILED", "REVIEW_MISSING"});
  // the reviewer asks for changes; the task is back in progress
  Run changes = f.aq({"review", "FEAT", "--decision", "changes_requested", "--commit", c1, "--note", "needs a version"},
                     "archie");
  REQUIRE(changes.code == 0);
  CHECK(f.sb.aq_json(f.repo, {"show", "FEAT"})["status"] == "in_progress");
  CHECK(has(f.codes("FEAT"), "REVIEW_CHANGES_REQUESTED"));
  // fix, new evidence, new handoff, re-review, merge
  const std::string c2 = f.sb.commit_file(f.repo, "doc/api/v1.yaml", "v1\n", "fix");
  REQUIRE(f.aq({"check", "FEAT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "FEAT"}, "dev").code == 0);
  CHECK(f.codes("FEAT") == std::vector<std::string>{"REVIEW_MISSING"});
  CHECK(f.ready("FEAT")["items"][0]["role"] == "D-arch");
  REQUIRE(f.aq({"review", "FEAT", "--decision", "approved", "--commit", c2}, "archie").code == 0);
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  auto ok = f.ready("FEAT");
  CHECK(ok["ok"] == true);
  CHECK(ok["commit"] == c2);
  Run merge = f.aq({"merge", "FEAT"}, "alice");
  INFO(merge.err);
  REQUIRE(merge.code == 0);
  CHECK(f.sb.git_ok(f.repo, {"rev-parse", "main"}) == c2);
  CHECK(f.sb.aq_json(f.repo, {"show", "FEAT"})["status"] == "done");
  CHECK(f.sb.git_ok(f.repo, {"status", "--porcelain"}).empty());
  // every evidence, handoff and review is a line in the note of the commit it names
  std::string notes = f.sb.git_ok(f.repo, {"notes", "--ref", "agentq", "show", c2});
  CHECK(notes.find("\"type\":\"evidence\"") != std::string::npos);
  CHECK(notes.find("\"type\":\"handoff\"") != std::string::npos);
  CHECK(notes.find("\"type\":\"review\"") != std::string::npos);
  CHECK(f.sb.aq(f.repo, {"validate"}).code == 0);
  CHECK(f.sb.aq(f.repo, {"git-check"}).code == 0);
}

TEST_CASE("review flow: a critical-scope change is routed to two reviewer roles", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}, {"services/auth/login.go", "b"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  auto h = nlohmann::json::parse(f.aq({"handoff", "CRIT", "--json"}, "dev").out);
  CHECK(h["reviewers"] == nlohmann::json::array({"D-arch", "E-governance"}));
  CHECK(h["handoff"]["files"] == nlohmann::json::array({"doc/api/x.md", "services/auth/login.go"}));
  auto j = f.ready("CRIT");
  std::vector<std::string> roles;
  for (auto& i : j["items"])
    if (i["code"] == "REVIEW_MISSING") roles.push_back(i["role"]);
  CHECK(roles == std::vector<std::string>{"D-arch", "E-governance"});
  // the board shows the review queue by reviewer role
  auto board = f.sb.aq_json(f.repo, {"status"});
  CHECK(board["review_queue"]["D-arch"] == nlohmann::json::array({"CRIT"}));
  CHECK(board["review_queue"]["E-governance"] == nlohmann::json::array({"CRIT"}));
  CHECK(f.sb.aq(f.repo, {"status"}).out.find("review queue") != std::string::npos);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "archie").code == 0);
  CHECK(f.codes("CRIT") == std::vector<std::string>{"REVIEW_MISSING"});
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "govvy").code == 0);
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  CHECK(f.ready("CRIT")["ok"] == true);
  board = f.sb.aq_json(f.repo, {"status"});
  CHECK(board["review_queue"].empty());
  CHECK(board["merge_ready"] == nlohmann::json::array({"CRIT"}));
  auto show = f.sb.aq_json(f.repo, {"show", "CRIT"});
  CHECK(show["reviewers"][0]["state"] == "approved");
  CHECK(show["merge_ready"]["ok"] == true);
}

TEST_CASE("review flow: self-approval and same-model review", "[review]") {
  Flow f;
  // dev holds no reviewer role; give the test a reviewer who also implements: twin shares dev's model
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  Run same = f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "twin");
  CHECK(same.code == 3);
  CHECK(same.err.find("error[SAME_MODEL_REVIEW]") != std::string::npos);
  CHECK(same.err.find("--exception-note") != std::string::npos);
  Run noted = f.aq({"review", "CRIT", "--decision", "approved", "--commit", c, "--exception-note",
                    "model-y reviewer out this week; reviewed line by line"},
                   "twin");
  CHECK(noted.code == 0);
  Run not_reviewer = f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "dev");
  CHECK(not_reviewer.code == 3);
  CHECK(not_reviewer.err.find("ROLE_MISMATCH") != std::string::npos);
  Run wrong_commit = f.aq({"review", "CRIT", "--decision", "approved", "--commit", "main"}, "archie");
  CHECK(wrong_commit.code == 3);
  CHECK(wrong_commit.err.find("REVIEW_STALE") != std::string::npos);
}

TEST_CASE("review flow: an approval goes stale on a new commit but survives a trivial rebase", "[review]") {
  Flow f;
  const std::string c1 = f.work("CRIT", {{"doc/api/x.md", "a\n"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c1}, "archie").code == 0);
  // main moves on; the branch is rebased without changing its patch
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  f.sb.commit_file(f.repo, "unrelated.txt", "u", "unrelated");
  f.sb.git_ok(f.repo, {"checkout", "-q", "agent/backend-1"});
  f.sb.git_ok(f.repo, {"rebase", "-q", "main"});
  const std::string c2 = f.sb.git_ok(f.repo, {"rev-parse", "HEAD"});
  REQUIRE(c2 != c1);
  // git agrees that the patch is unchanged
  Run p1 = f.sb.sh(f.repo, "git diff " + c1 + "~1 " + c1 + " | git patch-id --stable");
  Run p2 = f.sb.sh(f.repo, "git diff " + c2 + "~1 " + c2 + " | git patch-id --stable");
  CHECK(p1.out.substr(0, 40) == p2.out.substr(0, 40));
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  auto h2 = nlohmann::json::parse(f.aq({"handoff", "CRIT", "--json"}, "dev").out);
  CHECK(h2["handoff"]["patch_id"] == p2.out.substr(0, 40));
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  CHECK(f.ready("CRIT")["ok"] == true);  // the approval carried over
  // a real change makes it stale
  f.sb.git_ok(f.repo, {"checkout", "-q", "agent/backend-1"});
  const std::string c3 = f.sb.commit_file(f.repo, "doc/api/x.md", "changed\n", "change");
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  auto stale = f.ready("CRIT");
  REQUIRE(stale["items"].size() >= 1);
  CHECK(stale["items"][0]["code"] == "REVIEW_STALE");
  CHECK(stale["items"][0]["commit"] == c3);
}

TEST_CASE("review flow: a defect needs its root cause, owning file and a passing proof", "[review]") {
  Flow f;
  const std::string c = f.work("BUG", {{"services/retry.go", "fixed"}});
  Run bare = f.aq({"handoff", "BUG"}, "dev");
  CHECK(bare.code == 3);
  CHECK(bare.err.find("error[ROOT_CAUSE_MISSING]") != std::string::npos);
  Run missing_file = f.aq({"handoff", "BUG", "--root-cause", "unbounded retries", "--owning-file", "services/nope.go",
                           "--proof-command", "go test ./services"},
                          "dev");
  CHECK(missing_file.code == 3);
  CHECK(missing_file.err.find("does not exist") != std::string::npos);
  Run no_proof = f.aq({"handoff", "BUG", "--root-cause", "unbounded retries", "--owning-file", "services/retry.go",
                       "--proof-command", "go test ./services"},
                      "dev");
  CHECK(no_proof.code == 3);
  CHECK(no_proof.err.find("no passing evidence") != std::string::npos);
  REQUIRE(f.aq({"evidence", "BUG", "--command", "go test ./services", "--exit-code", "0", "--kind", "runtime"}, "dev")
              .code == 0);
  Run ok = f.aq({"handoff", "BUG", "--root-cause", "unbounded retries", "--owning-file", "services/retry.go",
                 "--proof-command", "go test ./services"},
                "dev");
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(ok.out.find("root cause:           unbounded retries") != std::string::npos);
  (void)c;
}

TEST_CASE("review flow: high-risk work needs code-anchor and runtime evidence", "[review]") {
  Flow f;
  f.work("RISKY", {{"cmd/x.go", "x"}});
  Run refused = f.aq({"handoff", "RISKY"}, "dev");
  CHECK(refused.code == 3);
  CHECK(refused.err.find("error[REALITY_CHECK_MISSING]") != std::string::npos);
  REQUIRE(f.aq({"evidence", "RISKY", "--command", "rg -q terminal.open cmd/x.go", "--exit-code", "0", "--kind",
                "code_anchor"},
               "dev")
              .code == 0);
  REQUIRE(f.aq({"evidence", "RISKY", "--command", "go test ./cmd -run TestOpen", "--exit-code", "0", "--kind", "runtime"},
               "dev")
              .code == 0);
  CHECK(f.aq({"handoff", "RISKY"}, "dev").code == 0);
  // a normal task that touches a high_risk_paths file is high-risk too
  f.work("CRIT", {{"cmd/terminal/open.go", "x"}}, "dev2", "agent/backend-2");
  CHECK(f.aq({"check", "CRIT"}, "dev2").code == 0);
  Run touched = f.aq({"handoff", "CRIT"}, "dev2");
  CHECK(touched.code == 3);
  CHECK(touched.err.find("REALITY_CHECK_MISSING") != std::string::npos);
}

TEST_CASE("review flow: a check that times out is a recorded failure and its processes die", "[review]") {
  Flow f;
  f.work("SLOW", {{"f", "x"}});
  Run r = f.aq({"check", "SLOW", "--timeout", "1", "--json"}, "dev");
  CHECK(r.code == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["checks"][0]["result"] == "fail");
  CHECK(j["checks"][0]["timed_out"] == true);
  CHECK(j["checks"][0]["exit_code"] == 124);
  std::string log = f.sb.git_ok(f.repo, {"cat-file", "-p", "refs/agent-queue/log:logs/1.log"});
  CHECK(log.find("[timed out after 1.0s") != std::string::npos);
  CHECK(f.sb.run({"pgrep", "-f", "^sleep 31$"}).code != 0);  // killed with its process group
}

TEST_CASE("review flow: large output is capped in the attachment, with the truncation noted", "[review]") {
  Flow f;
  f.work("LOUD", {{"f", "x"}});
  auto j = nlohmann::json::parse(f.aq({"check", "LOUD", "--json"}, "dev").out);
  CHECK(j["ok"] == true);
  CHECK(j["checks"][0]["log_bytes"] == 400000);
  std::string event = f.sb.git_ok(f.repo, {"log", "-1", "--skip=1", "--format=%b", "refs/agent-queue/log"});
  CHECK(event.find("\"log_bytes\":400000") != std::string::npos);
  std::string log = f.sb.git_ok(f.repo, {"cat-file", "-p", "refs/agent-queue/log~1:logs/1.log"});
  CHECK(log.size() < 300000);
  CHECK(log.find("[truncated: 400000 bytes") != std::string::npos);
}

TEST_CASE("review flow: checks run in a clean worktree at the commit, never in the user's tree", "[review]") {
  Flow f;
  const std::string c = f.work("FEAT", {{"doc/api/v1.yaml", "v\n"}});
  // uncommitted junk in the user's tree that would make the check fail if it ran there
  f.sb.write("repo/doc/api/v1.yaml", "broken\n");
  Run r = f.aq({"check", "FEAT"}, "dev");
  CHECK(r.code == 0);
  CHECK(f.sb.read("repo/doc/api/v1.yaml") == "broken\n");  // untouched
  CHECK(f.sb.git_ok(f.repo, {"worktree", "list"}).find("agentq-check") == std::string::npos);  // cleaned up
  auto show = f.sb.aq_json(f.repo, {"show", "FEAT"});
  CHECK(show["evidence"][0]["commit"] == c);
  CHECK(show["evidence"][0]["kind"] == "acceptance");
}

TEST_CASE("review flow: merge refuses what is not merge-ready, not a fast-forward, or a dirty tree", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  Run unreviewed = f.aq({"merge", "CRIT"}, "alice");
  CHECK(unreviewed.code == 3);
  CHECK(unreviewed.err.find("error[REVIEW_MISSING]") != std::string::npos);
  CHECK(f.sb.git_ok(f.repo, {"rev-parse", "main"}) != c);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "archie").code == 0);
  f.sb.write("repo/scratch.txt", "uncommitted");
  Run dirty = f.aq({"merge", "CRIT"}, "alice");
  CHECK(dirty.code == 3);
  CHECK(dirty.err.find("error[WORKTREE_DIRTY]") != std::string::npos);
  std::remove(f.sb.path("repo/scratch.txt").c_str());
  // main moved: the handoff no longer contains its tip
  f.sb.commit_file(f.repo, "other.txt", "o", "other work on main");
  Run stale_base = f.aq({"merge", "CRIT"}, "alice");
  CHECK(stale_base.code == 3);
  CHECK(stale_base.err.find("NOT_BASED_ON_BASE") != std::string::npos);
  CHECK(f.sb.aq_json(f.repo, {"show", "CRIT"})["status"] == "in_review");
  // set-status done lists the same items
  Run done = f.aq({"set-status", "CRIT", "done"}, "alice");
  CHECK(done.code == 3);
}

TEST_CASE("review flow: with a remote, merge pushes base, log and notes atomically or not at all", "[review]") {
  Flow f;
  std::string yaml = kYaml;
  yaml.replace(yaml.find("  base: main\n"), 13, "  base: main\n  remote: origin\n");
  const std::string origin = f.sb.path("origin.git");
  f.sb.git_ok(f.sb.root(), {"init", "-q", "--bare", "-b", "main", origin});
  const std::string repo = f.sb.make_repo("coord", yaml);
  f.sb.git_ok(repo, {"remote", "add", "origin", origin});
  f.sb.git_ok(repo, {"push", "-q", "origin", "main"});
  REQUIRE(f.sb.aq(repo, {"init"}).code == 0);
  f.repo = repo;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);  // pushes agent/backend-1
  CHECK(f.sb.git_ok(origin, {"rev-parse", "refs/heads/agent/backend-1"}) == c);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "archie").code == 0);
  f.sb.git_ok(repo, {"checkout", "-q", "main"});
  f.sb.git_ok(repo, {"push", "-q", "origin", "refs/agent-queue/log:refs/agent-queue/log", "refs/notes/agentq:refs/notes/agentq"});
  f.sb.git_ok(repo, {"fetch", "-q", "origin"});

  SECTION("origin's base moved on: nothing is merged or recorded, the tree stays clean") {
    const std::string other = f.sb.path("other");
    f.sb.git_ok(f.sb.root(), {"clone", "-q", origin, other});
    f.sb.commit_file(other, "README", "someone else\n");
    f.sb.git_ok(other, {"push", "-q", "origin", "HEAD:main"});
    const std::string theirs = f.sb.git_ok(origin, {"rev-parse", "main"});
    const std::string log_before = f.sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
    const std::string main_before = f.sb.git_ok(repo, {"rev-parse", "main"});
    Run merge = f.aq({"merge", "CRIT"}, "alice");
    CHECK(merge.code == 3);
    CHECK(merge.err.find("NOT_BASED_ON_BASE") != std::string::npos);
    CHECK(f.sb.git_ok(repo, {"rev-parse", "main"}) == main_before);
    CHECK(f.sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == log_before);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "main"}) == theirs);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == log_before);
    CHECK(f.sb.git_ok(repo, {"status", "--porcelain"}).empty());
    CHECK(f.sb.aq_json(repo, {"show", "CRIT"})["status"] == "in_review");
  }
  SECTION("origin's queue moved on: the merge is rebuilt on its tip and lands") {
    const std::string other = f.sb.path("other");
    f.sb.git_ok(f.sb.root(), {"clone", "-q", origin, other});
    REQUIRE(f.sb.aq(other, {"sync"}).code == 0);
    REQUIRE(f.sb.aq(other, {"evidence", "CRIT", "--command", "extra", "--result", "pass", "--actor", "dev2"}).code == 0);
    const std::string theirs = f.sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});
    Run merge = f.aq({"merge", "CRIT"}, "alice");
    INFO(merge.err);
    REQUIRE(merge.code == 0);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "main"}) == c);
    CHECK(f.sb.git_ok(repo, {"rev-parse", "main"}) == c);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log^"}) == theirs);
    CHECK(f.sb.git_ok(repo, {"status", "--porcelain"}).empty());
  }
  SECTION("accepted: all three refs land together") {
    Run merge = f.aq({"merge", "CRIT"}, "alice");
    INFO(merge.err);
    REQUIRE(merge.code == 0);
    CHECK(merge.out.find("pushed to origin") != std::string::npos);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "main"}) == c);
    CHECK(f.sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == f.sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}));
    CHECK(f.sb.git_ok(origin, {"rev-parse", "refs/notes/agentq"}) == f.sb.git_ok(repo, {"rev-parse", "refs/notes/agentq"}));
  }
}

TEST_CASE("review flow: git-check finds missing branches, branches held twice and done commits off base", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "archie").code == 0);
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  REQUIRE(f.aq({"merge", "CRIT"}, "alice").code == 0);
  CHECK(f.sb.aq(f.repo, {"git-check"}).code == 0);
  REQUIRE(f.sb.aq(f.repo, {"claim", "FEAT", "--actor", "dev", "--branch", "agent/gone"}).code == 0);
  REQUIRE(f.sb.aq(f.repo, {"claim", "BUG", "--actor", "dev2", "--branch", "agent/gone"}).code == 0);
  // the done commit disappears from main (a force-push, reproduced locally)
  f.sb.git_ok(f.repo, {"reset", "-q", "--hard", "main~1"});
  Run r = f.sb.aq(f.repo, {"git-check", "--json"});
  CHECK(r.code == 1);
  std::set<std::string> codes;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const auto& x : j["findings"]) codes.insert(x["code"]);
  CHECK(codes == std::set<std::string>{"NOT_MERGED", "BRANCH_MISSING", "BRANCH_IN_USE"});
  // the rewind does not cascade through the log: the done event stays legal and validate
  // reports exactly the one done task whose commit left base
  auto v = f.sb.aq_json(f.repo, {"validate"});
  REQUIRE(v["findings"].size() == 1);
  CHECK(v["findings"][0]["code"] == "NOT_MERGED");
  CHECK(v["findings"][0]["task"] == "CRIT");
  CHECK(f.sb.aq_json(f.repo, {"show", "CRIT"})["status"] == "done");
  CHECK(f.sb.aq_json(f.repo, {"show", "BUG"})["status"] == "in_progress");
}

TEST_CASE("review flow: an implementer never approves its own work", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}}, "hybrid");
  REQUIRE(f.aq({"check", "CRIT"}, "hybrid").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "hybrid").code == 0);
  Run self = f.aq({"review", "CRIT", "--decision", "approved", "--commit", c, "--role", "D-arch"}, "hybrid");
  CHECK(self.code == 3);
  CHECK(self.err.find("error[SELF_APPROVAL]") != std::string::npos);
  CHECK(f.sb.aq_json(f.repo, {"show", "CRIT"})["reviews"].empty());
}

TEST_CASE("review flow: merge refuses a base branch checked out in another worktree", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"doc/api/x.md", "a"}});
  REQUIRE(f.aq({"check", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"handoff", "CRIT"}, "dev").code == 0);
  REQUIRE(f.aq({"review", "CRIT", "--decision", "approved", "--commit", c}, "archie").code == 0);
  f.sb.git_ok(f.repo, {"checkout", "-q", "--detach"});
  f.sb.git_ok(f.repo, {"worktree", "add", "-q", f.sb.path("coord"), "main"});
  Run r = f.aq({"merge", "CRIT"}, "alice");
  CHECK(r.code == 3);
  CHECK(r.err.find("error[BRANCH_IN_USE]") != std::string::npos);
  CHECK(r.err.find(f.sb.path("coord")) != std::string::npos);
  Run there = f.sb.aq(f.sb.path("coord"), {"merge", "CRIT", "--actor", "alice"});
  INFO(there.err);
  CHECK(there.code == 0);
  CHECK(f.sb.git_ok(f.sb.path("coord"), {"rev-parse", "HEAD"}) == c);
}

TEST_CASE("review flow: a handoff never names (or pushes) the base branch", "[review]") {
  Flow f;
  const std::string c = f.work("CRIT", {{"src/x.c", "int x;\n"}});
  f.sb.git_ok(f.repo, {"checkout", "-q", "main"});
  f.sb.git_ok(f.repo, {"merge", "-q", "--ff-only", c});  // the work sits on main locally
  const std::string log_before = f.sb.git_ok(f.repo, {"rev-parse", "refs/agent-queue/log"});
  Run r = f.aq({"handoff", "CRIT", "--commit", c, "--branch", "main"}, "dev");
  CHECK(r.code == 2);
  CHECK(r.err.find("protected branch") != std::string::npos);
  CHECK(f.sb.git_ok(f.repo, {"rev-parse", "refs/agent-queue/log"}) == log_before);
  // Without --branch, the claim's branch is named, not the checked-out base.
  Run ok = f.aq({"handoff", "CRIT", "--commit", c}, "dev");
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(f.sb.aq_json(f.repo, {"show", "CRIT"})["handoff"]["branch"] == "agent/backend-1");
}
