// ci-check on a fresh CI clone of a real origin: every format, every kind of finding, fail-closed.
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

const char* kCiYaml = R"(version: 1
policy:
  base: main
  remote: origin
  exempt:
    paths: ["doc/**"]
    authors: ["bot@example.com"]
roles:
  backend: { kind: delivery }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend] }
  alice: { roles: [coord], human: true }
  robot: { roles: [coord] }
tasks:
  - { id: T1, role: backend, acceptance_checks: ["true"] }
  - { id: T2, role: backend }
)";

// origin with one task merged through the queue, and a coordinator clone.
struct Origin {
  Sandbox sb;
  std::string origin = sb.path("origin.git");
  std::string coord;
  std::string merged;
  Origin() {
    sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", origin});
    coord = sb.make_repo("coord", kCiYaml);
    sb.git_ok(coord, {"remote", "add", "origin", origin});
    sb.git_ok(coord, {"push", "-q", "origin", "main"});
    REQUIRE(sb.aq(coord, {"init"}).code == 0);
    sb.git_ok(coord, {"push", "-q", "origin", "refs/agent-queue/log:refs/agent-queue/log"});
    sb.git_ok(coord, {"fetch", "-q", "origin"});
    REQUIRE(sb.aq(coord, {"claim", "T1", "--actor", "dev"}).code == 0);
    sb.git_ok(coord, {"checkout", "-q", "-b", "agent/backend"});
    merged = sb.commit_file(coord, "src/a.c", "int a;\n");
    REQUIRE(sb.aq(coord, {"check", "T1", "--actor", "dev"}).code == 0);
    REQUIRE(sb.aq(coord, {"handoff", "T1", "--actor", "dev"}).code == 0);
    sb.git_ok(coord, {"checkout", "-q", "main"});
    sb.git_ok(coord, {"push", "-q", "origin", "refs/agent-queue/log:refs/agent-queue/log", "refs/notes/agentq:refs/notes/agentq"});
    sb.git_ok(coord, {"fetch", "-q", "origin"});
    Run m = sb.aq(coord, {"merge", "T1", "--actor", "alice"});
    INFO(m.err);
    REQUIRE(m.code == 0);
  }
  std::string ci_clone(const std::string& name = "ci") {
    const std::string dir = sb.path(name);
    sb.git_ok(sb.root(), {"clone", "-q", "--depth", "1", "file://" + origin, dir});  // CI clones are shallow
    return dir;
  }
  nlohmann::json check(const std::string& dir, std::vector<std::string> extra = {}, int* code = nullptr) {
    std::vector<std::string> args = {"ci-check", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = sb.aq(dir, args);
    if (code) *code = r.code;
    INFO(r.err);
    return nlohmann::json::parse(r.out);
  }
  // Pushes a commit straight to origin's main, bypassing the queue.
  std::string sneak(const std::string& file, const std::map<std::string, std::string>& env = {}) {
    const std::string dir = sb.path("sneak");
    if (sb.git(sb.root(), {"-C", dir, "status"}).code != 0) sb.git_ok(sb.root(), {"clone", "-q", origin, dir});
    sb.git_ok(dir, {"pull", "-q", "--ff-only"});
    std::string c = sb.commit_file(dir, file, "x\n", "direct push");
    // The sandbox exports GIT_AUTHOR_*, which beats user.email: --author beats both.
    if (auto it = env.find("user.email"); it != env.end()) {
      sb.git_ok(dir, {"commit", "-q", "--amend", "--no-edit", "--author", "Bot <" + it->second + ">"});
      c = sb.git_ok(dir, {"rev-parse", "HEAD"});
    }
    sb.git_ok(dir, {"push", "-q", "origin", "main"});
    return c;
  }
};

std::set<std::string> codes_of(const nlohmann::json& j) {
  std::set<std::string> out;
  for (const auto& i : j["items"]) out.insert(i["code"]);
  return out;
}

}  // namespace

TEST_CASE("ci-check: a clean queue passes in every format, from a fresh shallow CI clone", "[ci-check]") {
  Origin o;
  const std::string ci = o.ci_clone();
  int code = -1;
  auto j = o.check(ci, {}, &code);
  CHECK(code == 0);
  CHECK(j["ok"] == true);
  CHECK(j["remote"] == "origin");
  CHECK(j["checks"].size() == 9);  // fetch, queue, and the seven audit sections
  for (const auto& c : j["checks"]) CHECK(c["ok"] == true);
  Run text = o.sb.aq(ci, {"ci-check"});
  CHECK(text.code == 0);
  CHECK(text.out.find("ok    base-accounted") != std::string::npos);
  Run junit = o.sb.aq(ci, {"ci-check", "--format", "junit", "--output", o.sb.path("report.xml")});
  CHECK(junit.code == 0);
  std::string xml = o.sb.read("report.xml");
  CHECK(xml.find("<testsuites name=\"git-agentq ci-check\" tests=\"9\" failures=\"0\"") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"git-agentq.ci-check\" name=\"replay\">") != std::string::npos);
  CHECK(o.sb.git_ok(ci, {"rev-parse", "--is-shallow-repository"}) == "false");  // unshallowed first
  // ci-check never moves the clone's own refs
  CHECK(o.sb.git(ci, {"rev-parse", "--verify", "-q", "refs/agent-queue/log"}).code != 0);
}

