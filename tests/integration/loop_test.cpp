// The single-clone queue loop: init -> ready -> claim -> evidence -> set-status, on a real repo.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

TEST_CASE("loop: init, ready, claim, evidence, done", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_repo("repo");
  Run init = sb.aq(repo, {"init"});
  REQUIRE(init.code == 0);
  CHECK(init.out.find("initialised the queue on main") != std::string::npos);
  const std::string root = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/agent-queue/log"}) == "1");

  // ready: YAML order, dependency-gated, lanes considered
  auto ready = sb.aq_json(repo, {"ready"});
  std::vector<std::string> ids;
  for (auto& t : ready["ready"]) ids.push_back(t["id"]);
  CHECK(ids == std::vector<std::string>{"A-1", "B-1", "B-2", "B-3", "B-PIN"});

  Run claim = sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"});
  REQUIRE(claim.code == 0);
  CHECK(claim.out.find("claimed A-1 as agent-a (backend, lane 1, branch agent/backend)") != std::string::npos);
  auto shown = sb.aq_json(repo, {"show", "A-1"});
  CHECK(shown["status"] == "in_progress");
  CHECK(shown["owner"] == "agent-a");
  CHECK(shown["lane"] == 1);
  CHECK(shown["branch"] == "agent/backend");
  const std::string claim_id = shown["claim"];
  // the claim id lives in this worktree's git dir
  CHECK(sb.read("repo/.git/agentq/claim/A-1").find(claim_id) != std::string::npos);

  const std::string work = sb.commit_file(repo, "services/x.go", "package x\n");
  Run ev = sb.aq(repo, {"evidence", "A-1", "--command", "go test ./services/...", "--exit-code", "0", "--kind", "runtime",
                        "--actor", "agent-a"});
  REQUIRE(ev.code == 0);
  shown = sb.aq_json(repo, {"show", "A-1"});
  REQUIRE(shown["evidence"].size() == 1);
  CHECK(shown["evidence"][0]["result"] == "pass");
  CHECK(shown["evidence"][0]["commit"] == work);
  CHECK(shown["evidence"][0]["exit_code"] == 0);
  // the notes view shows the evidence on the implementation commit
  Run notes = sb.git(repo, {"log", "-1", "--format=%N", "--notes=agentq", work});
  CHECK(notes.out.find("\"command\":\"go test ./services/...\"") != std::string::npos);
  // notes.displayRef makes a plain git log show them too
  CHECK(sb.git_ok(repo, {"log", "-1", work}).find("Notes (agentq)") != std::string::npos);

  // done needs a handoff and merge-ready: the acceptance check, then the handoff
  Run refused = sb.aq(repo, {"set-status", "A-1", "done", "--commit", "HEAD", "--actor", "agent-a"});
  CHECK(refused.code == 3);
  CHECK(refused.err.find("HANDOFF_MISSING") != std::string::npos);
  REQUIRE(sb.aq(repo, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"handoff", "A-1", "--actor", "agent-a"}).code == 0);
  Run done = sb.aq(repo, {"set-status", "A-1", "done", "--actor", "agent-a"});
  INFO(done.err);
  REQUIRE(done.code == 0);
  shown = sb.aq_json(repo, {"show", "A-1"});
  CHECK(shown["status"] == "done");
  CHECK(shown["done"]["commit"] == work);

  // A-2 depended on A-1 and is now ready
  ready = sb.aq_json(repo, {"ready", "--role", "backend"});
  REQUIRE(ready["ready"].size() == 1);
  CHECK(ready["ready"][0]["id"] == "A-2");

  // the log is a linear chain rooted at the init event, with a reflog
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/agent-queue/log"}) == "6");
  CHECK(sb.git_ok(repo, {"rev-list", "--max-parents=0", "refs/agent-queue/log"}) == root);
  CHECK(sb.git_ok(repo, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  CHECK(sb.git_ok(repo, {"reflog", "show", "--format=%H", "refs/agent-queue/log"}).find(root) != std::string::npos);
  // each event commit: subject, blank line, canonical JSON
  std::string msg = sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"});
  CHECK(msg.rfind("status A-1 -> done by agent-a\n\n{\"actor\":\"agent-a\"", 0) == 0);

  Run validate = sb.aq(repo, {"validate"});
  INFO(validate.err);
  CHECK(validate.code == 0);
  CHECK(validate.out.rfind("ok: 6 events", 0) == 0);
  CHECK(sb.git(repo, {"fsck", "--strict"}).code == 0);
  CHECK(sb.git_ok(repo, {"status", "--porcelain"}).empty());
}

TEST_CASE("loop: init is idempotent and never writes a second root", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  Run again = sb.aq(repo, {"init"});
  CHECK(again.code == 0);
  CHECK(again.out.find("already initialised") != std::string::npos);
  CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == tip);
  CHECK(sb.git_ok(repo, {"config", "--get-all", "notes.displayRef"}) == "refs/notes/agentq");
}

