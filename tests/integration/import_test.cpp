// import: a hand-kept YAML queue (the kind git-agentq replaces) becomes definitions on base plus the events of its
// state, on a real repository; status then shows the same state.
#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

std::string plain_repo(Sandbox& sb, const std::string& name) {
  Run r = sb.sh(sb.root(), "git init -q -b main " + name + " && cd " + name +
                               " && echo hello > README && git add README && git commit -qm start");
  REQUIRE(r.code == 0);
  return sb.path(name);
}

std::string legacy_queue(const std::string& done_commit, const std::string& work_commit) {
  return R"(# doc/governance/Agent_Work_Queue.yaml
version: 1
tasks:
  - id: C-OPS-001
    title: runbooks
    role: C-ops
    status: done
    owner: agent-c
    commit: )" + done_commit + R"(
  - id: A-P7-001
    title: harden provisioning retries
    role: A-backend
    depends_on: [C-OPS-001]
    acceptance_checks: ["go test ./services/..."]
    status: in_progress
    owner: agent-a
    branch: agent/A-backend
    commit: )" + work_commit.substr(0, 10) + R"(
    evidence:
      - { command: "go test ./services/...", result: pass }
      - { command: "rg -q retry services", exit_code: 1, kind: code_anchor }
  - id: B-UX-001
    title: retry banner
    role: B-ui
    status: blocked
    owner: agent-b
    blocked_reason: waiting for the retry contract
    blocked_by: A-P7-001
  - id: B-UX-002
    title: later
    role: B-ui
    depends_on: [A-P7-001]
    status: ready
)";
}

}  // namespace

TEST_CASE("import: round trip from a YAML queue, dry run first", "[import]") {
  Sandbox sb;
  const std::string repo = plain_repo(sb, "repo");
  const std::string done_commit = sb.git_ok(repo, {"rev-parse", "HEAD"});
  sb.git_ok(repo, {"checkout", "-q", "-b", "agent/A-backend"});
  const std::string work = sb.commit_file(repo, "services/retry.go", "package services\n");
  sb.git_ok(repo, {"checkout", "-q", "main"});
  sb.write("legacy.yaml", legacy_queue(done_commit, work));
  const std::string main_before = sb.git_ok(repo, {"rev-parse", "main"});

  Run dry = sb.aq(repo, {"import", "../legacy.yaml", "--dry-run"});
  INFO(dry.all());
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("would commit .agentq/queue.yaml to main") != std::string::npos);
  CHECK(dry.out.find("claim A-P7-001 by agent-a") != std::string::npos);
  CHECK(dry.out.find("status B-UX-001 -> blocked") != std::string::npos);
  // a dry run writes nothing
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == main_before);
  CHECK(sb.git(repo, {"rev-parse", "--verify", "-q", "refs/agent-queue/log"}).code != 0);
  auto dj = sb.aq_json(repo, {"import", "../legacy.yaml", "--dry-run"});
  CHECK(dj["dry_run"] == true);
  CHECK(dj["events"].size() == 7);  // done: claim+done; A: claim+2 evidence; B: claim+blocked

  Run imported = sb.aq(repo, {"import", "../legacy.yaml"});
  INFO(imported.all());
  REQUIRE(imported.code == 0);
  // the definitions are on base, and the checked-out work tree follows
  const std::string defs = sb.git_ok(repo, {"show", "main:.agentq/queue.yaml"});
  CHECK(defs.find("A-P7-001") != std::string::npos);
  CHECK(sb.git_ok(repo, {"rev-parse", "main^"}) == main_before);
  CHECK(sb.git_ok(repo, {"status", "--porcelain"}).empty());

  auto c = sb.aq_json(repo, {"show", "C-OPS-001"});
  CHECK(c["status"] == "done");
  CHECK(c["done"]["commit"] == done_commit);
  auto a = sb.aq_json(repo, {"show", "A-P7-001"});
  CHECK(a["status"] == "in_progress");
  CHECK(a["owner"] == "agent-a");
  CHECK(a["branch"] == "agent/A-backend");
  REQUIRE(a["evidence"].size() == 2);
  CHECK(a["evidence"][0]["commit"] == work);  // the short id was resolved
  CHECK(a["evidence"][0]["result"] == "pass");
  CHECK(a["evidence"][1]["result"] == "fail");
  CHECK(a["evidence"][1]["kind"] == "code_anchor");
  auto b = sb.aq_json(repo, {"show", "B-UX-001"});
  CHECK(b["status"] == "blocked");
  CHECK(b["blocked"]["reason"] == "waiting for the retry contract");
  CHECK(b["blocked"]["blocked_by"] == "A-P7-001");
  CHECK(sb.aq_json(repo, {"show", "B-UX-002"})["status"] == "todo");
  Run valid = sb.aq(repo, {"validate"});
  INFO(valid.all());
  CHECK(valid.code == 0);
  CHECK(sb.aq(repo, {"status"}).code == 0);

  // the same import again finishes nothing new and changes nothing
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  Run again = sb.aq(repo, {"import", "../legacy.yaml"});
  INFO(again.all());
  CHECK(again.code == 0);
  CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == tip);
  // a different file over a running queue is refused
  sb.write("other.yaml", "tasks:\n  - { id: X, role: r }\n");
  CHECK(sb.aq(repo, {"import", "../other.yaml"}).code == 2);
}

