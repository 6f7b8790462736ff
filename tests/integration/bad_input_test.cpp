// Every bad input gets one line with its reason code and location, the documented exit code,
// and leaves the user's refs, work tree and files exactly as they were.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

// Everything a failed command must not touch.
std::string snapshot(Sandbox& sb, const std::string& repo) {
  return sb.git_ok(repo, {"for-each-ref", "--format=%(refname) %(objectname)"}) + "\n" +
         sb.git_ok(repo, {"status", "--porcelain", "--untracked-files=all"}) + "\n" + sb.read("repo/.agentq/queue.yaml");
}

}  // namespace

TEST_CASE("bad input: not a repository", "[bad-input]") {
  Sandbox sb;
  Run r = sb.aq(sb.root(), {"status"});
  CHECK(r.code == 4);
  CHECK(r.err.find("error[NOT_A_REPO]") != std::string::npos);
  Run c = sb.aq(sb.root(), {"-C", sb.path("missing"), "status"});
  CHECK(c.code == 4);
}

TEST_CASE("bad input: no queue yet", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_repo("repo");
  for (auto cmd : {"status", "ready", "validate", "claim"}) {
    Run r = sb.aq(repo, {cmd, "A-1", "--actor", "agent-a"});
    if (std::string(cmd) == "status" || std::string(cmd) == "ready" || std::string(cmd) == "validate")
      r = sb.aq(repo, {cmd});
    INFO(cmd);
    CHECK(r.code == 4);
    CHECK(r.err.find("error[NO_QUEUE]") != std::string::npos);
    CHECK(r.err.find("git agentq init") != std::string::npos);
  }
}

TEST_CASE("bad input: broken YAML is exit 2 with file:line:col, for every command", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  std::string yaml = sb.read("repo/.agentq/queue.yaml");
  yaml.replace(yaml.find("    title: after A-1\n"), 21, "    title: after A-1\n    colour: red\n");
  sb.write("repo/.agentq/queue.yaml", yaml);
  sb.git_ok(repo, {"commit", "-q", "-am", "typo"});
  const std::string before = snapshot(sb, repo);
  for (auto cmd : std::vector<std::vector<std::string>>{{"status"}, {"validate"}, {"claim", "A-1", "--actor", "agent-a"}}) {
    Run r = sb.aq(repo, cmd);
    INFO(cmd.front() << ": " << r.err);
    CHECK(r.code == 2);
    // The checked-out definitions: path:line:col for editors, the commit in the message.
    CHECK(r.err.find("error[DEF_UNKNOWN_KEY]: .agentq/queue.yaml:23:5: unknown key 'colour' in task") != std::string::npos);
    CHECK(r.err.find("(in commit " + sb.git_ok(repo, {"rev-parse", "--short=12", "HEAD"}).substr(0, 7)) != std::string::npos);
  }
  CHECK(snapshot(sb, repo) == before);
  auto j = sb.aq_json(repo, {"status"});
  CHECK(j["ok"] == false);
  CHECK(j["error"]["code"] == "DEF_UNKNOWN_KEY");
  CHECK(j["error"]["location"]["line"] == 23);
  CHECK(j["error"]["location"]["col"] == 5);
}

TEST_CASE("bad input: YAML syntax errors and cycles", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_repo("repo", "version: 1\npolicy: {base: main\n");
  Run r = sb.aq(repo, {"init"});
  CHECK(r.code == 2);
  CHECK(r.err.find("error[DEF_INVALID]") != std::string::npos);
  CHECK(r.err.find("YAML syntax") != std::string::npos);
  CHECK_FALSE(sb.git(repo, {"rev-parse", "--verify", "-q", "refs/agent-queue/log"}).code == 0);
  const std::string cyc = sb.make_repo("cyc",
                                       "version: 1\npolicy: {base: main}\nroles: {r: {kind: delivery}}\ntasks:\n"
                                       "  - {id: X, role: r, depends_on: [Y]}\n  - {id: Y, role: r, depends_on: [X]}\n");
  Run c = sb.aq(cyc, {"init"});
  CHECK(c.code == 2);
  CHECK(c.err.find("error[DEP_CYCLE]") != std::string::npos);
  CHECK(c.err.find("X -> Y -> X") != std::string::npos);
}