TEST_CASE("loop: dependency gating", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  Run r = sb.aq(repo, {"claim", "A-2", "--actor", "agent-a"});
  CHECK(r.code == 3);
  CHECK(r.err.find("error[DEP_NOT_DONE]") != std::string::npos);
  CHECK(r.err.find("A-1 (todo)") != std::string::npos);
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/agent-queue/log"}) == "1");
  auto ready = sb.aq_json(repo, {"ready", "--role", "backend"});
  REQUIRE(ready["ready"].size() == 1);
  CHECK(ready["ready"][0]["id"] == "A-1");
}

TEST_CASE("loop: lane capacity and pinned lanes", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  auto c1 = sb.aq_json(repo, {"claim", "B-1", "--actor", "agent-b"});
  CHECK(c1["lane"] == 1);
  CHECK(c1["branch"] == "agent/ui-1");  // ui has two lanes: every lane gets the suffix
  auto c2 = sb.aq_json(repo, {"claim", "B-2", "--actor", "agent-b2"});
  CHECK(c2["lane"] == 2);
  Run busy = sb.aq(repo, {"claim", "B-3", "--actor", "agent-b"});
  CHECK(busy.code == 3);
  CHECK(busy.err.find("error[LANE_BUSY]") != std::string::npos);
  auto ready = sb.aq_json(repo, {"ready", "--role", "ui"});
  CHECK(ready["ready"].empty());
  Run next = sb.aq(repo, {"claim", "--next", "--role", "ui", "--actor", "agent-b"});
  CHECK(next.code == 3);
  CHECK(next.err.find("error[NOTHING_READY]") != std::string::npos);
  // the pinned task waits for lane 2 even when lane 1 frees up
  REQUIRE(sb.aq(repo, {"unclaim", "B-1", "--actor", "alice", "--reason", "reassign"}).code == 0);
  Run pinned = sb.aq(repo, {"claim", "B-PIN", "--actor", "agent-b"});
  CHECK(pinned.code == 3);
  CHECK(pinned.err.find("LANE_BUSY") != std::string::npos);
  Run wrong_lane = sb.aq(repo, {"claim", "B-PIN", "--lane", "1", "--actor", "agent-b"});
  CHECK(wrong_lane.code == 2);
  auto next_ok = sb.aq_json(repo, {"claim", "--next", "--role", "ui", "--actor", "agent-b"});
  CHECK(next_ok["task"] == "B-1");
  CHECK(next_ok["lane"] == 1);
}

TEST_CASE("loop: owners act under their claim, coordinators without one, released claims are fenced", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  Run blocked = sb.aq(repo, {"set-status", "A-1", "blocked", "--reason", "waiting on infra", "--blocked-by", "B-1",
                             "--actor", "agent-a"});
  REQUIRE(blocked.code == 0);
  auto s = sb.aq_json(repo, {"show", "A-1"});
  CHECK(s["status"] == "blocked");
  CHECK(s["blocked"]["reason"] == "waiting on infra");
  CHECK(s["blocked"]["blocked_by"] == "B-1");
  REQUIRE(sb.aq(repo, {"set-status", "A-1", "in_progress", "--actor", "agent-a"}).code == 0);
  // the coordinator releases the claim; the agent's next move is fenced
  REQUIRE(sb.aq(repo, {"unclaim", "A-1", "--actor", "alice", "--reason", "stale"}).code == 0);
  Run fenced = sb.aq(repo, {"set-status", "A-1", "blocked", "--reason", "x", "--actor", "agent-a"});
  CHECK(fenced.code == 3);
  CHECK(fenced.err.find("error[CLAIM_FENCED]") != std::string::npos);
  CHECK(fenced.err.find("claim the task again") != std::string::npos);
  // evidence is a fact about a commit and is not fenced
  CHECK(sb.aq(repo, {"evidence", "A-1", "--command", "make", "--result", "fail", "--actor", "agent-a"}).code == 0);
  // someone without the role or a coordinator role cannot move the task
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  Run other = sb.aq(repo, {"set-status", "A-1", "blocked", "--reason", "x", "--actor", "rev"});
  CHECK(other.code == 3);
  CHECK(other.err.find("ROLE_MISMATCH") != std::string::npos);
  // done needs the handed-off commit on base
  sb.git_ok(repo, {"checkout", "-q", "-b", "agent/backend"});
  const std::string unmerged = sb.commit_file(repo, "x", "x");
  REQUIRE(sb.aq(repo, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"handoff", "A-1", "--actor", "agent-a"}).code == 0);
  Run not_merged = sb.aq(repo, {"set-status", "A-1", "done", "--actor", "agent-a"});
  CHECK(not_merged.code == 3);
  CHECK(not_merged.err.find("error[NOT_MERGED]") != std::string::npos);
  sb.git_ok(repo, {"checkout", "-q", "main"});
  sb.git_ok(repo, {"merge", "-q", "--ff-only", "agent/backend"});
  Run wrong = sb.aq(repo, {"set-status", "A-1", "done", "--commit", "HEAD~1", "--actor", "alice"});
  CHECK(wrong.code != 0);
  Run merged = sb.aq(repo, {"set-status", "A-1", "done", "--commit", unmerged, "--actor", "alice"});
  INFO(merged.err);
  CHECK(merged.code == 0);
  Run again = sb.aq(repo, {"set-status", "A-1", "in_progress", "--actor", "alice"});
  CHECK(again.code == 3);
  CHECK(again.err.find("ILLEGAL_TRANSITION") != std::string::npos);
  CHECK(sb.aq(repo, {"validate"}).code == 0);
}

