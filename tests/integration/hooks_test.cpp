// The hooks, installed for real and run by git itself: pre-push, pre-merge-commit,
// reference-transaction in clones, pre-receive on a bare origin; promote and release-guard.
#include <filesystem>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

const char* kHookYaml = R"(version: 1
policy:
  base: main
  release: rel
roles:
  backend: { kind: delivery }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend] }
  alice: { roles: [coord], human: true }
  robot: { roles: [coord] }
tasks:
  - { id: T1, role: backend, acceptance_checks: ["true"] }
  - { id: T2, role: backend, depends_on: [T1] }
  - { id: T3, role: backend }
)";


std::string tracked_status(const Sandbox& sb, const std::string& dir) {
  return sb.git_ok(dir, {"status", "--porcelain", "--untracked-files=no"});
}

// Claims `task` as dev on agent/backend, commits one file there and hands it off (without
// running its checks unless `checked`). Leaves `dir` on main. Returns the handoff commit.
std::string hand_off(const Sandbox& sb, const std::string& dir, const std::string& task, const std::string& file,
                     bool checked) {
  Run claim = sb.aq(dir, {"claim", task, "--actor", "dev", "--branch", "agent/backend"});
  INFO(claim.err);
  REQUIRE(claim.code == 0);
  sb.git_ok(dir, {"checkout", "-q", "-B", "agent/backend", "main"});
  const std::string c = sb.commit_file(dir, file, task + "\n", "work on " + task);
  if (checked) REQUIRE(sb.aq(dir, {"check", task, "--actor", "dev"}).code == 0);
  Run h = sb.aq(dir, {"handoff", task, "--actor", "dev", "--commit", c});
  INFO(h.err);
  REQUIRE(h.code == 0);
  sb.git_ok(dir, {"checkout", "-q", "main"});
  return c;
}

}  // namespace

TEST_CASE("hooks: install-hooks writes marked shims, is idempotent, and uninstall removes them", "[hooks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo", kHookYaml);
  Run first = sb.aq(repo, {"install-hooks", "--json"});
  INFO(first.err);
  REQUIRE(first.code == 0);
  auto j = nlohmann::json::parse(first.out);
  CHECK(j["guarded"] == nlohmann::json::array({"refs/heads/main", "refs/heads/rel"}));
  REQUIRE(j["hooks"].size() == 3);
  for (const char* name : {"pre-push", "pre-merge-commit", "reference-transaction"}) {
    const std::string text = sb.read("repo/.git/hooks/" + std::string(name));
    CHECK(has(text, "\n# installed by git-agentq install-hooks\n"));
    CHECK((std::filesystem::status(sb.path("repo/.git/hooks/" + std::string(name))).permissions() &
           std::filesystem::perms::owner_exec) != std::filesystem::perms::none);
  }
  CHECK(has(sb.read("repo/.git/hooks/reference-transaction"), "'refs/heads/main'|'refs/heads/rel'"));
  auto again = sb.aq_json(repo, {"install-hooks"});
  for (const auto& h : again["hooks"]) CHECK(h["action"] == "unchanged");
  Run un = sb.aq(repo, {"install-hooks", "--uninstall"});
  CHECK(un.code == 0);
  for (const char* name : {"pre-push", "pre-merge-commit", "reference-transaction"})
    CHECK_FALSE(std::filesystem::exists(sb.path("repo/.git/hooks/" + std::string(name))));
}

TEST_CASE("hooks: a refused fast-forward merge says how to restore the tree, and following it works", "[hooks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo", kHookYaml);
  REQUIRE(sb.aq(repo, {"install-hooks"}).code == 0);
  const std::string c = hand_off(sb, repo, "T1", "src/t1.c", false);  // no evidence yet: not merge-ready
  const std::string main_before = sb.git_ok(repo, {"rev-parse", "main"});
  sb.write("repo/untracked.txt", "mine\n");

  Run ff = sb.git(repo, {"merge", "--ff-only", "agent/backend"});
  INFO(ff.err);
  CHECK(ff.code != 0);
  CHECK(has(ff.err, "error[EVIDENCE_MISSING]"));
  CHECK(has(ff.err, "work of T1, which is not merge-ready"));
  CHECK(has(ff.err, "git has already updated the index and the work tree"));
  CHECK(has(ff.err, "git reset --merge HEAD"));
  CHECK(has(ff.err, "git agentq merge T1"));
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == main_before);  // the ref stayed put
  CHECK_FALSE(tracked_status(sb, repo).empty());                 // ...but the tree did not

  // Following the message restores a clean tree and keeps untracked files.
  sb.git_ok(repo, {"reset", "--merge", "HEAD"});
  CHECK(tracked_status(sb, repo).empty());
  CHECK_FALSE(std::filesystem::exists(sb.path("repo/src/t1.c")));
  CHECK(sb.read("repo/untracked.txt") == "mine\n");
  CHECK(sb.git_ok(repo, {"rev-parse", "HEAD"}) == main_before);

  // Once merge-ready, the clean path goes through the hook.
  std::filesystem::remove(sb.path("repo/untracked.txt"));  // merge wants a clean work tree
  REQUIRE(sb.aq(repo, {"check", "T1", "--actor", "dev", "--commit", c}).code == 0);
  Run merge = sb.aq(repo, {"merge", "T1", "--actor", "alice"});
  INFO(merge.err);
  REQUIRE(merge.code == 0);
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == c);
  CHECK(sb.aq_json(repo, {"show", "T1"})["status"] == "done");
}