TEST_CASE("bad input: unknown task, role, actor and command", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string before = snapshot(sb, repo);
  Run t = sb.aq(repo, {"claim", "NOPE", "--actor", "agent-a"});
  CHECK(t.code == 2);
  CHECK(t.err.find("error[UNKNOWN_TASK]: unknown task 'NOPE'") != std::string::npos);
  CHECK(sb.aq(repo, {"show", "NOPE"}).code == 2);
  CHECK(sb.aq(repo, {"ready", "--role", "nope"}).err.find("UNKNOWN_ROLE") != std::string::npos);
  Run a = sb.aq(repo, {"claim", "A-1", "--actor", "mallory"});
  CHECK(a.code == 2);
  CHECK(a.err.find("error[UNKNOWN_ACTOR]") != std::string::npos);
  Run no_actor = sb.aq(repo, {"claim", "A-1"});
  CHECK(no_actor.code == 2);
  CHECK(no_actor.err.find("AGENTQ_ACTOR") != std::string::npos);
  Run cmd = sb.aq(repo, {"claimm"});
  CHECK(cmd.code == 2);
  CHECK(cmd.err.find("did you mean 'claim'") != std::string::npos);
  Run opt = sb.aq(repo, {"claim", "A-1", "--bogus"});
  CHECK(opt.code == 2);
  CHECK(opt.err.find("error[USAGE]") != std::string::npos);
  Run extra = sb.aq(repo, {"show", "A-1", "B-1"});
  CHECK(extra.code == 2);
  CHECK(snapshot(sb, repo) == before);
}

TEST_CASE("bad input: a hand-written event with garbage JSON", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string empty_tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  Run forged = sb.run({"sh", "-c", "printf 'forged\\n\\n{not json' | git commit-tree " + empty_tree +
                                       " -p refs/agent-queue/log"},
                      repo);
  REQUIRE(forged.code == 0);
  std::string bad = forged.out.substr(0, 40);
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", bad});
  Run v = sb.aq(repo, {"validate"});
  CHECK(v.code == 1);
  CHECK(v.err.find("error[EVENT_INVALID]: refs/agent-queue/log@" + bad.substr(0, 12) + ": event is not valid JSON") !=
        std::string::npos);
  auto vj = sb.aq_json(repo, {"validate"});
  CHECK(vj["ok"] == false);
  CHECK(vj["findings"][0]["commit"] == bad);
  // the rest of the queue still works: the bad event is skipped, and later writes land
  Run st = sb.aq(repo, {"status"});
  CHECK(st.code == 0);
  CHECK(st.err.find("1 illegal event") != std::string::npos);
  CHECK(sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  CHECK(sb.aq_json(repo, {"show", "B-1"})["status"] == "in_progress");
}

TEST_CASE("bad input: an illegal but well-formed event is reported with its code and skipped", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  // A second claim of B-1 by another actor, written by hand (as if origin ran no pre-receive
  // hook). (By agent-b itself it would be a legal re-claim.)
  std::string json = sb.git_ok(repo, {"log", "-1", "--format=%b", "refs/agent-queue/log"});
  size_t id = json.find("\"id\":\"");
  json.replace(id + 6, 36, "00000000-0000-4000-8000-000000000000");
  const size_t who = json.find("\"actor\":\"agent-b\"");
  REQUIRE(who != std::string::npos);
  json.replace(who, 17, "\"actor\":\"agent-b2\"");
  sb.write("msg", "forged claim\n\n" + json + "\n");
  const std::string empty_tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  std::string forged =
      sb.git_ok(repo, {"commit-tree", empty_tree, "-p", "refs/agent-queue/log", "-F", sb.path("msg")});
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", forged});
  auto vj = sb.aq_json(repo, {"validate"});
  REQUIRE(vj["findings"].size() == 1);
  CHECK(vj["findings"][0]["code"] == "ALREADY_CLAIMED");
  CHECK(vj["findings"][0]["commit"] == forged);
  CHECK(vj["findings"][0]["task"] == "B-1");
  Run v = sb.aq(repo, {"validate"});
  CHECK(v.code == 1);
}

TEST_CASE("bad input: invalid UTF-8 and contradicting evidence never reach the log", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  Run utf = sb.aq(repo, {"evidence", "A-1", "--command", "make \xff", "--result", "pass", "--actor", "agent-a"});
  CHECK(utf.code == 2);
  Run contra = sb.aq(repo, {"evidence", "A-1", "--command", "make", "--result", "pass", "--exit-code", "1", "--actor",
                            "agent-a"});
  CHECK(contra.code == 2);
  CHECK(contra.err.find("error[EVENT_INVALID]") != std::string::npos);
  Run accept = sb.aq(repo, {"evidence", "A-1", "--command", "make", "--result", "pass", "--kind", "acceptance",
                            "--actor", "agent-a"});
  CHECK(accept.code == 2);
  CHECK(accept.err.find("git agentq check A-1") != std::string::npos);
  CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == tip);
  // YAML with invalid UTF-8 is a definitions error, not a crash
  const std::string bad = sb.make_repo("bad", "version: 1\npolicy: {base: main}\nroles: {r: {kind: delivery}}\n"
                                              "tasks:\n  - {id: X, role: r, title: \"caf\xe9\"}\n");
  Run r = sb.aq(bad, {"init"});
  CHECK(r.code == 2);
  CHECK(r.err.find("DEF_INVALID") != std::string::npos);
}