TEST_CASE("loop: an event id makes a retry a no-op and a reuse an error", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  auto first = sb.aq_json(repo, {"claim", "A-1", "--actor", "agent-a", "--event-id", "retry-1"});
  CHECK(first["noop"] == false);
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  auto second = sb.aq_json(repo, {"claim", "A-1", "--actor", "agent-a", "--event-id", "retry-1"});
  CHECK(second["ok"] == true);
  CHECK(second["noop"] == true);
  CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == tip);
  Run reuse = sb.aq(repo, {"claim", "B-1", "--actor", "agent-b", "--event-id", "retry-1"});
  CHECK(reuse.code == 3);
  CHECK(reuse.err.find("error[DUPLICATE_EVENT_ID]") != std::string::npos);
}

TEST_CASE("loop: status board and log", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  auto st = sb.aq_json(repo, {"status"});
  CHECK(st["roles"]["backend"]["in_progress"] == 1);
  CHECK(st["roles"]["ui"]["in_progress"] == 1);
  CHECK(st["roles"]["ui"]["ready"] == 3);  // B-2, B-3 and the lane-2 pin can all take lane 2
  CHECK(st["events"] == 3);
  CHECK(st["findings"] == 0);
  Run text = sb.aq(repo, {"status"});
  CHECK(text.out.find("in progress") != std::string::npos);
  CHECK(text.out.find("A-1") != std::string::npos);
  auto log = sb.aq_json(repo, {"log", "A-1"});
  REQUIRE(log["events"].size() == 1);
  CHECK(log["events"][0]["event"]["type"] == "claim");
  Run logtext = sb.aq(repo, {"log", "-n", "1"});
  CHECK(logtext.out.find("claim B-1 by agent-b") != std::string::npos);
}

TEST_CASE("loop: actor from AGENTQ_ACTOR and agentq.actor, and per-worktree config is honoured", "[loop]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  CHECK(sb.aq(repo, {"claim", "A-1"}, {{"AGENTQ_ACTOR", "agent-a"}}).code == 0);
  sb.git_ok(repo, {"config", "agentq.actor", "agent-b"});
  auto c = sb.aq_json(repo, {"claim", "B-1"});
  CHECK(c["actor"] == "agent-b");
  // environment beats config, flag beats environment
  CHECK(sb.aq(repo, {"claim", "B-2"}, {{"AGENTQ_ACTOR", "agent-b2"}}).code == 0);
  CHECK(sb.aq_json(repo, {"show", "B-2"})["owner"] == "agent-b2");
  // libgit2 ignores config.worktree: a linked worktree's own actor must still be seen
  sb.git_ok(repo, {"config", "extensions.worktreeConfig", "true"});
  sb.git_ok(repo, {"worktree", "add", "-q", "-b", "lane", sb.path("lane")});
  sb.git_ok(sb.path("lane"), {"config", "--worktree", "agentq.actor", "alice"});
  Run un = sb.aq(sb.path("lane"), {"unclaim", "B-1", "--json"});
  INFO(un.err);
  CHECK(un.code == 0);
  CHECK(sb.aq_json(repo, {"log", "-n", "1"})["events"][0]["event"]["actor"] == "alice");
}
