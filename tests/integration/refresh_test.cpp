// refresh after base moves, walked end to end: a bare origin, a coordinator checkout, lanes from
// `lanes setup`, a reviewer in a separate clone. A definitions commit on base (the one supported
// way to add a follow-up task) puts a handed-off task behind base; `refresh` brings it back to
// merge-ready with its approvals, and a conflict or a failing check leaves everything as it was.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;
using json = nlohmann::json;

namespace {

const char* kRefreshYaml = R"(version: 1
policy:
  base: main
  remote: origin
  protect_base: false  # the tests move base by hand, standing in for other tasks' merges
roles:
  backend: { kind: delivery, lanes: 1 }
  arch: { kind: review }
  coord: { kind: coordinator }
actors:
  agent-a: { roles: [backend], model: m1 }
  rev: { roles: [arch], model: m3 }
  alice: { roles: [coord], human: true }
reviews:
  routes:
    - { paths: ["**"], require: [arch] }
tasks:
  - id: A-1
    title: first backend task
    role: backend
    acceptance_checks: ["test -f feature.txt", "test ! -f poison"]
)";

const char* kFollowUp = R"(  - id: A-2
    title: follow-up found in review of A-1
    role: backend
    depends_on: [A-1]
)";

// The coordinator's checkout with its lanes, and A-1 handed off from the backend lane and
// approved by a reviewer in a clone of its own. Origin runs the pre-receive hook, and alice (the
// human coordinator) has a key: a definitions change must be signed by her to reach base.
struct Daily {
  Sandbox sb;
  std::string origin, coord, lane, reviewer, work;
  Daily() {
    std::filesystem::create_directories(sb.path("keys"));
    REQUIRE(sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", sb.path("keys/alice")}).code == 0);
    std::string pub = sb.read("keys/alice.pub");
    while (!pub.empty() && pub.back() == '\n') pub.pop_back();
    std::string yaml = kRefreshYaml;
    const std::string human = "alice: { roles: [coord], human: true }";
    yaml.replace(yaml.find(human), human.size(), "alice: { roles: [coord], human: true, key: \"" + pub + "\" }");
    origin = sb.make_origin("origin.git", yaml);
    REQUIRE(sb.aq(origin, {"install-hooks"}).code == 0);
    coord = sb.clone(origin, "coord");
    Run setup = sb.aq(coord, {"lanes", "setup"});
    INFO(setup.all());
    REQUIRE(setup.code == 0);
    lane = sb.path("coord-backend");
    REQUIRE(sb.aq(lane, {"claim", "A-1"}).code == 0);
    work = sb.commit_file(lane, "feature.txt", "feature\n", "A-1: the feature");
    Run check = sb.aq(lane, {"check", "A-1"});
    INFO(check.all());
    REQUIRE(check.code == 0);
    Run handoff = sb.aq(lane, {"handoff", "A-1"});
    INFO(handoff.all());
    REQUIRE(handoff.code == 0);
    REQUIRE(sb.git_ok(origin, {"rev-parse", "refs/heads/agent/backend"}) == work);
    reviewer = sb.clone(origin, "reviewer");
    Run review = sb.aq(reviewer, {"review", "A-1", "--decision", "approved", "--commit", work, "--actor", "rev"});
    INFO(review.all());
    REQUIRE(review.code == 0);
    REQUIRE(sb.aq(coord, {"sync"}).code == 0);
    REQUIRE(ready()["ok"] == true);
  }
  // A commit on origin's base, made in the coordinator's checkout.
  std::string move_base(const std::string& file, const std::string& content, const std::string& message) {
    const std::string c = sb.commit_file(coord, file, content, message);
    sb.git_ok(coord, {"push", "-q", "origin", "main"});
    return c;
  }
  // A definitions change, signed by alice as origin requires (doc/security.md).
  std::string change_definitions(const std::string& yaml, const std::string& message) {
    sb.write("coord/.agentq/queue.yaml", yaml);
    sb.git_ok(coord, {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + sb.path("keys/alice"), "commit", "-q", "-S",
                      "-am", message});
    Run push = sb.git(coord, {"push", "-q", "origin", "main"});
    INFO(push.all());
    REQUIRE(push.code == 0);
    return sb.git_ok(coord, {"rev-parse", "HEAD"});
  }
  json ready() {
    Run r = sb.aq(coord, {"merge-ready", "A-1", "--json"});
    return json::parse(r.out);
  }
  std::vector<std::string> codes() {
    std::vector<std::string> out;
    const json j = ready();
    for (const auto& i : j["items"]) out.push_back(i["code"]);
    return out;
  }
  std::string log_tip() const { return sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}); }
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("refresh: a follow-up task added on base, then refresh brings the task back to merge-ready with its approval",
          "[refresh]") {
  Daily d;
  // The one supported way to add a task: a definitions commit on base, signed by a human
  // coordinator. Unsigned, origin refuses it.
  const std::string yaml = d.sb.read("coord/.agentq/queue.yaml") + kFollowUp;
  d.sb.write("coord/.agentq/queue.yaml", yaml);
  d.sb.git_ok(d.coord, {"commit", "-q", "-am", "queue: add follow-up A-2 (unsigned)"});
  Run unsigned_push = d.sb.git(d.coord, {"push", "-q", "origin", "main"});
  CHECK(unsigned_push.code != 0);
  CHECK(unsigned_push.err.find("DEFS_UNAUTHORISED") != std::string::npos);
  d.sb.git_ok(d.coord, {"reset", "-q", "--hard", "HEAD^"});
  const std::string defs = d.change_definitions(yaml, "queue: add follow-up A-2");
  REQUIRE(d.sb.aq(d.coord, {"sync"}).code == 0);
  CHECK(contains(d.codes(), "NOT_BASED_ON_BASE"));
  json a2 = d.sb.aq_json(d.coord, {"show", "A-2"});
  CHECK(a2["status"] == "todo");

  Run r = d.sb.aq(d.lane, {"refresh", "A-1"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("approvals of " + d.work.substr(0, 7)) != std::string::npos);
  const std::string rebased = d.sb.git_ok(d.lane, {"rev-parse", "HEAD"});
  CHECK(rebased != d.work);
  CHECK(d.sb.git_ok(d.lane, {"rev-parse", "HEAD^"}) == defs);  // on top of the definitions commit
  CHECK(d.sb.git_ok(d.origin, {"rev-parse", "refs/heads/agent/backend"}) == rebased);
  CHECK(d.sb.git_ok(d.lane, {"status", "--porcelain"}).empty());

  // Merge-ready again with the old approval, and the coordinator merges it.
  json ready = d.ready();
  INFO(ready.dump());
  CHECK(ready["ok"] == true);
  json show = d.sb.aq_json(d.coord, {"show", "A-1"});
  CHECK(show["handoff"]["commit"] == rebased);
  Run merge = d.sb.aq(d.coord, {"merge", "A-1", "--actor", "alice"});
  INFO(merge.all());
  REQUIRE(merge.code == 0);
  CHECK(d.sb.git_ok(d.origin, {"rev-parse", "main"}) == rebased);
  // A-2 can start now.
  json ready_list = d.sb.aq_json(d.coord, {"ready"});
  CHECK(ready_list.dump().find("A-2") != std::string::npos);

  // Again after the merge: the task is done, nothing to refresh.
  CHECK(d.sb.aq(d.lane, {"refresh", "A-1"}).code == 3);
  Run v = d.sb.aq(d.coord, {"validate"});
  INFO(v.all());
  CHECK(v.code == 0);
}

TEST_CASE("refresh: --json reports the rebase, the checks and the handoff, and a second run is a no-op", "[refresh]") {
  Daily d;
  d.move_base("unrelated.txt", "u\n", "someone else's merge");
  Run r = d.sb.aq(d.lane, {"refresh", "A-1", "--json"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  json j = json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["noop"] == false);
  CHECK(j["old_commit"] == d.work);
  CHECK(j["base"] == "origin/main");
  CHECK(j["patch_unchanged"] == true);
  CHECK(j["checks"].size() == 2);
  CHECK(j["checks"][0]["result"] == "pass");
  CHECK(j["handoff"]["commit"] == j["commit"]);
  CHECK(d.ready()["ok"] == true);

  json again = d.sb.aq_json(d.lane, {"refresh", "A-1"});
  CHECK(again["ok"] == true);
  CHECK(again["noop"] == true);
  CHECK(again["commit"] == j["commit"]);
}

TEST_CASE("refresh: a conflict stops with REBASE_CONFLICT and leaves branch, worktree, remote and log as they were",
          "[refresh]") {
  Daily d;
  d.move_base("feature.txt", "someone else's feature\n", "a conflicting merge");
  const std::string log_before = d.log_tip();
  Run r = d.sb.aq(d.lane, {"refresh", "A-1"});
  INFO(r.all());
  CHECK(r.code == 3);
  CHECK(r.err.find("REBASE_CONFLICT") != std::string::npos);
  CHECK(r.err.find("feature.txt") != std::string::npos);
  CHECK(d.sb.git_ok(d.lane, {"rev-parse", "HEAD"}) == d.work);
  CHECK(d.sb.git_ok(d.lane, {"status", "--porcelain"}).empty());
  CHECK(d.sb.git_ok(d.origin, {"rev-parse", "refs/heads/agent/backend"}) == d.work);
  CHECK(d.log_tip() == log_before);
  CHECK(d.sb.git_ok(d.coord, {"worktree", "list", "--porcelain"}).find("agentq-check") == std::string::npos);
}

TEST_CASE("refresh: a failing check stops with EVIDENCE_FAILED, records it, and leaves the branch as it was",
          "[refresh]") {
  Daily d;
  d.move_base("poison", "x\n", "base now breaks A-1's check");
  Run r = d.sb.aq(d.lane, {"refresh", "A-1"});
  INFO(r.all());
  CHECK(r.code == 3);
  CHECK(r.err.find("EVIDENCE_FAILED") != std::string::npos);
  CHECK(r.out.find("fail  test ! -f poison") != std::string::npos);
  CHECK(d.sb.git_ok(d.lane, {"rev-parse", "HEAD"}) == d.work);
  CHECK(d.sb.git_ok(d.origin, {"rev-parse", "refs/heads/agent/backend"}) == d.work);
  json show = d.sb.aq_json(d.coord, {"show", "A-1"});
  CHECK(show["handoff"]["commit"] == d.work);
  CHECK(show["status"] == "in_review");
}

TEST_CASE("refresh: refuses a dirty lane, a branch moved past the handoff, and an actor without the claim", "[refresh]") {
  Daily d;
  d.move_base("unrelated.txt", "u\n", "someone else's merge");
  SECTION("dirty lane") {
    d.sb.write("coord-backend/scratch.txt", "wip\n");
    Run r = d.sb.aq(d.lane, {"refresh", "A-1"});
    CHECK(r.code == 3);
    CHECK(r.err.find("WORKTREE_DIRTY") != std::string::npos);
    CHECK(d.sb.read("coord-backend/scratch.txt") == "wip\n");
  }
  SECTION("work not handed off yet") {
    const std::string later = d.sb.commit_file(d.lane, "more.txt", "more\n", "more work");
    Run r = d.sb.aq(d.lane, {"refresh", "A-1"});
    CHECK(r.code == 3);
    CHECK(r.err.find("ILLEGAL_TRANSITION") != std::string::npos);
    CHECK(d.sb.git_ok(d.lane, {"rev-parse", "HEAD"}) == later);
  }
  SECTION("neither the owner here nor a coordinator") {
    Run r = d.sb.aq(d.reviewer, {"refresh", "A-1", "--actor", "rev"});
    CHECK(r.code == 3);
    CHECK(r.err.find("ROLE_MISMATCH") != std::string::npos);
  }
  SECTION("a coordinator may refresh from its own checkout") {
    Run r = d.sb.aq(d.coord, {"refresh", "A-1", "--actor", "alice"});
    INFO(r.all());
    REQUIRE(r.code == 0);
    CHECK(d.sb.git_ok(d.lane, {"rev-parse", "HEAD"}) != d.work);
    CHECK(d.ready()["ok"] == true);
  }
}