TEST_CASE("ci-check: a commit pushed to base outside the queue is found, exemptions are honoured", "[ci-check]") {
  Origin o;
  const std::string stray = o.sneak("src/b.c");
  o.sneak("doc/readme.md");                                       // exempt path
  o.sneak("src/c.c", {{"user.email", "bot@example.com"}});         // exempt author
  const std::string ci = o.ci_clone();
  int code = -1;
  auto j = o.check(ci, {}, &code);
  CHECK(code == 1);
  REQUIRE(j["items"].size() == 1);
  CHECK(j["items"][0]["code"] == "UNTRACKED_BASE_COMMIT");
  CHECK(j["items"][0]["check"] == "base-accounted");
  CHECK(j["items"][0]["commit"] == stray);
  // JUnit shows the failure on its testcase
  Run junit = o.sb.aq(ci, {"ci-check", "--format", "junit"});
  CHECK(junit.code == 1);
  CHECK(junit.out.find("failures=\"1\"") != std::string::npos);
  CHECK(junit.out.find("<failure type=\"UNTRACKED_BASE_COMMIT\"") != std::string::npos);
}

TEST_CASE("ci-check: a done task whose commit was force-pushed off base", "[ci-check]") {
  Origin o;
  o.sb.git_ok(o.origin, {"update-ref", "refs/heads/main", o.merged + "~1"});
  const std::string ci = o.ci_clone();
  auto j = o.check(ci);
  CHECK(j["ok"] == false);
  CHECK(codes_of(j) == std::set<std::string>{"NOT_MERGED"});
  CHECK(j["items"][0]["task"] == "T1");
}

TEST_CASE("ci-check: a force-pushed queue history fails against the last green tip", "[ci-check]") {
  Origin o;
  const std::string ci = o.ci_clone();
  const std::string state = o.sb.path("last-green");
  int code = -1;
  o.check(ci, {"--last-green", state}, &code);
  REQUIRE(code == 0);
  CHECK(o.sb.read("last-green").substr(0, 40) == o.sb.git_ok(o.origin, {"rev-parse", "refs/agent-queue/log"}));
  // someone rewrites the queue on origin, dropping the last events
  o.sb.git_ok(o.origin, {"update-ref", "refs/agent-queue/log", "refs/agent-queue/log~3"});
  o.sb.git_ok(o.origin, {"update-ref", "-d", "refs/notes/agentq"});
  auto j = o.check(ci, {"--last-green", state}, &code);
  CHECK(code == 1);
  CHECK(codes_of(j).count("NON_FAST_FORWARD") == 1);
  CHECK(o.sb.read("last-green").substr(0, 40) != o.sb.git_ok(o.origin, {"rev-parse", "refs/agent-queue/log"}));
}

TEST_CASE("ci-check: fails closed on an unreachable remote, a missing queue and broken definitions", "[ci-check]") {
  Origin o;
  const std::string ci = o.ci_clone();
  SECTION("unreachable remote") {
    o.sb.git_ok(ci, {"remote", "set-url", "origin", o.sb.path("nowhere.git")});
    int code = -1;
    auto j = o.check(ci, {}, &code);
    CHECK(code == 4);
    CHECK(j["ok"] == false);
    CHECK(j["checks"][0]["name"] == "fetch");
    CHECK(j["items"][0]["code"] == "REMOTE_UNREACHABLE");
    CHECK(j["checks"][1]["ran"] == false);
  }
  SECTION("missing queue ref") {
    o.sb.git_ok(o.origin, {"update-ref", "-d", "refs/agent-queue/log"});
    int code = -1;
    auto j = o.check(ci, {}, &code);
    CHECK(code == 4);
    CHECK(codes_of(j) == std::set<std::string>{"NO_QUEUE"});
  }
  SECTION("definitions that do not load") {
    const std::string dir = o.sb.path("sneak");
    o.sb.git_ok(o.sb.root(), {"clone", "-q", o.origin, dir});
    o.sb.write("sneak/.agentq/queue.yaml", "version: 1\npolicy: {base: main, typo: 1}\n");
    o.sb.git_ok(dir, {"commit", "-q", "-am", "break the definitions"});
    o.sb.git_ok(dir, {"push", "-q", "origin", "main"});
    int code = -1;
    auto j = o.check(ci, {}, &code);
    CHECK(code == 2);
    CHECK(codes_of(j) == std::set<std::string>{"DEF_UNKNOWN_KEY"});
  }
}