TEST_CASE("bad input: a large attached log is capped, with the truncation noted", "[bad-input]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  sb.write("big.log", std::string(600 * 1024, 'x'));
  REQUIRE(sb.aq(repo, {"evidence", "A-1", "--command", "make", "--result", "fail", "--log", sb.path("big.log"),
                       "--actor", "agent-a"})
              .code == 0);
  std::string body = sb.git_ok(repo, {"log", "-1", "--format=%b", "refs/agent-queue/log"});
  CHECK(body.find("\"log_bytes\":614400") != std::string::npos);
  CHECK(body.find("\"log\":\"logs/1.log\"") != std::string::npos);
  std::string attached = sb.git_ok(repo, {"cat-file", "-p", "refs/agent-queue/log:logs/1.log"});
  CHECK(attached.size() < 300 * 1024);
  CHECK(attached.find("[truncated: 614400 bytes") != std::string::npos);
}

TEST_CASE("bad input: a malformed setting in the environment is refused, not ignored", "[bad-input]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k = sb.clone(origin, "k");
  const std::string before = sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"AGENTQ_SYNC_ATTEMPTS", "lots"}, {"AGENTQ_SYNC_ATTEMPTS", "0"}, {"AGENTQ_REMOTE_TIMEOUT", "10s"},
           {"AGENTQ_STALE_LOCK_MS", "-5"}, {"AGENTQ_NOW", "yesterday"}, {"AGENTQ_NOW", "2026-02-31T00:00:00Z"}}) {
    INFO(name << "=" << value);
    Run r = sb.aq(k, {"claim", "A-1", "--actor", "agent-a"}, {{name, value}});
    CHECK(r.code == 2);
    CHECK(r.err.find("error[USAGE]") != std::string::npos);
    CHECK(r.err.find(name + " is '" + value + "'") != std::string::npos);
  }
  CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == before);
  // completion reads no settings: a mistyped one must not break every tab press
  Run words = sb.aq(k, {"complete", "--", "commands"}, {{"AGENTQ_NOW", "yesterday"}});
  CHECK(words.code == 0);
  CHECK(words.out.find("claim") != std::string::npos);
  // well-formed values work as before
  Run ok = sb.aq(k, {"claim", "A-1", "--actor", "agent-a"}, {{"AGENTQ_SYNC_ATTEMPTS", "3"}, {"AGENTQ_REMOTE_TIMEOUT", "60"}});
  INFO(ok.err);
  CHECK(ok.code == 0);
}
