// The daily loop without dead ends, walked end to end through the built binary: claims in lane
// worktrees made by `lanes setup`, the owner getting back in from a new clone, retries.
#include <algorithm>
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;
using json = nlohmann::json;

TEST_CASE("daily: a claim in a lane worktree takes that lane and its branch, --next needs no --role there", "[daily]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string ui1 = sb.path("repo-ui-1"), ui2 = sb.path("repo-ui-2");
  const std::string actor2 = sb.git_ok(ui2, {"config", "agentq.actor"});

  json c = sb.aq_json(ui2, {"claim", "B-1"});
  INFO(c.dump());
  CHECK(c["lane"] == 2);
  CHECK(c["branch"] == "agent/ui-2");
  // That lane holds a task now: another claim there is refused, not moved to lane 1.
  Run busy = sb.aq(ui2, {"claim", "B-2"});
  CHECK(busy.code == 3);
  CHECK(busy.err.find("LANE_BUSY") != std::string::npos);
  CHECK(sb.aq_json(repo, {"show", "B-2"})["status"] == "todo");

  // --next in a lane: the lane's role, the lane's branch.
  Run next = sb.aq(ui1, {"claim", "--next", "--json"});
  INFO(next.all());
  REQUIRE(next.code == 0);
  json n = json::parse(next.out);
  CHECK(n["task"] == "B-2");
  CHECK(n["lane"] == 1);
  CHECK(n["branch"] == "agent/ui-1");

  // The handoff from lane 2 names lane 2's branch.
  const std::string work = sb.commit_file(ui2, "ui.txt", "ui\n", "B-1");
  json h = sb.aq_json(ui2, {"handoff", "B-1"});
  CHECK(h["handoff"]["branch"] == "agent/ui-2");
  CHECK(h["handoff"]["commit"] == work);
  (void)actor2;

  // Outside a lane, an actor with one delivery role needs no --role either.
  Run single = sb.aq(repo, {"claim", "--next", "--actor", "agent-a", "--json"});
  INFO(single.all());
  REQUIRE(single.code == 0);
  CHECK(json::parse(single.out)["task"] == "A-1");
}