TEST_CASE("hooks: a merge-ready fast-forward is allowed, stray commits on base are refused, other refs pass", "[hooks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo", kHookYaml);
  REQUIRE(sb.aq(repo, {"install-hooks"}).code == 0);
  const std::string c = hand_off(sb, repo, "T1", "src/t1.c", true);
  Run ff = sb.git(repo, {"merge", "--ff-only", "agent/backend"});
  INFO(ff.err);
  CHECK(ff.code == 0);
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == c);

  // A commit made directly on base belongs to no task: the ref stays, the changes stay staged.
  sb.write("repo/stray.c", "x\n");
  sb.git_ok(repo, {"add", "stray.c"});
  Run commit = sb.git(repo, {"commit", "-q", "-m", "stray"});
  CHECK(commit.code != 0);
  CHECK(has(commit.err, "error[UNTRACKED_BASE_COMMIT]"));
  CHECK(has(commit.err, "main did not move"));
  CHECK_FALSE(has(commit.err, "git reset --merge"));
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == c);
  CHECK(tracked_status(sb, repo) == "A  stray.c");
  // update-ref is judged the same way
  const std::string stray = sb.git_ok(repo, {"commit-tree", "-p", c, "-m", "x", sb.git_ok(repo, {"write-tree"})});
  CHECK(sb.git(repo, {"update-ref", "refs/heads/main", stray}).code != 0);
  // definitions-only commits need no task, but they must load
  sb.git_ok(repo, {"reset", "-q"});
  sb.write("repo/.agentq/queue.yaml", "version: 1\npolicy: {base: main, typo: 1}\n");
  sb.git_ok(repo, {"add", ".agentq/queue.yaml"});
  Run broken = sb.git(repo, {"commit", "-q", "-m", "break the definitions"});
  CHECK(broken.code != 0);
  CHECK(has(broken.err, "error[DEF_UNKNOWN_KEY]"));
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == c);
  sb.write("repo/.agentq/queue.yaml", std::string(kHookYaml) + "  - { id: T4, role: backend }\n");
  sb.git_ok(repo, {"add", ".agentq/queue.yaml"});
  CHECK(sb.git(repo, {"commit", "-q", "-m", "add T4"}).code == 0);
  // unrelated branches, tags and pack-refs are untouched
  CHECK(sb.git(repo, {"branch", "feature", stray}).code == 0);
  CHECK(sb.git(repo, {"tag", "v1", stray}).code == 0);
  CHECK(sb.git(repo, {"update-ref", "refs/heads/other", stray}).code == 0);
  CHECK(sb.git(repo, {"pack-refs", "--all"}).code == 0);
  CHECK(sb.git(repo, {"reset", "--merge", "HEAD"}).code == 0);
  // the hook entry point itself: --json, an unknown hook, an unguarded ref
  const std::string zero(40, '0');
  Run j = sb.run({sb.binary(), "hook", "reference-transaction", "prepared", "--json"}, repo, {},
                 zero + " " + stray + " refs/heads/main\n");
  CHECK(j.code == 1);
  auto verdict = nlohmann::json::parse(j.out);
  CHECK(verdict["ok"] == false);
  CHECK(verdict["refusals"][0]["code"] == "UNTRACKED_BASE_COMMIT");
  CHECK(sb.run({sb.binary(), "hook", "reference-transaction", "prepared"}, repo, {}, zero + " " + stray + " refs/heads/x\n")
            .code == 0);
  CHECK(sb.run({sb.binary(), "hook", "reference-transaction", "committed"}, repo, {}, zero + " " + stray + " refs/heads/main\n")
            .code == 0);
  CHECK(sb.aq(repo, {"hook", "post-checkout"}).code == 2);
  // the release branch gets the release guard
  Run rel = sb.git(repo, {"branch", "rel", "main"});
  CHECK(rel.code != 0);
  CHECK(has(rel.err, "error[RELEASE_NOT_PROMOTED]"));
}

