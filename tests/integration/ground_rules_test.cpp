// Facts of git 2.39 / libgit2 1.5.1 the design rests on, each with the decision it forces
// (doc/hacking.md, "Facts of git this rests on"), checked here against the real tools.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "harness.h"

using namespace agentq::it;

TEST_CASE("ground rules: git refuses a one-level ref, so the log lives at refs/agent-queue/log", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  sb.git_ok(sb.root(), {"init", "-q", "--bare", sb.path("origin.git")});
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  const std::string plain = sb.make_repo("plain");
  sb.git_ok(plain, {"update-ref", "refs/agent-queue", "HEAD"});
  Run one_level = sb.git(plain, {"push", sb.path("origin.git"), "refs/agent-queue:refs/agent-queue"});
  CHECK(one_level.code != 0);
  CHECK(one_level.err.find("funny refname") != std::string::npos);
  CHECK(sb.git(repo, {"push", sb.path("origin.git"), "refs/agent-queue/log:refs/agent-queue/log"}).code == 0);
  // git's ref lookup finds the short name
  CHECK(sb.git_ok(repo, {"rev-parse", "agent-queue/log"}) == tip);
}

TEST_CASE("ground rules: glob refspecs fetch the queue, and match nothing harmlessly", "[ground-rules]") {
  Sandbox sb;
  std::string yaml = kQueueYaml;
  yaml.replace(yaml.find("  base: main\n"), 13, "  base: main\n  remote: origin\n");
  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", sb.path("origin.git")});
  const std::string repo = sb.make_repo("repo", yaml);
  sb.git_ok(repo, {"remote", "add", "origin", sb.path("origin.git")});
  sb.git_ok(repo, {"push", "-q", "origin", "main"});
  // the remote has no queue yet: init's fetch (and any plain fetch afterwards) still succeeds
  Run init = sb.aq(repo, {"init"});
  INFO(init.err);
  REQUIRE(init.code == 0);
  std::string specs = sb.git_ok(repo, {"config", "--get-all", "remote.origin.fetch"});
  CHECK(specs.find("+refs/agent-queue/*:refs/remotes/origin/agent-queue/*") != std::string::npos);
  CHECK(specs.find("+refs/notes/agentq*:refs/remotes/origin/notes/agentq*") != std::string::npos);
  CHECK(sb.git(repo, {"fetch", "-q", "origin"}).code == 0);
  // once pushed, a plain fetch in a fresh clone brings the queue along
  sb.git_ok(repo, {"push", "-q", "origin", "refs/agent-queue/log:refs/agent-queue/log"});
  sb.git_ok(sb.root(), {"clone", "-q", sb.path("origin.git"), sb.path("clone")});
  // a clone's init joins the existing queue instead of writing a second root event
  Run join = sb.aq(sb.path("clone"), {"init"});
  INFO(join.err);
  REQUIRE(join.code == 0);
  CHECK(sb.git_ok(sb.path("clone"), {"rev-parse", "refs/agent-queue/log"}) ==
        sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}));
  CHECK(sb.git_ok(sb.path("clone"), {"rev-parse", "refs/remotes/origin/agent-queue/log"}) ==
        sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}));
  CHECK(sb.aq(sb.path("clone"), {"validate"}).code == 0);
}

TEST_CASE("ground rules: the log ref has a reflog, so an old tip stays recoverable", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string first = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  std::string reflog = sb.git_ok(repo, {"reflog", "show", "--format=%H %gs", "refs/agent-queue/log"});
  CHECK(reflog.find(first) != std::string::npos);
  CHECK(reflog.find("agentq: claim A-1 by agent-a") != std::string::npos);
  // git itself keeps none outside heads/remotes/notes by default
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/other", first});
  CHECK(sb.git(repo, {"reflog", "exists", "refs/agent-queue/other"}).code != 0);
}

TEST_CASE("ground rules: notes use 2/38 fanout and are identical in every clone", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  std::vector<std::string> commits;
  for (int i = 0; i < 5; ++i) {
    commits.push_back(sb.commit_file(repo, "f" + std::to_string(i), std::to_string(i)));
    REQUIRE(sb.aq(repo, {"evidence", "B-1", "--command", "check " + std::to_string(i), "--result", "pass", "--actor",
                         "agent-b", "--commit", commits.back()})
                .code == 0);
  }
  const std::string notes = sb.git_ok(repo, {"rev-parse", "refs/notes/agentq"});
  // root entries are two-hex-digit trees, each holding 38-hex-digit blobs
  std::string root = sb.git_ok(repo, {"ls-tree", "refs/notes/agentq"});
  CHECK(root.find("tree") != std::string::npos);
  CHECK(root.find("\t" + commits[0].substr(0, 2)) != std::string::npos);
  std::string sub = sb.git_ok(repo, {"ls-tree", "refs/notes/agentq:" + commits[0].substr(0, 2)});
  CHECK(sub.find(commits[0].substr(2)) != std::string::npos);
  // git reads them through the fanout
  CHECK(sb.git_ok(repo, {"notes", "--ref", "agentq", "show", commits[3]}).find("check 3") != std::string::npos);
  // one notes commit per event that names a commit, deterministic: a rebuild anywhere gives the same id
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/notes/agentq"}) == "5");
  sb.git_ok(sb.root(), {"clone", "-q", "--mirror", repo, sb.path("mirror.git")});
  sb.git_ok(sb.path("mirror.git"), {"update-ref", "-d", "refs/notes/agentq"});
  Run rebuild = sb.aq(sb.path("mirror.git"), {"notes", "rebuild"});
  INFO(rebuild.err);
  REQUIRE(rebuild.code == 0);
  CHECK(sb.git_ok(sb.path("mirror.git"), {"rev-parse", "refs/notes/agentq"}) == notes);
}