TEST_CASE("daily: the owner gets back in from a new clone, the old handle is fenced", "[daily]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string first = sb.clone(origin, "first");
  REQUIRE(sb.aq(first, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.git_ok(first, {"checkout", "-q", "-b", "agent/backend"});
  const std::string work = sb.commit_file(first, "a.txt", "a\n", "A-1");
  REQUIRE(sb.aq(first, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(first, {"handoff", "A-1", "--actor", "agent-a"}).code == 0);

  // A new clone has no claim handle: the owner's events are fenced until it claims again.
  const std::string second = sb.clone(origin, "second");
  Run fenced = sb.aq(second, {"set-status", "A-1", "blocked", "--reason", "waiting", "--actor", "agent-a"});
  CHECK(fenced.code == 3);
  CHECK(fenced.err.find("CLAIM_FENCED") != std::string::npos);
  const std::string old_claim = sb.aq_json(second, {"show", "A-1"})["claim"];

  // Someone else cannot take it that way.
  Run other = sb.aq(second, {"claim", "A-1", "--actor", "agent-b"});
  CHECK(other.code == 3);

  Run again = sb.aq(second, {"claim", "A-1", "--actor", "agent-a"});
  INFO(again.all());
  REQUIRE(again.code == 0);
  CHECK(again.out.find("re-claimed") != std::string::npos);
  json show = sb.aq_json(second, {"show", "A-1"});
  CHECK(show["status"] == "in_review");  // the handoff and its evidence stay
  CHECK(show["handoff"]["commit"] == work);
  CHECK(show["claim"] != old_claim);
  CHECK(show["lane"] == 1);
  CHECK(show["branch"] == "agent/backend");

  // The new handle works; the old one is fenced.
  Run ok = sb.aq(second, {"set-status", "A-1", "blocked", "--reason", "waiting", "--actor", "agent-a"});
  INFO(ok.all());
  CHECK(ok.code == 0);
  Run stale = sb.aq(first, {"set-status", "A-1", "in_progress", "--actor", "agent-a"});
  CHECK(stale.code == 3);
  CHECK(stale.err.find("CLAIM_FENCED") != std::string::npos);
}

TEST_CASE("daily: claim --event-id twice is a no-op, like every other write", "[daily]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  json a = sb.aq_json(repo, {"claim", "B-1", "--actor", "agent-b", "--event-id", "claim-b1-try"});
  CHECK(a["noop"] == false);
  Run again = sb.aq(repo, {"claim", "B-1", "--actor", "agent-b", "--event-id", "claim-b1-try", "--json"});
  INFO(again.all());
  REQUIRE(again.code == 0);
  json b = json::parse(again.out);
  CHECK(b["noop"] == true);
  CHECK(b["lane"] == a["lane"]);
  CHECK(sb.aq_json(repo, {"show", "B-1"})["claim"] == "claim-b1-try");
  // The id used for another event is still an error.
  CHECK(sb.aq(repo, {"claim", "B-2", "--actor", "agent-b", "--event-id", "claim-b1-try"}).code == 3);
}

TEST_CASE("daily: blocked means blocked: prune-stale reports a blocked task and never puts it back to todo", "[daily]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::map<std::string, std::string> then = {{"AGENTQ_NOW", "2030-01-01T00:00:00Z"}};
  REQUIRE(sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"}, then).code == 0);
  REQUIRE(sb.aq(repo, {"claim", "B-2", "--actor", "agent-b2"}, then).code == 0);
  REQUIRE(sb.aq(repo, {"set-status", "B-1", "blocked", "--reason", "needs a decision", "--blocked-by", "A-1",
                       "--actor", "agent-b"}, then).code == 0);
  // Blocked again: the new reason and blocking task replace the old ones.
  Run again = sb.aq(repo, {"set-status", "B-1", "blocked", "--reason", "waiting for B-3", "--blocked-by", "B-3",
                           "--actor", "agent-b"}, then);
  INFO(again.all());
  REQUIRE(again.code == 0);
  json b1 = sb.aq_json(repo, {"show", "B-1"});
  CHECK(b1.dump().find("waiting for B-3") != std::string::npos);

  const std::map<std::string, std::string> later = {{"AGENTQ_NOW", "2030-01-02T00:00:00Z"}};
  Run prune = sb.aq(repo, {"prune-stale", "--actor", "alice", "--json"}, later);
  INFO(prune.all());
  REQUIRE(prune.code == 0);
  json p = json::parse(prune.out);
  REQUIRE(p["pruned"].size() == 1);
  CHECK(p["pruned"][0]["task"] == "B-2");
  REQUIRE(p["blocked"].size() == 1);
  CHECK(p["blocked"][0]["task"] == "B-1");
  CHECK(p["blocked"][0]["blocked_by"] == "B-3");
  CHECK(sb.aq_json(repo, {"show", "B-1"})["status"] == "blocked");
  CHECK(sb.aq_json(repo, {"show", "B-2"})["status"] == "todo");
  // Unblocked, it is back in progress under its owner.
  REQUIRE(sb.aq(repo, {"set-status", "B-1", "in_progress", "--actor", "agent-b"}, later).code == 0);
  CHECK(sb.aq_json(repo, {"show", "B-1"})["status"] == "in_progress");
}

TEST_CASE("daily: a reviewer in a clone that never fetched the branch reviews what was handed off", "[daily]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string dev = sb.clone(origin, "dev");
  const std::string reviewer = sb.clone(origin, "reviewer");  // before the branch exists
  REQUIRE(sb.aq(dev, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.git_ok(dev, {"checkout", "-q", "-b", "agent/backend"});
  const std::string work = sb.commit_file(dev, "a.txt", "a\n", "A-1");
  REQUIRE(sb.aq(dev, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(dev, {"handoff", "A-1", "--actor", "agent-a"}).code == 0);
  CHECK(sb.git(reviewer, {"cat-file", "-e", work + "^{commit}"}).code != 0);

  // HEAD of the reviewer's checkout is not what was handed off: refused, naming both.
  const std::string head = sb.git_ok(reviewer, {"rev-parse", "HEAD"});
  Run wrong = sb.aq(reviewer, {"review", "A-1", "--decision", "approved", "--commit", "HEAD", "--actor", "rev"});
  CHECK(wrong.code == 3);
  CHECK(wrong.err.find("REVIEW_STALE") != std::string::npos);
  CHECK(wrong.err.find(work.substr(0, 7)) != std::string::npos);
  CHECK(wrong.err.find(head.substr(0, 7)) != std::string::npos);

  Run review = sb.aq(reviewer, {"review", "A-1", "--decision", "approved", "--commit", work, "--actor", "rev"});
  INFO(review.all());
  CHECK(review.code == 0);
  CHECK(sb.git_ok(reviewer, {"rev-parse", "refs/remotes/origin/agent/backend"}) == work);
}

TEST_CASE("daily: a fresh clone joins the queue by itself, read commands included", "[daily]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  REQUIRE(sb.aq(sb.path("seed"), {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string fresh = sb.clone(origin, "fresh", false);
  Run status = sb.aq(fresh, {"status", "--json"});
  INFO(status.all());
  REQUIRE(status.code == 0);
  CHECK(status.err.find("joined the queue of origin") != std::string::npos);
  CHECK(sb.git_ok(fresh, {"rev-parse", "refs/agent-queue/log"}) == sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}));
  CHECK(sb.aq_json(fresh, {"show", "A-1"})["status"] == "in_progress");
  // A writer in another fresh clone joins as well.
  const std::string writer = sb.clone(origin, "writer", false);
  Run claim = sb.aq(writer, {"claim", "B-1", "--actor", "agent-b"});
  INFO(claim.all());
  CHECK(claim.code == 0);
  // Offline there is nothing to join: NO_QUEUE, with the way out.
  const std::string offline = sb.clone(origin, "offline", false);
  Run off = sb.aq(offline, {"claim", "B-2", "--actor", "agent-b", "--offline"});
  CHECK(off.code == 4);
  CHECK(off.err.find("NO_QUEUE") != std::string::npos);
  CHECK(off.err.find("git agentq sync") != std::string::npos);
}

TEST_CASE("daily: a hook whose git-agentq is not on PATH says so in one line", "[daily][hooks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"install-hooks"}).code == 0);
  const std::string hook = sb.git_ok(repo, {"rev-parse", "--git-path", "hooks/pre-push"});
  Run r = sb.sh(repo, "PATH=/usr/bin:/bin; export PATH; command -v git-agentq >/dev/null && exit 99; " + hook +
                          " origin url </dev/null");
  INFO(r.all());
  REQUIRE(r.code != 99);  // a git-agentq outside the build would hide the case
  CHECK(r.code == 1);
  CHECK(r.err.find("pre-push hook: git-agentq is not on PATH") != std::string::npos);
  CHECK(r.err.find("remove this hook") != std::string::npos);
  CHECK(r.err.find("not a git command") == std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("daily: lanes launch --exec without a terminal starts nothing", "[daily][lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string layout = sb.path("layout.sh");
  Run r = sb.aq(repo, {"lanes", "launch", "--exec", "--output", layout});
  CHECK(r.code == 2);
  CHECK(r.err.find("needs a terminal") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(layout));
}

TEST_CASE("daily: a corrupt tick.json is CACHE_CORRUPT, moved aside and reported, never silently reset", "[daily]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"tick"}).code == 0);
  const std::string file = sb.git_ok(repo, {"rev-parse", "--absolute-git-dir"}) + "/agentq/tick.json";
  REQUIRE(std::filesystem::exists(file));
  sb.sh(repo, "printf '{not json' > '" + file + "'");
  Run t = sb.aq(repo, {"tick"});
  INFO(t.all());
  CHECK(t.code == 0);
  CHECK(t.err.find("CACHE_CORRUPT") != std::string::npos);
  CHECK(std::filesystem::exists(file + ".corrupt"));
  CHECK(t.out.find("first tick") != std::string::npos);
}

TEST_CASE("daily: --json means JSON on stdout for usage errors and unknown commands, every key there", "[daily]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::vector<std::vector<std::string>> cases = {
      {"status", "--bogus", "--json"}, {"bogus", "--json"}, {"lanes", "bogus", "--json"}, {"show", "NOPE", "--json"}};
  for (const auto& args : cases) {
    Run r = sb.aq(repo, args);
    INFO(args[0] << " " << args[1] << ": " << r.all());
    CHECK(r.code != 0);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j["ok"] == false);
    for (const char* key : {"code", "message", "location", "fix", "exit_code"}) CHECK(j["error"].contains(key));
    CHECK(j["error"]["exit_code"] == r.code);
  }
}

TEST_CASE("daily: teardown never strands a claim whose only handle the lane holds", "[daily][lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string ui2 = sb.path("repo-ui-2");
  // Claimed from lane 2's worktree for lane 1 (explicitly): the handle lives in lane 2.
  REQUIRE(sb.aq(ui2, {"claim", "B-1", "--lane", "1", "--branch", "agent/ui-1"}).code == 0);
  Run refused = sb.aq(repo, {"lanes", "teardown", "ui-2"});
  INFO(refused.all());
  CHECK(refused.code == 3);
  CHECK(refused.err.find("only claim handle of B-1") != std::string::npos);
  CHECK(std::filesystem::exists(ui2));
  Run forced = sb.aq(repo, {"lanes", "teardown", "ui-2", "--force"});
  INFO(forced.all());
  CHECK(forced.code == 0);
  CHECK(forced.err.find("git agentq claim B-1") != std::string::npos);
  // The owner gets back in from the coordinator's checkout.
  const std::string owner = sb.aq_json(repo, {"show", "B-1"})["owner"];
  Run again = sb.aq(repo, {"claim", "B-1", "--actor", owner});
  INFO(again.all());
  CHECK(again.code == 0);
  CHECK(again.out.find("re-claimed") != std::string::npos);
}
