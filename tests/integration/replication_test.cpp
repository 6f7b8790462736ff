// Replication: a real bare origin on the local filesystem, several real clones, real processes.
// The remote is the single linearization point: claims stay exclusive across clones, nothing
// acknowledged is lost, and every failure of the remote is an error that changes nothing here.
#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "gitstore/queue.h"
#include "harness.h"

using namespace agentq::it;

namespace {

// One role with `lanes` lanes, `actors` actors w1..wN holding it, `tasks` tasks W-1..W-N.
std::string swarm_yaml(int actors, int tasks, int lanes) {
  std::string y = "version: 1\npolicy:\n  base: main\n  remote: origin\nroles:\n  work: { kind: delivery, lanes: " +
                  std::to_string(lanes) + " }\n  coord: { kind: coordinator }\nactors:\n";
  for (int i = 1; i <= actors; ++i) y += "  w" + std::to_string(i) + ": { roles: [work] }\n";
  y += "  alice: { roles: [coord], human: true }\ntasks:\n";
  for (int i = 1; i <= tasks; ++i) y += "  - { id: W-" + std::to_string(i) + ", title: t" + std::to_string(i) + ", role: work }\n";
  return y;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

// Subjects of the log's events, newest first.
std::vector<std::string> subjects(const Sandbox& sb, const std::string& repo) {
  return lines(sb.git_ok(repo, {"log", "--format=%s", "refs/agent-queue/log"}));
}

size_t count_starting(const std::vector<std::string>& v, const std::string& prefix) {
  return static_cast<size_t>(std::count_if(v.begin(), v.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
}

std::string log_tip(const Sandbox& sb, const std::string& repo) { return sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}); }

// The refs and files an error must leave alone.
std::string local_state(const Sandbox& sb, const std::string& repo) {
  std::string refs = sb.git_ok(repo, {"for-each-ref", "--format=%(refname) %(objectname)", "refs/agent-queue", "refs/notes",
                                      "refs/heads"});
  Run files = sb.sh(repo, "find .git/agentq -type f 2>/dev/null | sort; git config --get-all remote.origin.fetch");
  return refs + "\n" + files.out;
}

bool says(const Run& r, const std::string& code) { return r.err.find("error[" + code + "]") != std::string::npos; }

void expect_valid(const Sandbox& sb, const std::string& repo) {
  Run v = sb.aq(repo, {"validate"});
  INFO("validate in " << repo << ": " << v.out << v.err);
  CHECK(v.code == 0);
}

}  // namespace

TEST_CASE("replication: init publishes the queue, a fresh clone plus sync shows origin's status", "[replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string seed = sb.path("seed");
  REQUIRE(sb.aq(seed, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(seed, {"evidence", "B-1", "--command", "make test", "--result", "pass", "--actor", "agent-b"}).code == 0);
  CHECK(log_tip(sb, origin) == log_tip(sb, seed));  // every write landed on origin before it reported success

  // A clone that never ran init: sync configures it and joins.
  const std::string clone = sb.clone(origin, "clone", false);
  CHECK(sb.aq(clone, {"claim", "A-2", "--actor", "agent-a", "--offline"}).code == 4);  // NO_QUEUE offline
  Run sync = sb.aq(clone, {"sync"});
  INFO(sync.err);
  REQUIRE(sync.code == 0);
  CHECK(sync.out.find("joined the queue of origin (3 events)") != std::string::npos);
  CHECK(sb.aq_json(clone, {"status"}) == sb.aq_json(origin, {"status"}));
  CHECK(sb.git_ok(clone, {"rev-parse", "refs/notes/agentq"}) == sb.git_ok(origin, {"rev-parse", "refs/notes/agentq"}));
  expect_valid(sb, clone);
  expect_valid(sb, origin);
  // ... so that a plain `git fetch` brings the queue along from now on
  const std::string specs = sb.git_ok(clone, {"config", "--get-all", "remote.origin.fetch"});
  CHECK(specs.find("+refs/agent-queue/*:refs/remotes/origin/agent-queue/*") != std::string::npos);
  CHECK(specs.find("+refs/notes/agentq*:refs/remotes/origin/notes/agentq*") != std::string::npos);
  CHECK(sb.git_ok(clone, {"config", "notes.displayRef"}) == "refs/notes/agentq");
  REQUIRE(sb.aq(seed, {"unclaim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.git_ok(clone, {"fetch", "-q"});
  CHECK(sb.git_ok(clone, {"rev-parse", "refs/remotes/origin/agent-queue/log"}) == log_tip(sb, origin));
  // sync again: nothing to publish, a fast-forward
  auto again = sb.aq_json(clone, {"sync"});
  CHECK(again["ok"] == true);
  CHECK(again["fetched"] == 1);
  CHECK(again["published"].empty());
  CHECK(log_tip(sb, clone) == log_tip(sb, origin));
}

TEST_CASE("replication: 8 clones each claim a different task at the same moment, all succeed", "[replication][race]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", swarm_yaml(8, 8, 8));
  std::vector<Racer> racers;
  for (int i = 1; i <= 8; ++i) {
    const std::string n = std::to_string(i);
    racers.push_back({sb.clone(origin, "c" + n), {"claim", "W-" + n, "--actor", "w" + n}});
  }
  auto runs = sb.race(racers);
  for (const Run& r : runs) {
    INFO(r.err);
    CHECK(r.code == 0);
  }
  auto events = subjects(sb, origin);
  CHECK(events.size() == 9);
  for (int i = 1; i <= 8; ++i) CHECK(count_starting(events, "claim W-" + std::to_string(i) + " ") == 1);
  CHECK(sb.git_ok(origin, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  CHECK(sb.aq_json(origin, {"status"})["roles"]["work"]["in_progress"] == 8);
  expect_valid(sb, origin);
  CHECK(sb.git(origin, {"fsck", "--strict"}).code == 0);
}

TEST_CASE("replication: 8 clones race for one task, exactly one wins", "[replication][race]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", swarm_yaml(8, 2, 8));
  std::vector<Racer> racers;
  std::vector<std::string> clones;
  for (int i = 1; i <= 8; ++i) {
    clones.push_back(sb.clone(origin, "c" + std::to_string(i)));
    racers.push_back({clones.back(), {"claim", "W-1", "--actor", "w" + std::to_string(i), "--json"}});
  }
  auto runs = sb.race(racers);
  int winners = 0, losers = 0;
  std::string winner;
  for (size_t i = 0; i < runs.size(); ++i) {
    INFO(runs[i].err);
    if (runs[i].code == 0) {
      ++winners;
      winner = "w" + std::to_string(i + 1);
    } else {
      CHECK(runs[i].code == 3);
      CHECK((says(runs[i], "LOST_RACE") || says(runs[i], "ALREADY_CLAIMED")));
      losers += runs[i].code == 3;
    }
  }
  CHECK(winners == 1);
  CHECK(losers == 7);
  auto events = subjects(sb, origin);
  CHECK(count_starting(events, "claim W-1 ") == 1);
  CHECK(events.size() == 2);
  CHECK(sb.git_ok(origin, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  CHECK(sb.aq_json(origin, {"show", "W-1"})["owner"] == winner);
  // every loser's log ends where origin's is, and only the winner holds a claim id
  for (size_t i = 0; i < clones.size(); ++i) {
    CHECK(log_tip(sb, clones[i]) == log_tip(sb, origin));
    const bool holds = sb.sh(clones[i], "test -f .git/agentq/claim/W-1").code == 0;
    CHECK(holds == (runs[i].code == 0));
  }
  expect_valid(sb, origin);
}

TEST_CASE("replication: 8 clones take the next task at once, each gets its own", "[replication][race]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", swarm_yaml(8, 10, 8));
  std::vector<Racer> racers;
  for (int i = 1; i <= 8; ++i)
    racers.push_back({sb.clone(origin, "c" + std::to_string(i)), {"claim", "--next", "--role", "work", "--actor",
                                                                   "w" + std::to_string(i), "--json"}});
  auto runs = sb.race(racers);
  std::set<std::string> tasks;
  for (const Run& r : runs) {
    INFO(r.err);
    REQUIRE(r.code == 0);
    tasks.insert(nlohmann::json::parse(r.out)["task"].get<std::string>());
  }
  CHECK(tasks.size() == 8);
  CHECK(count_starting(subjects(sb, origin), "claim ") == 8);
  expect_valid(sb, origin);
}

TEST_CASE("replication: processes racing in one clone share its tracking refs without harm", "[replication][race]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), k2 = sb.clone(origin, "k2");
  std::vector<Racer> racers;
  for (int i = 0; i < 5; ++i) {
    racers.push_back({k1, {"claim", "--next", "--role", "ui", "--actor", "agent-b"}});
    racers.push_back({k2, {"claim", "--next", "--role", "ui", "--actor", "agent-b2"}});
    racers.push_back({i % 2 ? k1 : k2, {"evidence", "B-3", "--command", "check " + std::to_string(i), "--result", "pass",
                                        "--actor", "agent-b"}});
  }
  auto runs = sb.race(racers);
  int claims = 0, evidence = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    INFO(runs[i].err);
    if (racers[i].args[0] == "claim") {
      claims += runs[i].code == 0;
      if (runs[i].code != 0) CHECK(runs[i].code == 3);
    } else {
      CHECK(runs[i].code == 0);
      evidence += runs[i].code == 0;
    }
  }
  CHECK(claims == 2);  // two ui lanes
  CHECK(evidence == 5);
  CHECK(sb.aq_json(origin, {"show", "B-3"})["evidence"].size() == 5);
  CHECK(sb.git_ok(origin, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  expect_valid(sb, origin);
  for (const std::string& k : {k1, k2}) {
    REQUIRE(sb.aq(k, {"sync"}).code == 0);
    CHECK(log_tip(sb, k) == log_tip(sb, origin));
    expect_valid(sb, k);
  }
}

TEST_CASE("replication: a stale clone that has not fetched cannot claim what another clone holds", "[replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), k2 = sb.clone(origin, "k2");
  REQUIRE(sb.aq(k1, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  // k2 still believes B-1 is free ...
  CHECK(sb.git_ok(k2, {"rev-parse", "refs/agent-queue/log"}) != log_tip(sb, origin));
  // ... but a claim looks at origin first (another actor: the owner itself would re-claim)
  Run r = sb.aq(k2, {"claim", "B-1", "--actor", "agent-b2"});
  CHECK(r.code == 3);
  CHECK(says(r, "ALREADY_CLAIMED"));
  CHECK(log_tip(sb, k2) == log_tip(sb, origin));
  CHECK(sb.sh(k2, "test -e .git/agentq/claim/B-1").code != 0);
  CHECK(count_starting(subjects(sb, origin), "claim B-1 ") == 1);
}

TEST_CASE("replication: an offline claim is rejected on sync, offline evidence is accepted", "[replication][offline]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), k2 = sb.clone(origin, "k2");
  const std::string before = log_tip(sb, origin);

  Run claim = sb.aq(k2, {"claim", "B-1", "--actor", "agent-b", "--offline"});
  INFO(claim.err);
  REQUIRE(claim.code == 0);
  CHECK(claim.out.find("pending: not published yet, kept in refs/agent-queue/pending/agent-b") != std::string::npos);
  auto ev = sb.aq_json(k2, {"evidence", "B-1", "--command", "make test", "--result", "pass", "--actor", "agent-b",
                            "--offline"});
  CHECK(ev["pending"] == true);
  const std::string evidence_id = ev["evidence"];
  auto blocked = sb.aq_json(k2, {"set-status", "B-1", "blocked", "--reason", "waits", "--actor", "agent-b", "--offline"});
  CHECK(blocked["status"] == "blocked");  // judged with the pending claim
  CHECK(log_tip(sb, origin) == before);   // nothing travelled
  CHECK(log_tip(sb, k2) == before);
  CHECK(sb.git_ok(k2, {"rev-list", "--count", "refs/agent-queue/pending/agent-b"}) == "3");

  // meanwhile another clone takes B-1's lane 1 ... and B-1 itself
  REQUIRE(sb.aq(k1, {"claim", "B-1", "--actor", "agent-b2"}).code == 0);

  Run sync = sb.aq(k2, {"sync", "--actor", "agent-b", "--json"});
  INFO(sync.err);
  CHECK(sync.code == 3);
  auto report = nlohmann::json::parse(sync.out);
  CHECK(report["ok"] == false);
  REQUIRE(report["published"].size() == 1);
  CHECK(report["published"][0]["id"] == evidence_id);
  REQUIRE(report["rejected"].size() == 2);
  CHECK(report["rejected"][0]["code"] == "LOST_RACE");
  CHECK(report["rejected"][0]["type"] == "claim");
  CHECK(report["rejected"][1]["code"] == "CLAIM_FENCED");  // the status change under the lost claim
  // the rejected events are kept as readable JSON
  for (const auto& r : report["rejected"]) {
    const std::string file = r["file"];
    CHECK(file.find("/.git/agentq/rejected/") != std::string::npos);
    auto kept = nlohmann::json::parse(sb.read(file.substr(sb.root().size() + 1)));
    CHECK(kept["event"]["id"] == r["id"]);
    CHECK(kept["code"] == r["code"]);
    CHECK(kept["source"] == "refs/agent-queue/pending/agent-b");
  }
  // the evidence is on origin, the claim is agent-b2's, nothing is pending any more
  auto shown = sb.aq_json(origin, {"show", "B-1"});
  CHECK(shown["owner"] == "agent-b2");
  REQUIRE(shown["evidence"].size() == 1);
  CHECK(shown["evidence"][0]["id"] == evidence_id);
  CHECK(sb.git(k2, {"rev-parse", "--verify", "-q", "refs/agent-queue/pending/agent-b"}).code != 0);
  CHECK(log_tip(sb, k2) == log_tip(sb, origin));
  // the lost claim's id is no longer offered to later owner events
  CHECK(sb.sh(k2, "test -e .git/agentq/claim/B-1").code != 0);
  expect_valid(sb, k2);
  expect_valid(sb, origin);
  // a second sync has nothing left to say
  Run again = sb.aq(k2, {"sync", "--actor", "agent-b"});
  CHECK(again.code == 0);
}

TEST_CASE("replication: offline evidence is accepted on sync and its notes travel", "[replication][offline]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  const std::string work = sb.commit_file(k1, "src/x.c", "int x;\n");
  sb.git_ok(k1, {"push", "-q", "origin", "HEAD:main"});
  REQUIRE(sb.aq(k1, {"evidence", "B-2", "--command", "cc -c src/x.c", "--exit-code", "0", "--commit", work, "--actor",
                     "agent-b", "--offline"})
              .code == 0);
  Run sync = sb.aq(k1, {"sync", "--actor", "agent-b"});
  INFO(sync.err);
  REQUIRE(sync.code == 0);
  CHECK(sync.out.find("published evidence B-2 pass") != std::string::npos);
  CHECK(sb.git_ok(origin, {"notes", "--ref", "agentq", "show", work}).find("cc -c src/x.c") != std::string::npos);
  CHECK(sb.git_ok(k1, {"rev-parse", "refs/notes/agentq"}) == sb.git_ok(origin, {"rev-parse", "refs/notes/agentq"}));
  expect_valid(sb, origin);
}

TEST_CASE("replication: lanes sharing one clone keep their pending events apart", "[replication][offline]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string main = sb.clone(origin, "main");
  sb.git_ok(main, {"worktree", "add", "-q", "-b", "agent/ui-2", sb.path("lane2")});
  const std::string lane2 = sb.path("lane2");
  sb.git_ok(lane2, {"config", "extensions.worktreeConfig", "true"});
  sb.git_ok(lane2, {"config", "--worktree", "agentq.actor", "agent-b2"});
  REQUIRE(sb.aq(main, {"evidence", "B-1", "--command", "lint", "--result", "pass", "--actor", "agent-b", "--offline"}).code == 0);
  REQUIRE(sb.aq(lane2, {"claim", "B-2", "--offline"}).code == 0);

  auto report = sb.aq_json(main, {"sync", "--actor", "agent-b"});
  CHECK(report["published"].size() == 1);
  CHECK(report["pending_elsewhere"]["agent-b2"] == 1);
  CHECK(sb.git_ok(main, {"rev-list", "--count", "refs/agent-queue/pending/agent-b2"}) == "1");
  // without an actor nothing pending is published
  auto plain = sb.aq_json(main, {"sync"});
  CHECK(plain["published"].empty());
  // the lane publishes its own (the actor comes from its worktree config)
  auto own = sb.aq_json(lane2, {"sync"});
  CHECK(own["published"].size() == 1);
  CHECK(own["pending_elsewhere"].empty());
  CHECK(sb.aq_json(origin, {"show", "B-2"})["owner"] == "agent-b2");
  CHECK(sb.read("lane2/../main/.git/worktrees/lane2/agentq/claim/B-2").find("agent-b2") != std::string::npos);
  expect_valid(sb, origin);
}

TEST_CASE("replication: events written before the remote existed are published by sync", "[replication]") {
  Sandbox sb;
  const std::string repo = sb.make_repo("repo", with_remote());
  Run init = sb.aq(repo, {"init"});
  REQUIRE(init.code == 0);
  CHECK(init.err.find("policy.remote is 'origin' but this repository has no such remote") != std::string::npos);
  Run claim = sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"});
  REQUIRE(claim.code == 0);
  CHECK(claim.err.find("has no such remote") != std::string::npos);
  CHECK(says(sb.aq(repo, {"sync"}), "NO_REMOTE"));

  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", sb.path("origin.git")});
  sb.git_ok(repo, {"remote", "add", "origin", sb.path("origin.git")});
  sb.git_ok(repo, {"push", "-q", "origin", "main"});
  const std::string origin = sb.path("origin.git");
  SECTION("sync publishes them as they are") {
    auto report = sb.aq_json(repo, {"sync"});
    CHECK(report["created"] == true);
    CHECK(log_tip(sb, origin) == log_tip(sb, repo));
  }
  SECTION("the next write publishes them, with its own event on top") {
    Run r = sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(log_tip(sb, origin) == log_tip(sb, repo));
    auto events = subjects(sb, origin);
    CHECK(count_starting(events, "claim A-1 ") == 1);
    CHECK(count_starting(events, "claim B-1 ") == 1);
  }
  expect_valid(sb, origin);
}

TEST_CASE("replication: local events naming definitions origin never received are judged under origin's",
          "[replication]") {
  Sandbox sb;
  const std::string repo = sb.make_repo("repo", with_remote());
  REQUIRE(sb.aq(repo, {"init"}).code == 0);
  const std::string published_base = sb.git_ok(repo, {"rev-parse", "HEAD"});
  const std::string local_only = sb.commit_file(repo, "notes.txt", "not pushed\n");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  CHECK(sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"}).find(local_only) != std::string::npos);

  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", sb.path("origin.git")});
  const std::string origin = sb.path("origin.git");
  sb.git_ok(repo, {"remote", "add", "origin", origin});
  sb.git_ok(repo, {"push", "-q", "origin", published_base + ":refs/heads/main"});
  auto report = sb.aq_json(repo, {"sync"});
  CHECK(report["ok"] == true);
  CHECK(report["published"].size() == 2);  // re-created: init and claim
  const std::string claim = sb.git_ok(origin, {"log", "-1", "--format=%B", "refs/agent-queue/log"});
  CHECK(claim.find("\"defs\":\"" + published_base + "\"") != std::string::npos);
  CHECK(log_tip(sb, repo) == log_tip(sb, origin));
  expect_valid(sb, origin);
  expect_valid(sb, repo);
}

TEST_CASE("replication: local-only events of a diverged log are replayed onto origin's tip", "[replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), k2 = sb.clone(origin, "k2");
  // k1 loses its remote for a while: its writes stay local
  sb.git_ok(k1, {"remote", "rename", "origin", "away"});
  REQUIRE(sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(k1, {"evidence", "A-1", "--command", "unit", "--result", "pass", "--actor", "agent-a"}).code == 0);
  const std::string local_tip = log_tip(sb, k1);
  // meanwhile k2 claims A-1 on origin
  REQUIRE(sb.aq(k2, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.git_ok(k1, {"remote", "rename", "away", "origin"});

  Run sync = sb.aq(k1, {"sync", "--json"});
  INFO(sync.err);
  CHECK(sync.code == 3);
  auto report = nlohmann::json::parse(sync.out);
  REQUIRE(report["rejected"].size() == 1);
  CHECK(report["rejected"][0]["code"] == "LOST_RACE");
  CHECK(report["rejected"][0]["source"] == "refs/agent-queue/log");
  REQUIRE(report["published"].size() == 1);
  CHECK(report["published"][0]["type"] == "evidence");
  CHECK(log_tip(sb, k1) == log_tip(sb, origin));
  // the old local tip stays in the reflog
  CHECK(sb.git_ok(k1, {"reflog", "show", "--format=%H", "refs/agent-queue/log"}).find(local_tip) != std::string::npos);
  expect_valid(sb, k1);
  expect_valid(sb, origin);
}

TEST_CASE("replication: an event id makes a retry from any clone a no-op", "[replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), k2 = sb.clone(origin, "k2");
  const std::string id = "retry-1";
  auto first = sb.aq_json(k1, {"claim", "A-1", "--actor", "agent-a", "--event-id", id});
  CHECK(first["noop"] == false);
  auto again = sb.aq_json(k2, {"claim", "A-1", "--actor", "agent-a", "--event-id", id});
  CHECK(again["ok"] == true);
  CHECK(again["noop"] == true);
  CHECK(again["commit"] == first["commit"]);
  CHECK(count_starting(subjects(sb, origin), "claim A-1 ") == 1);
  // an offline copy of the same event is dropped by sync, not duplicated
  REQUIRE(sb.aq(k2, {"evidence", "B-1", "--command", "x", "--result", "pass", "--actor", "agent-b", "--event-id", "ev-1"})
              .code == 0);
  const std::string k3 = sb.clone(origin, "k3", false);
  sb.git_ok(k3, {"remote", "rename", "origin", "away"});
  Run stale = sb.aq(sb.root(), {"-C", k3, "sync"});
  CHECK(says(stale, "NO_REMOTE"));
  sb.git_ok(k3, {"remote", "rename", "away", "origin"});
  REQUIRE(sb.aq(k3, {"sync"}).code == 0);
  const std::string before = log_tip(sb, origin);
  sb.git_ok(k3, {"update-ref", "refs/agent-queue/log", sb.git_ok(k3, {"rev-parse", "refs/agent-queue/log~1"})});
  REQUIRE(sb.aq(k3, {"evidence", "B-1", "--command", "x", "--result", "pass", "--actor", "agent-b", "--event-id", "ev-1",
                     "--offline"})
              .code == 0);
  auto report = sb.aq_json(k3, {"sync", "--actor", "agent-b"});
  CHECK(report["ok"] == true);
  CHECK(report["dropped"].size() == 1);
  CHECK(report["published"].empty());
  CHECK(log_tip(sb, origin) == before);
}

TEST_CASE("replication: an unreachable or missing remote is exit 4 and changes nothing", "[replication][errors]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  const std::string url = sb.git_ok(k1, {"remote", "get-url", "origin"});

  SECTION("network failure") {
    sb.git_ok(k1, {"remote", "set-url", "origin", "git://127.0.0.1:1/queue.git"});
  }
  SECTION("the repository is gone") {
    sb.git_ok(k1, {"remote", "set-url", "origin", sb.path("moved-away.git")});
  }
  const std::string state = local_state(sb, k1);
  Run claim = sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(claim.code == 4);
  CHECK(says(claim, "REMOTE_UNREACHABLE"));
  CHECK(claim.err.find("--offline") != std::string::npos);  // the hint says how to go on
  Run sync = sb.aq(k1, {"sync", "--actor", "agent-a"});
  CHECK(sync.code == 4);
  CHECK(says(sync, "REMOTE_UNREACHABLE"));
  CHECK(local_state(sb, k1) == state);
  // --offline still works, and the event travels once the remote is back
  REQUIRE(sb.aq(k1, {"claim", "A-1", "--actor", "agent-a", "--offline"}).code == 0);
  sb.git_ok(k1, {"remote", "set-url", "origin", url});
  REQUIRE(sb.aq(k1, {"sync", "--actor", "agent-a"}).code == 0);
  CHECK(sb.aq_json(origin, {"show", "A-1"})["owner"] == "agent-a");
}

TEST_CASE("replication: an authentication failure is exit 4 and changes nothing", "[replication][errors]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  // An ssh that refuses the key, as ssh does.
  sb.write("fake-ssh", "#!/bin/sh\necho 'git@example.invalid: Permission denied (publickey).' >&2\nexit 255\n");
  sb.sh(sb.root(), "chmod +x fake-ssh");
  sb.git_ok(k1, {"config", "core.sshCommand", sb.path("fake-ssh")});
  sb.git_ok(k1, {"remote", "set-url", "origin", "ssh://git@example.invalid/queue.git"});
  const std::string state = local_state(sb, k1);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"claim", "A-1", "--actor", "agent-a"}, std::vector<std::string>{"sync"}}) {
    Run r = sb.aq(k1, args);
    INFO(r.err);
    CHECK(r.code == 4);
    CHECK(says(r, "REMOTE_AUTH_FAILED"));
    CHECK(r.err.find("Permission denied (publickey)") != std::string::npos);
  }
  CHECK(local_state(sb, k1) == state);
}

TEST_CASE("replication: a remote without the queue, or no remote at all, is exit 4 and changes nothing",
          "[replication][errors]") {
  Sandbox sb;
  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", sb.path("origin.git")});
  const std::string seed = sb.make_repo("seed", with_remote());
  sb.git_ok(seed, {"push", "-q", sb.path("origin.git"), "main"});
  const std::string k1 = sb.clone(sb.path("origin.git"), "k1", false);
  const std::string state = local_state(sb, k1);
  Run sync = sb.aq(k1, {"sync"});
  CHECK(sync.code == 4);
  CHECK(says(sync, "NO_QUEUE"));
  CHECK(sync.err.find("neither this repository nor origin has a queue") != std::string::npos);
  CHECK(local_state(sb, k1) == state);

  sb.git_ok(k1, {"remote", "remove", "origin"});
  const std::string bare = local_state(sb, k1);
  Run none = sb.aq(k1, {"sync"});
  CHECK(none.code == 4);
  CHECK(says(none, "NO_REMOTE"));
  CHECK(local_state(sb, k1) == bare);
}

TEST_CASE("replication: a push the remote refuses is REMOTE_REJECTED and the local log follows origin",
          "[replication][errors]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  sb.write("origin.git/hooks/pre-receive", "#!/bin/sh\necho 'queue is frozen for the release' >&2\nexit 1\n");
  sb.sh(origin, "chmod +x hooks/pre-receive");
  Run r = sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"});
  INFO(r.err);
  CHECK(r.code == 3);
  CHECK(says(r, "REMOTE_REJECTED"));
  CHECK(r.err.find("queue is frozen for the release") != std::string::npos);
  CHECK(log_tip(sb, k1) == log_tip(sb, origin));
  CHECK(sb.sh(k1, "test -e .git/agentq/claim/A-1").code != 0);
}

TEST_CASE("replication: a remote that keeps moving ends in NON_FAST_FORWARD after bounded retries",
          "[replication][errors]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1"), other = sb.clone(origin, "other");
  // Every push to origin meets another writer that got there a moment earlier.
  sb.write("origin.git/hooks/pre-receive",
           "#!/bin/sh\n[ -n \"$INTERLOPER\" ] && exit 0\n"
           "unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
           "INTERLOPER=1 git -C '" + other + "' agentq evidence B-2 --command \"interloper $$\" --result pass --actor agent-b -q\n"
           "exit 0\n");
  sb.sh(origin, "chmod +x hooks/pre-receive");
  Run r = sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"}, {{"AGENTQ_SYNC_ATTEMPTS", "3"}});
  INFO(r.err);
  CHECK(r.code == 3);
  CHECK(says(r, "NON_FAST_FORWARD"));
  CHECK(r.err.find("every one of 3 attempts") != std::string::npos);
  auto events = subjects(sb, origin);
  CHECK(count_starting(events, "claim A-1 ") == 0);
  CHECK(count_starting(events, "evidence B-2 ") == 3);
  expect_valid(sb, origin);
}

TEST_CASE("replication: a clone killed at random points of sync and claim loses nothing acknowledged",
          "[replication][kill]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string victim = sb.clone(origin, "victim"), other = sb.clone(origin, "other");
  std::mt19937 rng(std::random_device{}());
  std::vector<std::string> acked_commits;  // event commits a command reported (exit 0) as published
  std::vector<std::string> acked_ids;      // event ids sync reported as published, or written as pending
  int finished = 0;
  // A kill can leave a ref lock behind (git's own fetch or push, or git-agentq, killed while it
  // held one). Nothing else runs between two commands here, so any lock is a dead process's;
  // a short grace period keeps the test quick (the default is 10 s).
  const std::map<std::string, std::string> kQuickLocks = {{"AGENTQ_STALE_LOCK_MS", "200"}};
  // Where to kill: somewhere in a command's run. Machines differ and load changes, so each
  // kind of command keeps an estimate of its duration (longer after a kill came too early,
  // nearer the real duration after it finished), and the kill point is uniform below it.
  double estimate_ms[4] = {100, 100, 100, 100};
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    if (i % 3 == 0)  // origin moves on without the victim, so its next command has catching up to do
      REQUIRE(sb.aq(other, {"evidence", "B-3", "--command", "other " + n, "--result", "pass", "--actor", "agent-b2"}).code == 0);
    std::vector<std::string> args;
    switch (i % 4) {
      case 0: args = {"claim", "A-1", "--actor", "agent-a", "--json"}; break;
      case 1: args = {"unclaim", "A-1", "--actor", "agent-a", "--json"}; break;
      case 2: args = {"evidence", "B-1", "--command", "check " + n, "--result", "pass", "--actor", "agent-b", "--json"}; break;
      default: {
        Run offline = sb.aq(victim, {"evidence", "B-2", "--command", "offline " + n, "--result", "pass", "--actor",
                                     "agent-b", "--offline", "--json"},
                            kQuickLocks);
        INFO(offline.err);
        REQUIRE(offline.code == 0);
        auto pending = nlohmann::json::parse(offline.out);
        acked_ids.push_back(pending["evidence"]);
        args = {"sync", "--actor", "agent-b", "--json"};
      }
    }
    double& estimate = estimate_ms[i % 4];
    const int delay = std::uniform_int_distribution<int>(0, static_cast<int>(estimate * 1.2))(rng);
    Killed k = sb.run_killed(victim, args, delay, i % 2 ? Kill::tree : Kill::process, kQuickLocks);
    if (!k.finished) {
      estimate *= 1.15;
      continue;
    }
    estimate = (estimate + static_cast<double>(k.elapsed_ms)) / 2;
    ++finished;
    auto j = nlohmann::json::parse(k.run.out, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (k.run.code == 0 && j.contains("commit")) acked_commits.push_back(j["commit"]);
    if (j.contains("published"))
      for (const auto& e : j["published"]) acked_ids.push_back(e["id"]);
  }
  INFO(finished << " of 50 commands finished before their kill");

  CHECK(sb.git(origin, {"fsck", "--strict"}).code == 0);
  CHECK(sb.git(victim, {"fsck", "--strict"}).code == 0);
  CHECK(sb.git_ok(origin, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  expect_valid(sb, origin);  // origin is consistent at every moment: log and notes land together
  // The victim recovers with an ordinary sync, which also publishes what was still pending.
  Run recover = sb.aq(victim, {"sync", "--actor", "agent-b"}, kQuickLocks);
  INFO(recover.out << recover.err);
  CHECK(recover.code == 0);
  expect_valid(sb, victim);
  CHECK(log_tip(sb, victim) == log_tip(sb, origin));
  CHECK(sb.git(victim, {"rev-parse", "--verify", "-q", "refs/agent-queue/pending/agent-b"}).code != 0);

  const std::string tip = log_tip(sb, origin);
  for (const std::string& c : acked_commits) {
    INFO("acknowledged event commit " << c);
    CHECK(sb.git(origin, {"merge-base", "--is-ancestor", c, tip}).code == 0);
  }
  const std::string messages = sb.git_ok(origin, {"log", "--format=%B", "refs/agent-queue/log"});
  for (const std::string& id : acked_ids) {
    INFO("acknowledged event " << id);
    CHECK(messages.find("\"id\":\"" + id + "\"") != std::string::npos);
  }
  // Nothing was published twice.
  std::set<std::string> seen;
  for (const std::string& line : lines(messages)) {
    auto at = line.find("\"id\":\"");
    if (at == std::string::npos) continue;
    const std::string id = line.substr(at + 6, line.find('"', at + 6) - at - 6);
    INFO("event id " << id);
    CHECK(seen.insert(id).second);
  }
}

namespace {

// The environment of this test process, as the sandbox gives it to the commands it runs: the
// in-process tests below start git themselves.
class SandboxEnv {
 public:
  explicit SandboxEnv(const Sandbox& sb) {
    set("HOME", sb.path("home"));
    set("GIT_CONFIG_NOSYSTEM", "1");
    for (const char* name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "AGENTQ_SYNC_ATTEMPTS"}) set(name, nullptr);
  }
  ~SandboxEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) setenv(it->first.c_str(), it->second->c_str(), 1);
      else unsetenv(it->first.c_str());
    }
  }
  SandboxEnv(const SandboxEnv&) = delete;
  SandboxEnv& operator=(const SandboxEnv&) = delete;

 private:
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) setenv(name.c_str(), value->c_str(), 1);
    else unsetenv(name.c_str());
  }
  void set(const std::string& name, const char* value) {
    set(name, value ? std::optional<std::string>(value) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

agentq::Event done_event(const std::string& task, const std::string& commit) {
  agentq::Event e;
  e.type = agentq::EventType::status;
  e.task = task;
  e.status = "done";
  e.commit = commit;
  e.actor = "alice";
  e.role = "coord";
  return e;
}

}  // namespace

TEST_CASE("replication: a write can move the base branch in the same atomic push (what merge needs)",
          "[replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  REQUIRE(sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string old_main = sb.git_ok(origin, {"rev-parse", "main"});
  const std::string work = sb.commit_file(k1, "src/a.c", "int a;\n");  // merged locally, not pushed
  REQUIRE(sb.aq(k1, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(k1, {"handoff", "A-1", "--commit", work, "--branch", "agent/backend", "--actor", "agent-a"}).code == 0);
  SandboxEnv env(sb);
  auto q = agentq::Queue::open_at(k1);
  REQUIRE(q);
  REQUIRE(q->load());
  REQUIRE(q->catch_up());

  SECTION("judged under <remote>/<base> alone, the merge commit is not merged yet") {
    auto w = q->write(done_event("A-1", work));
    REQUIRE_FALSE(w);
    CHECK(w.error().code == agentq::Code::NOT_MERGED);
    CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == old_main);
  }
  SECTION("with advance_base, base and the done event land together") {
    agentq::WriteOptions o;
    o.advance_base = work;
    auto w = q->write(done_event("A-1", work), {}, {}, o);
    INFO((w ? std::string() : w.error().message));
    REQUIRE(w);
    CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == work);
    CHECK(log_tip(sb, origin) == w->commit);
    CHECK(sb.aq_json(origin, {"show", "A-1"})["status"] == "done");
    expect_valid(sb, origin);
  }
  SECTION("when the remote's base moved on meanwhile, nothing lands") {
    const std::string k2 = sb.clone(origin, "k2");
    sb.commit_file(k2, "src/b.c", "int b;\n");
    sb.git_ok(k2, {"push", "-q", "origin", "HEAD:main"});
    const std::string theirs = sb.git_ok(origin, {"rev-parse", "main"});
    const std::string log_before = log_tip(sb, origin);
    agentq::WriteOptions o;
    o.advance_base = work;
    auto w = q->write(done_event("A-1", work), {}, {}, o);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == agentq::Code::NON_FAST_FORWARD);
    CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == theirs);
    CHECK(log_tip(sb, origin) == log_before);
  }
}