TEST_CASE("hooks: pre-merge-commit refuses a merge commit of unready work into base", "[hooks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo", kHookYaml);
  REQUIRE(sb.aq(repo, {"install-hooks"}).code == 0);
  hand_off(sb, repo, "T1", "src/t1.c", false);
  // base moves on by a definitions change, so the merge cannot fast-forward
  sb.write("repo/.agentq/queue.yaml", std::string(kHookYaml) + "  - { id: T4, role: backend }\n");
  sb.git_ok(repo, {"commit", "-q", "-am", "add T4"});
  const std::string before = sb.git_ok(repo, {"rev-parse", "main"});
  Run m = sb.git(repo, {"merge", "--no-ff", "--no-edit", "agent/backend"});
  INFO(m.err);
  CHECK(m.code != 0);
  CHECK(has(m.err, "git-agentq pre-merge-commit refused"));
  CHECK(has(m.err, "error[EVIDENCE_MISSING]"));
  CHECK(has(m.err, "git merge --abort"));
  CHECK(sb.git_ok(repo, {"rev-parse", "main"}) == before);
  sb.git_ok(repo, {"merge", "--abort"});
  CHECK(tracked_status(sb, repo).empty());
}

TEST_CASE("hooks: pre-push refuses unready work pushed to base, accepts merge-ready work, ignores other refs", "[hooks]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", with_remote(kHookYaml));
  const std::string dir = sb.clone(origin, "dev");
  REQUIRE(sb.aq(dir, {"install-hooks"}).code == 0);
  const std::string c = hand_off(sb, dir, "T1", "src/t1.c", false);  // the writes themselves pass pre-push
  Run push = sb.git(dir, {"push", "origin", "agent/backend:main"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has(push.err, "git-agentq pre-push refused the push to origin"));
  CHECK(has(push.err, "error[EVIDENCE_MISSING]"));
  CHECK(has(push.err, c.substr(0, 12)));
  CHECK(sb.git_ok(origin, {"rev-parse", "main"}) != c);
  // other branches and tags pass untouched
  sb.git_ok(dir, {"tag", "v0", c});
  CHECK(sb.git(dir, {"push", "-q", "origin", "agent/backend:refs/heads/wip", "v0"}).code == 0);
  // once merge-ready, the push is accepted
  REQUIRE(sb.aq(dir, {"check", "T1", "--actor", "dev", "--commit", c}).code == 0);
  Run ok = sb.git(dir, {"push", "-q", "origin", "agent/backend:main"});
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == c);
}

TEST_CASE("hooks: chaining with an existing hook and core.hooksPath, and uninstall restores it", "[hooks]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", with_remote(kHookYaml));
  const std::string dir = sb.clone(origin, "dev");
  sb.git_ok(dir, {"config", "core.hooksPath", "githooks"});
  const std::string theirs = "#!/bin/sh\nwhile read l; do echo \"$l\" >> \"$PWD/chained.log\"; done\nexit \"${FAIL:-0}\"\n";
  sb.write("dev/githooks/pre-push", theirs);
  std::filesystem::permissions(sb.path("dev/githooks/pre-push"), std::filesystem::perms::owner_all);
  Run inst = sb.aq(dir, {"install-hooks", "--json"});
  INFO(inst.err);
  REQUIRE(inst.code == 0);
  auto j = nlohmann::json::parse(inst.out);
  CHECK(j["dir"] == sb.path("dev/githooks"));
  CHECK(has(sb.read("dev/githooks/pre-push"), "# installed by git-agentq install-hooks"));
  CHECK(sb.read("dev/githooks/pre-push.agentq-chained") == theirs);
  CHECK_FALSE(std::filesystem::exists(sb.path("dev/.git/hooks/pre-push")));

  // the existing hook still runs, with the same input, and the queue's hook after it
  const std::string c = hand_off(sb, dir, "T1", "src/t1.c", false);
  CHECK(has(sb.read("dev/chained.log"), "refs/heads/agent/backend"));  // handoff pushed the branch
  Run refused = sb.git(dir, {"push", "origin", "agent/backend:main"});
  CHECK(refused.code != 0);
  CHECK(has(refused.err, "error[EVIDENCE_MISSING]"));
  CHECK(has(sb.read("dev/chained.log"), "refs/heads/agent/backend " + c + " refs/heads/main"));
  // ...and its failure still blocks
  sb.git_ok(dir, {"config", "core.hooksPath", sb.path("dev/githooks")});  // absolute works too
  Run blocked = sb.run({"git", "push", "origin", "agent/backend:refs/heads/wip"}, dir, {{"FAIL", "1"}});
  CHECK(blocked.code != 0);
  CHECK(sb.git(origin, {"rev-parse", "--verify", "-q", "refs/heads/wip"}).code != 0);

  Run un = sb.aq(dir, {"install-hooks", "--uninstall"});
  CHECK(un.code == 0);
  CHECK(sb.read("dev/githooks/pre-push") == theirs);
  CHECK_FALSE(std::filesystem::exists(sb.path("dev/githooks/pre-push.agentq-chained")));
  CHECK_FALSE(std::filesystem::exists(sb.path("dev/githooks/reference-transaction")));
}