TEST_CASE("ground rules: repositories open like git (subdirectory, -C, worktree, bare, GIT_DIR)", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  sb.write("repo/deep/er/file", "x");
  CHECK(sb.aq(sb.path("repo/deep/er"), {"status"}).code == 0);
  CHECK(sb.aq(sb.root(), {"-C", "repo", "status"}).code == 0);
  CHECK(sb.aq(sb.root(), {"status", "-C", "repo"}).code == 0);  // after the command too
  CHECK(sb.aq(sb.root(), {"-C", "repo", "-C", "deep", "status"}).code == 0);  // relative, as in git
  sb.git_ok(repo, {"worktree", "add", "-q", "-b", "agent/ui-1", sb.path("lane")});
  REQUIRE(sb.aq(sb.path("lane"), {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  // the claim id is per worktree; the log is shared
  CHECK(sb.read("lane/../repo/.git/worktrees/lane/agentq/claim/B-1").find("agent-b") != std::string::npos);
  CHECK(sb.aq_json(repo, {"show", "B-1"})["owner"] == "agent-b");
  sb.git_ok(sb.root(), {"clone", "-q", "--bare", repo, sb.path("bare.git")});
  sb.git_ok(repo, {"push", "-q", sb.path("bare.git"), "refs/agent-queue/log:refs/agent-queue/log"});
  CHECK(sb.aq(sb.path("bare.git"), {"validate"}).code == 0);
  Run env = sb.aq(sb.root(), {"status", "--json"}, {{"GIT_DIR", sb.path("bare.git")}});
  CHECK(env.code == 0);
}

TEST_CASE("ground rules: `git agentq` dispatches through git, and -h reaches the binary", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  Run via_git = sb.git(repo, {"agentq", "status", "--json"});
  CHECK(via_git.code == 0);
  Run help = sb.git(repo, {"agentq", "claim", "-h"});
  CHECK(help.code == 0);
  CHECK(help.out.find("usage: git agentq claim") != std::string::npos);
  Run list = sb.git(repo, {"agentq"});
  CHECK(list.out.find("claim") != std::string::npos);
}

TEST_CASE("ground rules: an event may only name definitions base carried, never a side branch's", "[ground-rules]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  // a side branch whose definitions let mallory act as backend
  sb.git_ok(repo, {"checkout", "-q", "-b", "evil"});
  std::string yaml = sb.read("repo/.agentq/queue.yaml");
  yaml.replace(yaml.find("  alice:"), 8, "  mallory: { roles: [backend] }\n  alice:");
  sb.write("repo/.agentq/queue.yaml", yaml);
  sb.git_ok(repo, {"commit", "-q", "-am", "let mallory in"});
  const std::string evil = sb.git_ok(repo, {"rev-parse", "HEAD"});
  sb.git_ok(repo, {"checkout", "-q", "main"});
  std::string body = "{\"actor\":\"mallory\",\"at\":\"2026-11-25T10:00:00Z\",\"defs\":\"" + evil +
                     "\",\"id\":\"forged-1\",\"lane\":1,\"role\":\"backend\",\"task\":\"A-1\",\"type\":\"claim\",\"v\":1}";
  sb.write("msg", "claim A-1 by mallory\n\n" + body + "\n");
  const std::string tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  const std::string forged = sb.git_ok(repo, {"commit-tree", tree, "-p", "refs/agent-queue/log", "-F", sb.path("msg")});
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", forged});
  auto v = sb.aq_json(repo, {"validate"});
  REQUIRE(v["findings"].size() == 1);
  CHECK(v["findings"][0]["code"] == "EVENT_INVALID");
  CHECK(v["findings"][0]["message"].get<std::string>().find("not on the first-parent history") != std::string::npos);
  CHECK(sb.aq_json(repo, {"show", "A-1"})["status"] == "todo");
}

TEST_CASE("completion: commands, options, task ids and roles complete in bash", "[completion]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string script = std::string(AGENTQ_SOURCE_DIR) + "/hooks/completion/git-agentq.bash";
  auto complete = [&](const std::string& line) {
    // Split like readline would, complete the last word.
    Run r = sb.run({"bash", "-c", "source '" + script + "'; read -ra COMP_WORDS <<< \"$LINE\"; "
                                  "[[ $LINE == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
                                  "_git_agentq; printf '%s\\n' \"${COMPREPLY[@]}\""},
                   repo, {{"LINE", line}});
    return r.out;
  };
  CHECK(complete("git agentq cl").find("claim\n") != std::string::npos);
  CHECK(complete("git agentq claim ").find("A-1\nA-2\nB-1") != std::string::npos);
  CHECK(complete("git agentq claim --") .find("--next\n") != std::string::npos);
  CHECK(complete("git agentq ready --role ").find("backend\nui") != std::string::npos);
  CHECK(complete("git agentq set-status A-1 ").find("blocked") != std::string::npos);
  CHECK(complete("git agentq review A-1 --decision ").find("changes_requested") != std::string::npos);
  CHECK(complete("git agentq").find("merge-ready") == std::string::npos);  // "agentq" itself is the word
}

TEST_CASE("command table: help, the manual's synopsis and completion all come from it", "[ground-rules][completion]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  // The manual lists exactly what the binary parses (scripts/man-synopsis.sh rewrites it).
  Run synopsis = sb.aq(repo, {"complete", "--", "man-synopsis"});
  REQUIRE(synopsis.code == 0);
  std::ifstream in(std::string(AGENTQ_SOURCE_DIR) + "/doc/git-agentq.1");
  std::stringstream man;
  man << in.rdbuf();
  INFO("run scripts/man-synopsis.sh to regenerate the SYNOPSIS of doc/git-agentq.1");
  CHECK(man.str().find(".SH SYNOPSIS\n" + synopsis.out + ".SH DESCRIPTION") != std::string::npos);
  // help CMD is CMD -h; a group lists its actions; an action has its own help.
  Run help = sb.aq(repo, {"help", "claim"});
  CHECK(help.code == 0);
  // No command at all: the usage, and exit 1 as git does; -h and `help` alone exit 0.
  Run bare = sb.aq(repo, {});
  CHECK(bare.code == 1);
  CHECK(bare.out.find("claim") != std::string::npos);
  CHECK(sb.aq(repo, {"-h"}).code == 0);
  CHECK(sb.aq(repo, {"help"}).code == 0);
  CHECK(help.out == sb.aq(repo, {"claim", "-h"}).out);
  CHECK(help.out.find("--event-id ID") != std::string::npos);
  CHECK(sb.aq(repo, {"help", "lanes"}).out.find("teardown") != std::string::npos);
  CHECK(sb.aq(repo, {"lanes", "teardown", "-h"}).out.find("usage: git agentq lanes teardown") != std::string::npos);
  CHECK(sb.aq(repo, {"lanes", "-h"}).code == 0);
  CHECK(sb.aq(repo, {"lanes"}).code == 2);
  CHECK(sb.aq(repo, {"help", "bogus"}).code == 2);
  // Global options are taken wherever they stand, and an option's value is never one.
  auto reason = sb.aq_json(repo, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(reason["ok"] == true);
  Run unclaim = sb.aq(repo, {"unclaim", "A-1", "--reason", "--json", "--actor", "agent-a"});
  CHECK(unclaim.code == 0);
  CHECK(sb.aq_json(repo, {"log", "A-1", "-n", "1"})["events"][0]["event"]["reason"] == "--json");
  // Usage errors after the command name honour --json.
  Run bad = sb.aq(repo, {"status", "--bogus", "--json"});
  CHECK(bad.code == 2);
  CHECK(nlohmann::json::parse(bad.out)["error"]["code"] == "USAGE");
  // Completion asks the table: options, which take values, their choices, positional names.
  CHECK(sb.aq(repo, {"complete", "--", "options", "claim"}).out.find("--next\n") != std::string::npos);
  CHECK(sb.aq(repo, {"complete", "--", "takes-value", "log"}).out.find("-n\n") != std::string::npos);
  CHECK(sb.aq(repo, {"complete", "--", "values", "evidence", "--kind"}).out == "code_anchor\nruntime\nother\n");
  CHECK(sb.aq(repo, {"complete", "--", "values", "evidence", "--log"}).out == "@file\n");
  CHECK(sb.aq(repo, {"complete", "--", "arg", "lanes", "teardown", "0"}).out.find("ui-2\n") != std::string::npos);
  CHECK(sb.aq(repo, {"complete", "--", "arg", "hook", "0"}).out.find("pre-receive\n") != std::string::npos);
  CHECK(sb.aq(repo, {"complete", "--", "subcommands", "lanes"}).out.find("review-refresh\n") != std::string::npos);
}