TEST_CASE("import: a file that breaks the rules is refused before anything is written", "[import]") {
  Sandbox sb;
  const std::string repo = plain_repo(sb, "repo");
  const std::string main_before = sb.git_ok(repo, {"rev-parse", "main"});
  sb.write("unknown.yaml", "tasks:\n  - { id: T, role: r, priority: 1 }\n");
  Run unknown = sb.aq(repo, {"import", "../unknown.yaml"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("DEF_UNKNOWN_KEY") != std::string::npos);
  CHECK(unknown.err.find("unknown.yaml:2:") != std::string::npos);
  sb.write("order.yaml",
           "tasks:\n  - { id: A, role: r }\n  - { id: B, role: r, depends_on: [A], status: in_progress, owner: x }\n");
  Run order = sb.aq(repo, {"import", "../order.yaml"});
  CHECK(order.code == 3);
  CHECK(order.err.find("DEP_NOT_DONE") != std::string::npos);
  sb.write("owner.yaml", "tasks:\n  - { id: A, role: r, status: in_progress }\n");
  CHECK(sb.aq(repo, {"import", "../owner.yaml"}).code == 2);
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == main_before);
  CHECK(sb.git(repo, {"rev-parse", "--verify", "-q", "refs/agent-queue/log"}).code != 0);
}

TEST_CASE("import: with a remote, base and the events land on origin, another clone sees the state", "[import]") {
  Sandbox sb;
  plain_repo(sb, "seed");
  REQUIRE(sb.sh(sb.root(), "git init -q --bare -b main origin.git && git -C seed push -q ../origin.git main").code == 0);
  REQUIRE(sb.sh(sb.root(), "git clone -q origin.git work").code == 0);
  const std::string work = sb.path("work");
  const std::string root = sb.git_ok(work, {"rev-parse", "HEAD"});
  sb.write("legacy.yaml", "policy: { base: main, remote: origin }\ntasks:\n"
                          "  - { id: T-1, role: dev, status: done, owner: ann, commit: " + root + " }\n"
                          "  - { id: T-2, role: dev, depends_on: [T-1], status: in_progress, owner: ann, branch: agent/dev }\n");
  Run imported = sb.aq(work, {"import", "../legacy.yaml"});
  INFO(imported.all());
  REQUIRE(imported.code == 0);
  const std::string origin = sb.path("origin.git");
  CHECK(sb.git_ok(origin, {"show", "main:.agentq/queue.yaml"}).find("T-2") != std::string::npos);
  CHECK(sb.git(origin, {"rev-parse", "--verify", "-q", "refs/agent-queue/log"}).code == 0);
  const std::string other = sb.clone(origin, "other");
  CHECK(sb.aq_json(other, {"show", "T-1"})["status"] == "done");
  auto t2 = sb.aq_json(other, {"show", "T-2"});
  CHECK(t2["status"] == "in_progress");
  CHECK(t2["owner"] == "ann");
  CHECK(sb.aq(other, {"validate"}).code == 0);
}