TEST_CASE("hooks: pre-receive on origin refuses forged events, rewrites, bad notes, unready base and release pushes",
          "[hooks][pre-receive]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", with_remote(kHookYaml));
  Run inst = sb.aq(origin, {"install-hooks"});
  INFO(inst.err);
  REQUIRE(inst.code == 0);
  CHECK(has(sb.read("origin.git/hooks/pre-receive"), "# installed by git-agentq install-hooks"));
  const std::string dir = sb.clone(origin, "dev");
  // the queue's own writes pass (claim, check, handoff publish through origin)
  const std::string c = hand_off(sb, dir, "T1", "src/t1.c", false);
  const std::string log = sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});

  SECTION("an event that replay refuses") {
    const std::string main = sb.git_ok(dir, {"rev-parse", "main"});
    const std::string json = R"({"actor":"dev","at":"2026-01-01T00:00:00Z","defs":")" + main +
                             R"(","id":"forged-1","lane":1,"role":"backend","task":"T2","type":"claim","v":1})";
    const std::string tree = sb.git_ok(dir, {"hash-object", "-t", "tree", "-w", "/dev/null"});
    Run forged = sb.run({"sh", "-c", "printf 'claim T2\\n\\n%s\\n' '" + json + "' | git commit-tree " + tree +
                                         " -p refs/agent-queue/log"},
                        dir);
    REQUIRE(forged.code == 0);
    const std::string id = forged.out.substr(0, 40);
    Run push = sb.git(dir, {"push", "origin", id + ":refs/agent-queue/log"});
    INFO(push.err);
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[DEP_NOT_DONE]"));
    CHECK(has(push.err, id.substr(0, 12)));
    CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == log);
  }
  SECTION("a rewritten log") {
    Run push = sb.git(dir, {"push", "-f", "origin", "refs/agent-queue/log~1:refs/agent-queue/log"});
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[NON_FAST_FORWARD]"));
    CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == log);
  }
  SECTION("notes that disagree with the log") {
    sb.git_ok(dir, {"notes", "--ref", "agentq", "add", "-m", "junk", "main"});
    Run push = sb.git(dir, {"push", "origin", "refs/notes/agentq:refs/notes/agentq"});
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[NOTE_WITHOUT_EVENT]"));
  }
  SECTION("base: unready work refused, merge through the queue accepted") {
    Run push = sb.git(dir, {"push", "--no-verify", "origin", "agent/backend:main"});  // no client hook here
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[EVIDENCE_MISSING]"));
    REQUIRE(sb.aq(dir, {"check", "T1", "--actor", "dev", "--commit", c}).code == 0);
    Run merge = sb.aq(dir, {"merge", "T1", "--actor", "alice"});
    INFO(merge.err);
    CHECK(merge.code == 0);
    CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == c);
  }
  SECTION("a push is judged by the policy base had before it, not by the one it brings") {
    std::string relaxed = with_remote(kHookYaml);
    relaxed.replace(relaxed.find("  release: rel\n"), 15, "  release: rel\n  protect_base: false\n  exempt: { paths: [\"src/**\"] }\n");
    sb.write("dev/.agentq/queue.yaml", relaxed);
    sb.git_ok(dir, {"commit", "-q", "-am", "relax the policy"});
    const std::string sneaky = sb.commit_file(dir, "src/sneak.c", "x\n", "sneak");
    Run push = sb.git(dir, {"push", "origin", "main"});
    INFO(push.err);
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[UNTRACKED_BASE_COMMIT]"));
    CHECK(has(push.err, sneaky.substr(0, 12)));
    // nor does the definitions change alone land: no human actor signed it (doc/security.md)
    Run alone = sb.git(dir, {"push", "origin", "main~1:main"});
    CHECK(alone.code != 0);
    CHECK(has(alone.err, "error[DEFS_UNAUTHORISED]"));
  }
  SECTION("release: only promoted commits of base") {
    Run stray = sb.git(dir, {"push", "origin", "agent/backend:refs/heads/rel"});
    CHECK(stray.code != 0);
    CHECK(has(stray.err, "error[RELEASE_NOT_IN_BASE]"));
    Run unpromoted = sb.git(dir, {"push", "origin", "main:refs/heads/rel"});
    CHECK(unpromoted.code != 0);
    CHECK(has(unpromoted.err, "error[RELEASE_NOT_PROMOTED]"));
    Run promote = sb.aq(dir, {"promote", "main", "--risks", "none", "--rollback", "redeploy the previous tag", "--actor", "alice"});
    INFO(promote.err);
    CHECK(promote.code == 0);
    CHECK(sb.git_ok(origin, {"rev-parse", "rel"}) == sb.git_ok(dir, {"rev-parse", "main"}));
  }
  // the hook wrote nothing into origin
  CHECK_FALSE(std::filesystem::exists(sb.path("origin.git/agentq")));
}