TEST_CASE("ci-check: replay and notes findings are reported", "[ci-check]") {
  Origin o;
  // an orphan note and a garbage event pushed to origin
  const std::string dir = o.sb.path("vandal");
  o.sb.git_ok(o.sb.root(), {"clone", "-q", o.origin, dir});
  o.sb.git_ok(dir, {"fetch", "-q", "origin", "refs/agent-queue/log:refs/agent-queue/log", "refs/notes/agentq:refs/notes/agentq"});
  o.sb.git_ok(dir, {"notes", "--ref", "agentq", "add", "-m", "junk", "HEAD~1"});
  const std::string tree = o.sb.git_ok(dir, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  Run forged = o.sb.run({"sh", "-c", "printf 'x\\n\\n{bad' | git commit-tree " + tree + " -p refs/agent-queue/log"}, dir);
  o.sb.git_ok(dir, {"update-ref", "refs/agent-queue/log", forged.out.substr(0, 40)});
  o.sb.git_ok(dir, {"push", "-q", "-f", "origin", "refs/agent-queue/log:refs/agent-queue/log", "refs/notes/agentq:refs/notes/agentq"});
  auto j = o.check(o.ci_clone());
  auto codes = codes_of(j);
  CHECK(codes.count("EVENT_INVALID") == 1);
  CHECK(codes.count("NOTE_WITHOUT_EVENT") == 1);
}

TEST_CASE("override: humans only, audited, noted on the commit, accepted by ci-check as a notice", "[ci-check]") {
  Origin o;
  REQUIRE(o.sb.aq(o.coord, {"claim", "T2", "--actor", "dev"}).code == 0);
  const std::string hot = o.sb.commit_file(o.coord, "src/hotfix.c", "fix\n", "hotfix");
  Run robot = o.sb.aq(o.coord, {"override", "T2", "--reason", "prod down", "--commit", hot, "--actor", "robot"});
  CHECK(robot.code == 3);
  CHECK(robot.err.find("error[NOT_HUMAN]") != std::string::npos);
  Run no_reason = o.sb.aq(o.coord, {"override", "T2", "--commit", hot, "--actor", "alice"});
  CHECK(no_reason.code == 2);
  Run ok = o.sb.aq(o.coord, {"override", "T2", "--reason", "prod down, INC-42", "--commit", hot, "--actor", "alice"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(ok.out.find("OVERRIDE") != std::string::npos);
  CHECK(o.sb.git_ok(o.coord, {"notes", "--ref", "agentq", "show", hot}).find("\"type\":\"override\"") != std::string::npos);
  o.sb.git_ok(o.coord, {"push", "-q", "origin", "main", "refs/agent-queue/log:refs/agent-queue/log", "refs/notes/agentq:refs/notes/agentq"});
  auto j = o.check(o.ci_clone());
  CHECK(j["ok"] == true);
  REQUIRE(j["notices"].size() == 1);
  CHECK(j["notices"][0]["message"].get<std::string>().find("override of T2 by alice: prod down, INC-42") != std::string::npos);
}

TEST_CASE("ci-check and validate: a task open in the log but gone from the definitions is UNKNOWN_TASK", "[ci-check]") {
  Origin o;
  REQUIRE(o.sb.aq(o.coord, {"claim", "T2", "--actor", "dev"}).code == 0);
  std::string yaml = kCiYaml;
  yaml.erase(yaml.find("  - { id: T2"));
  o.sb.write("coord/.agentq/queue.yaml", yaml);
  o.sb.git_ok(o.coord, {"commit", "-q", "-am", "drop T2 while it is claimed"});
  o.sb.git_ok(o.coord, {"push", "-q", "origin", "main"});
  int code = -1;
  auto j = o.check(o.ci_clone(), {}, &code);
  CHECK(code == 1);
  // (the unsigned definitions change is itself DEFS_UNAUTHORISED: doc/security.md)
  CHECK(codes_of(j) == std::set<std::string>{"UNKNOWN_TASK", "DEFS_UNAUTHORISED"});
  for (const auto& c : j["checks"])
    if (c["name"] == "declared") CHECK(c["items"][0]["task"] == "T2");
  Run v = o.sb.aq(o.coord, {"validate", "--json"});
  CHECK(v.code == 1);
  auto findings = nlohmann::json::parse(v.out)["findings"];
  REQUIRE(findings.size() == 2);
  CHECK(findings[0]["code"] == "UNKNOWN_TASK");
  CHECK(findings[1]["code"] == "DEFS_UNAUTHORISED");
}