TEST_CASE("promote: humans only, base commits only, evidence recorded, release moved and guarded", "[promote]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", with_remote(kHookYaml));
  const std::string dir = sb.clone(origin, "coord");
  REQUIRE(sb.aq(dir, {"install-hooks"}).code == 0);  // merge and promote pass every hook
  const std::string c = hand_off(sb, dir, "T1", "src/t1.c", true);
  Run merged = sb.aq(dir, {"merge", "T1", "--actor", "alice"});
  INFO(merged.err);
  REQUIRE(merged.code == 0);
  CHECK(sb.aq(dir, {"release-guard"}).code == 0);  // nothing released yet

  Run robot = sb.aq(dir, {"promote", c, "--risks", "r", "--rollback", "b", "--actor", "robot"});
  CHECK(robot.code == 3);
  CHECK(has(robot.err, "error[NOT_HUMAN]"));
  const std::string side = sb.git_ok(dir, {"commit-tree", "-p", c, "-m", "side", sb.git_ok(dir, {"rev-parse", c + "^{tree}"})});
  Run off_base = sb.aq(dir, {"promote", side, "--risks", "r", "--rollback", "b", "--actor", "alice"});
  CHECK(off_base.code == 3);
  CHECK(has(off_base.err, "error[RELEASE_NOT_IN_BASE]"));
  CHECK(sb.aq(dir, {"promote", c, "--actor", "alice"}).code == 2);  // risks and rollback are the record

  Run ok = sb.aq(dir, {"promote", c, "--risks", "new retry path", "--rollback", "promote the previous SHA", "--actor",
                       "alice", "--json"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  auto j = nlohmann::json::parse(ok.out);
  CHECK(j["tasks"] == nlohmann::json::array({"T1"}));
  CHECK(j["pushed"] == true);
  CHECK(sb.git_ok(origin, {"rev-parse", "rel"}) == c);
  CHECK(sb.git_ok(dir, {"rev-parse", "rel"}) == c);
  // The same SHA again is a no-op that says so: nothing is written.
  const std::string log_tip = sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});
  Run twice = sb.aq(dir, {"promote", c, "--risks", "r", "--rollback", "b", "--actor", "alice"});
  INFO(twice.all());
  CHECK(twice.code == 0);
  CHECK(has(twice.out, "nothing to do"));
  CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == log_tip);
  auto twice_json = nlohmann::json::parse(sb.aq(dir, {"promote", c, "--risks", "r", "--rollback", "b", "--actor", "alice", "--json"}).out);
  CHECK(twice_json["noop"] == true);
  CHECK(twice_json["event"] == j["event"]);
  const std::string evidence = sb.git_ok(dir, {"show", j["event"].get<std::string>() + ":release/evidence.json"});
  auto ev = nlohmann::json::parse(evidence);
  CHECK(ev["source"] == c);
  CHECK(ev["rollback"] == "promote the previous SHA");
  CHECK(ev["tasks"][0]["id"] == "T1");
  CHECK(ev["tasks"][0]["evidence"][0]["result"] == "pass");
  CHECK(has(sb.git_ok(dir, {"notes", "--ref", "agentq", "show", c}), "\"type\":\"promote\""));
  Run guard = sb.aq(dir, {"release-guard", "--json"});
  CHECK(guard.code == 0);
  CHECK(nlohmann::json::parse(guard.out)["ok"] == true);

  // a release-only hotfix: the hook refuses it; made without hooks, release-guard catches it
  sb.git_ok(dir, {"checkout", "-q", "rel"});
  sb.write("coord/src/hot.c", "hot\n");
  sb.git_ok(dir, {"add", "src/hot.c"});
  Run hooked = sb.git(dir, {"commit", "-q", "-m", "hotfix on release"});
  CHECK(hooked.code != 0);
  CHECK(has(hooked.err, "error[RELEASE_NOT_IN_BASE]"));
  sb.git_ok(dir, {"-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "hotfix on release"});
  const std::string hot = sb.git_ok(dir, {"rev-parse", "HEAD"});
  sb.git_ok(dir, {"checkout", "-q", "main"});
  Run caught = sb.aq(dir, {"release-guard"});
  CHECK(caught.code == 1);
  CHECK(has(caught.err, "error[RELEASE_NOT_IN_BASE]"));
  CHECK(has(caught.err, hot.substr(0, 12)));
  // putting the branch back on the promoted SHA is fine (the hook agrees)
  sb.git_ok(dir, {"update-ref", "refs/heads/rel", c});
  CHECK(sb.aq(dir, {"release-guard"}).code == 0);
}

TEST_CASE("hooks: an override by a human lets its commits through the base gate, loudly", "[hooks]") {
  Sandbox sb;
  const std::string origin = sb.make_origin("origin.git", with_remote(kHookYaml));
  REQUIRE(sb.aq(origin, {"install-hooks"}).code == 0);
  const std::string dir = sb.clone(origin, "coord");
  REQUIRE(sb.aq(dir, {"install-hooks"}).code == 0);
  REQUIRE(sb.aq(dir, {"claim", "T3", "--actor", "dev", "--branch", "hotfix"}).code == 0);
  sb.git_ok(dir, {"checkout", "-q", "-b", "hotfix", "main"});
  const std::string hot = sb.commit_file(dir, "src/hot.c", "fix\n", "hotfix");
  sb.git_ok(dir, {"checkout", "-q", "main"});
  Run refused = sb.git(dir, {"push", "origin", "hotfix:main"});
  CHECK(refused.code != 0);
  CHECK(has(refused.err, "error[UNTRACKED_BASE_COMMIT]"));
  Run robot = sb.aq(dir, {"override", "T3", "--reason", "prod down", "--commit", hot, "--actor", "robot"});
  CHECK(robot.code == 3);
  Run o = sb.aq(dir, {"override", "T3", "--reason", "prod down, INC-7", "--commit", hot, "--actor", "alice"});
  INFO(o.err);
  REQUIRE(o.code == 0);
  // both the client's pre-push and origin's pre-receive let it through, and say so
  Run pushed = sb.git(dir, {"push", "origin", "hotfix:main"});
  INFO(pushed.err);
  CHECK(pushed.code == 0);
  CHECK(has(pushed.err, "notice[UNTRACKED_BASE_COMMIT]"));
  CHECK(has(pushed.err, "override of T3 by alice: prod down, INC-7"));
  CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == hot);
  // and the local branch may follow
  CHECK(sb.git(dir, {"merge", "-q", "--ff-only", "origin/main"}).code == 0);
}

TEST_CASE("promote: in a local-only queue the event is written, then the branch moves through the hooks", "[promote]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo", kHookYaml);
  REQUIRE(sb.aq(repo, {"install-hooks"}).code == 0);
  const std::string main = sb.git_ok(repo, {"rev-parse", "main"});
  Run p = sb.aq(repo, {"promote", "main", "--risks", "none", "--rollback", "none yet", "--actor", "alice", "--json"});
  INFO(p.err);
  REQUIRE(p.code == 0);
  CHECK(nlohmann::json::parse(p.out)["pushed"] == false);
  CHECK(sb.git_ok(repo, {"rev-parse", "rel"}) == main);
  CHECK(sb.aq(repo, {"release-guard"}).code == 0);
  CHECK(sb.aq(repo, {"validate"}).code == 0);
  CHECK(sb.aq_json(repo, {"log"}).dump().find("promote") != std::string::npos);
}
