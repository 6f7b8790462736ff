// Lanes, preflight, the board, tick, prune-stale and the failed-agent path of unclaim, on real
// repositories with real linked worktrees (inside the sandbox).
#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.h"

using namespace agentq::it;
using nlohmann::json;

namespace {

const char* kMarker = "# installed by git-agentq install-hooks";

bool lanes_has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::vector<std::string> item_codes(const json& j) {
  std::vector<std::string> out;
  for (const auto& i : j["items"]) out.push_back(i["code"].get<std::string>());
  return out;
}

void install_fake_hooks(const Sandbox& sb, const std::string& hooks_rel) {
  for (const char* h : {"pre-push", "pre-merge-commit", "reference-transaction"})
    sb.write(hooks_rel + "/" + h, std::string("#!/bin/sh\n") + kMarker + "\nexit 0\n");
}

std::string head_branch(const Sandbox& sb, const std::string& dir) {
  return sb.git_ok(dir, {"symbolic-ref", "--short", "HEAD"});
}

}  // namespace

TEST_CASE("lanes: setup makes one worktree per lane with its branch and actor, idempotently", "[lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  Run r = sb.aq(repo, {"lanes", "setup"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  const std::vector<std::pair<std::string, std::string>> lanes = {
      {"repo-backend", "agent/backend"}, {"repo-ui-1", "agent/ui-1"}, {"repo-ui-2", "agent/ui-2"}, {"repo-arch", "agent/arch"}};
  for (const auto& [dir, branch] : lanes) {
    INFO(dir);
    REQUIRE(std::filesystem::exists(sb.path(dir)));
    CHECK(head_branch(sb, sb.path(dir)) == branch);
    CHECK(sb.git_ok(sb.path(dir), {"rev-parse", "HEAD"}) == sb.git_ok(repo, {"rev-parse", "main"}));
  }
  // Each lane's actor is per worktree; the coordinator's checkout has none.
  CHECK(sb.git_ok(sb.path("repo-ui-1"), {"config", "agentq.actor"}) == "agent-b");
  CHECK(sb.git_ok(sb.path("repo-ui-2"), {"config", "agentq.actor"}) == "agent-b2");
  CHECK(sb.git_ok(sb.path("repo-arch"), {"config", "agentq.actor"}) == "rev");
  CHECK(sb.git(repo, {"config", "agentq.actor"}).code == 1);

  // Again: everything is kept, and what a human changed in a lane stays.
  sb.git_ok(sb.path("repo-ui-2"), {"config", "--worktree", "agentq.actor", "agent-b"});
  json again = sb.aq_json(repo, {"lanes", "setup"});
  CHECK(again["ok"] == true);
  for (const auto& l : again["lanes"]) {
    CHECK(l["created_worktree"] == false);
    CHECK(l["created_branch"] == false);
  }
  CHECK(sb.git_ok(sb.path("repo-ui-2"), {"config", "agentq.actor"}) == "agent-b");
  CHECK(sb.aq(repo, {"lanes", "setup", "--assign", "ui=agent-b"}).code == 2);      // which ui lane?
  CHECK(sb.aq(repo, {"lanes", "setup", "--assign", "ui-1=nobody"}).code == 2);

  // libgit2 still opens a repository with extensions.worktreeConfig: a lane claims with its actor.
  Run claim = sb.aq(sb.path("repo-ui-1"), {"claim", "B-1"});
  INFO(claim.all());
  REQUIRE(claim.code == 0);
  CHECK(lanes_has(claim.out, "branch agent/ui-1"));

  json st = sb.aq_json(repo, {"lanes", "status"});
  REQUIRE(st["lanes"].size() == 4);
  for (const auto& l : st["lanes"]) {
    CHECK(l["exists"] == true);
    CHECK(l["ahead"] == 0);
    CHECK(l["behind"] == 0);
    if (l["name"] == "ui-1") {
      CHECK(l["task"] == "B-1");
      CHECK(l["actor"] == "agent-b");
      CHECK_FALSE(l["last_activity"].is_null());
    } else {
      CHECK(l["task"].is_null());
    }
  }
  sb.write("repo-ui-2/scratch.txt", "x\n");
  sb.commit_file(sb.path("repo-backend"), "svc.go", "package svc\n");
  st = sb.aq_json(repo, {"lanes", "status"});
  for (const auto& l : st["lanes"]) {
    if (l["name"] == "ui-2") CHECK(l["dirty"].size() == 1);
    if (l["name"] == "backend") CHECK(l["ahead"] == 1);
  }
  Run text = sb.aq(repo, {"lanes", "status"});
  CHECK(text.code == 0);
  CHECK(lanes_has(text.out, "ui-1"));
  CHECK(lanes_has(text.out, "B-1"));
}

TEST_CASE("lanes: setup starts lanes from the remote's base", "[lanes]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string coord = sb.clone(origin, "coord");
  // The remote's base moves on; the coordinator's local main stays behind.
  const std::string newer = sb.commit_file(sb.path("seed"), "later.txt", "later\n");
  sb.git_ok(sb.path("seed"), {"push", "-q", "origin", "main"});
  Run r = sb.aq(coord, {"lanes", "setup"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(sb.git_ok(sb.path("coord-backend"), {"rev-parse", "HEAD"}) == newer);
  CHECK(sb.git_ok(coord, {"rev-parse", "main"}) != newer);
}

TEST_CASE("lanes: teardown refuses claimed work, dirty trees and unpushed commits, --force saves a patch", "[lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string ui1 = sb.path("repo-ui-1");
  REQUIRE(sb.aq(ui1, {"claim", "B-1"}).code == 0);

  Run busy = sb.aq(repo, {"lanes", "teardown", "ui-1"});
  CHECK(busy.code == 3);
  CHECK(lanes_has(busy.err, "LANE_BUSY"));
  CHECK(lanes_has(busy.err, "B-1"));
  CHECK(std::filesystem::exists(ui1));

  REQUIRE(sb.aq(repo, {"--actor", "alice", "unclaim", "B-1"}).code == 0);
  sb.write("repo-ui-1/wip.txt", "half done\n");
  Run dirty = sb.aq(repo, {"lanes", "teardown", "ui-1"});
  CHECK(dirty.code == 3);
  CHECK(lanes_has(dirty.err, "WORKTREE_DIRTY"));
  CHECK(lanes_has(dirty.err, "wip.txt"));

  std::filesystem::remove(sb.path("repo-ui-1/wip.txt"));
  const std::string local = sb.commit_file(ui1, "web/page.ts", "export {}\n");
  Run unpushed = sb.aq(repo, {"lanes", "teardown", "ui-1", "--json"});
  CHECK(unpushed.code == 3);
  json j = json::parse(unpushed.out);
  CHECK(j["ok"] == false);
  CHECK(item_codes(j) == std::vector<std::string>{"UNPUSHED_COMMITS"});
  CHECK(lanes_has(j["items"][0]["message"].get<std::string>(), local.substr(0, 12)));

  // Every blocker at once.
  sb.write("repo-ui-1/wip.txt", "half done\n");
  sb.write("repo-ui-1/web/page.ts", "export const changed = 1\n");
  j = json::parse(sb.aq(repo, {"lanes", "teardown", "ui-1", "--json"}).out);
  CHECK(item_codes(j) == std::vector<std::string>{"WORKTREE_DIRTY", "UNPUSHED_COMMITS"});

  // --force: the uncommitted work is saved as a patch, the worktree goes, the branch with its
  // unpushed commit stays.
  Run forced = sb.aq(repo, {"lanes", "teardown", "--force", "ui-1", "--json"});
  INFO(forced.all());
  REQUIRE(forced.code == 0);
  json f = json::parse(forced.out);
  CHECK(f["removed_worktree"] == true);
  CHECK(f["deleted_branch"] == false);
  const std::string patch = f["saved_patch"].get<std::string>();
  CHECK(lanes_has(patch, "/.git/agentq/saved/"));
  REQUIRE(std::filesystem::exists(patch));
  CHECK_FALSE(std::filesystem::exists(ui1));
  CHECK(sb.git_ok(repo, {"rev-parse", "agent/ui-1"}) == local);
  // The patch restores exactly the uncommitted work on top of the branch.
  sb.git_ok(repo, {"worktree", "add", "-q", sb.path("restore"), "agent/ui-1"});
  sb.git_ok(sb.path("restore"), {"apply", patch});
  CHECK(sb.read("restore/wip.txt") == "half done\n");
  CHECK(sb.read("restore/web/page.ts") == "export const changed = 1\n");
  sb.git_ok(repo, {"worktree", "remove", "--force", sb.path("restore")});

  // A clean lane goes with its branch, and setup brings it back.
  Run clean = sb.aq(repo, {"lanes", "teardown", "backend"});
  INFO(clean.all());
  CHECK(clean.code == 0);
  CHECK_FALSE(std::filesystem::exists(sb.path("repo-backend")));
  CHECK(sb.git(repo, {"rev-parse", "--verify", "-q", "refs/heads/agent/backend"}).code != 0);
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  CHECK(head_branch(sb, sb.path("repo-backend")) == "agent/backend");
  CHECK(head_branch(sb, ui1) == "agent/ui-1");

  // A lane whose directory was deleted by hand comes back with setup, and tears down cleanly.
  std::filesystem::remove_all(sb.path("repo-arch"));
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  CHECK(head_branch(sb, sb.path("repo-arch")) == "agent/arch");
  std::filesystem::remove_all(sb.path("repo-arch"));
  Run gone = sb.aq(repo, {"lanes", "teardown", "arch"});
  INFO(gone.all());
  CHECK(gone.code == 0);
  CHECK(sb.git(repo, {"rev-parse", "--verify", "-q", "refs/heads/agent/arch"}).code != 0);

  // Names are checked.
  CHECK(sb.aq(repo, {"lanes", "teardown", "ui"}).code == 2);
  CHECK(sb.aq(repo, {"lanes", "teardown", "nope"}).code == 2);
}

TEST_CASE("lanes: teardown with a remote counts pushed commits as safe", "[lanes]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string coord = sb.clone(origin, "coord");
  REQUIRE(sb.aq(coord, {"lanes", "setup"}).code == 0);
  const std::string lane = sb.path("coord-backend");
  sb.commit_file(lane, "svc.go", "package svc\n");
  Run refused = sb.aq(coord, {"lanes", "teardown", "backend"});
  CHECK(refused.code == 3);
  CHECK(lanes_has(refused.err, "UNPUSHED_COMMITS"));
  sb.git_ok(lane, {"push", "-q", "origin", "agent/backend"});
  Run ok = sb.aq(coord, {"lanes", "teardown", "backend"});
  INFO(ok.all());
  CHECK(ok.code == 0);
}

TEST_CASE("lanes: review-refresh moves a named review branch, never a detached FETCH_HEAD", "[lanes]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string coord = sb.clone(origin, "coord");
  REQUIRE(sb.aq(coord, {"lanes", "setup"}).code == 0);
  const std::string backend = sb.path("coord-backend"), arch = sb.path("coord-arch");
  const std::string first = sb.commit_file(backend, "svc.go", "package svc\n");
  sb.git_ok(backend, {"push", "-q", "origin", "agent/backend"});
  // Only the pushed commit counts: a later local one is not what the reviewer gets.
  sb.commit_file(backend, "svc2.go", "package svc\n");

  Run r = sb.aq(arch, {"lanes", "review-refresh", "backend"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(head_branch(sb, arch) == "review/backend");
  CHECK(sb.git_ok(arch, {"rev-parse", "HEAD"}) == first);
  CHECK(sb.git_ok(coord, {"rev-parse", "refs/remotes/origin/agent/backend"}) == first);

  // The next round moves the same branch.
  sb.git_ok(backend, {"push", "-q", "origin", "agent/backend"});
  const std::string second = sb.git_ok(backend, {"rev-parse", "HEAD"});
  json j = sb.aq_json(arch, {"lanes", "review-refresh", "backend"});
  CHECK(j["ok"] == true);
  CHECK(j["commit"] == second);
  CHECK(j["previous"] == first);
  CHECK(sb.git_ok(arch, {"rev-parse", "HEAD"}) == second);
  CHECK(head_branch(sb, arch) == "review/backend");

  // From elsewhere the branch is held by the reviewer's worktree: refused, naming it.
  Run in_use = sb.aq(coord, {"lanes", "review-refresh", "backend"});
  CHECK(in_use.code == 3);
  CHECK(lanes_has(in_use.err, "BRANCH_IN_USE"));
  CHECK(lanes_has(in_use.err, "coord-arch"));
  Run from_lane = sb.aq(sb.path("coord-ui-1"), {"lanes", "review-refresh", "backend"});
  CHECK(from_lane.code == 3);
  CHECK(lanes_has(from_lane.err, "BRANCH_IN_USE"));

  // A branch the remote does not have.
  Run missing = sb.aq(arch, {"lanes", "review-refresh", "ui-2"});
  CHECK(missing.code != 0);
  CHECK(lanes_has(missing.err, "BRANCH_MISSING"));
}

TEST_CASE("lanes: review-refresh without a remote uses the local role branch", "[lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string tip = sb.commit_file(sb.path("repo-ui-2"), "web/x.ts", "x\n");
  // From the coordinator's checkout the branch only moves; the checkout stays where it is.
  Run r = sb.aq(repo, {"lanes", "review-refresh", "ui-2"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  CHECK(sb.git_ok(repo, {"rev-parse", "review/ui-2"}) == tip);
  CHECK(head_branch(sb, repo) == "main");
  // A delivery lane is not switched away from its lane branch either.
  REQUIRE(sb.aq(sb.path("repo-backend"), {"lanes", "review-refresh", "ui-2"}).code == 0);
  CHECK(head_branch(sb, sb.path("repo-backend")) == "agent/backend");
  // In the review lane it switches; a dirty review lane is refused.
  sb.write("repo-arch/notes.txt", "findings\n");
  Run dirty = sb.aq(sb.path("repo-arch"), {"lanes", "review-refresh", "ui-2"});
  CHECK(dirty.code == 3);
  CHECK(lanes_has(dirty.err, "WORKTREE_DIRTY"));
  std::filesystem::remove(sb.path("repo-arch/notes.txt"));
  REQUIRE(sb.aq(sb.path("repo-arch"), {"lanes", "review-refresh", "ui-2"}).code == 0);
  CHECK(head_branch(sb, sb.path("repo-arch")) == "review/ui-2");
}

TEST_CASE("lanes: launch writes a tmux or zellij layout with a pane per lane", "[lanes]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  json t = sb.aq_json(repo, {"lanes", "launch", "--tool", "tmux"});
  REQUIRE(t["ok"] == true);
  CHECK(t["panes"].size() == 5);
  const std::string script = t["file"].get<std::string>();
  CHECK(lanes_has(script, "/.git/agentq/lanes.tmux.sh"));
  std::string text = sb.read(script.substr(sb.root().size() + 1));
  CHECK(lanes_has(text, "tmux new-session"));
  for (const char* lane : {"repo-backend", "repo-ui-1", "repo-ui-2", "repo-arch"}) CHECK(lanes_has(text, sb.path(lane)));

  json z = sb.aq_json(repo, {"lanes", "launch", "--tool", "zellij", "--output", sb.path("layout.kdl")});
  CHECK(z["file"] == sb.path("layout.kdl"));
  text = sb.read("layout.kdl");
  CHECK(lanes_has(text, "layout {"));
  CHECK(lanes_has(text, "pane name=\"ui-2\" cwd=\"" + sb.path("repo-ui-2") + "\""));
  CHECK(lanes_has(text, "pane name=\"coordinator\" cwd=\"" + repo + "\""));

  // --exec starts the layout: here with a stand-in tmux that records what it was asked to do.
  sb.write("bin/tmux", "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/tmux.log\"\n[ \"$1\" = has-session ] && exit 1\nexit 0\n");
  std::filesystem::permissions(sb.path("bin/tmux"), std::filesystem::perms::owner_all);
  // --exec needs a terminal (without one it starts nothing): script(1) from bsdutils, which
  // Debian always has, gives it a pseudo-terminal.
  Run exec = sb.sh(repo, "PATH=" + sb.path("bin") + ":$PATH script -qec 'git-agentq lanes launch --tool tmux --exec' /dev/null");
  INFO(exec.all());
  CHECK(exec.code == 0);
  CHECK(lanes_has(exec.out, "wrote the tmux layout"));  // printed before the exec, not lost with it
  const std::string log = sb.read("bin/tmux.log");
  CHECK(lanes_has(log, "new-session -d -s agentq-repo"));
  CHECK(lanes_has(log, "split-window"));
  CHECK(lanes_has(log, "attach-session"));
}

TEST_CASE("preflight: every failing item, one by one", "[lanes][preflight]") {
  Sandbox sb;
  REQUIRE(sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "agent-b@lane", "-f", sb.path("keyb")}).code == 0);
  REQUIRE(sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", sb.path("other")}).code == 0);
  std::string pub = sb.read("keyb.pub");
  pub = pub.substr(0, pub.find('\n'));
  std::string yaml = kQueueYaml;
  const std::string line = "agent-b: { roles: [ui], model: m2 }";
  yaml.replace(yaml.find(line), line.size(), "agent-b: { roles: [ui], model: m2, key: \"" + pub + "\" }");
  const std::string repo = sb.make_queue("repo", yaml);
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string lane = sb.path("repo-ui-1");

  // Hooks are not installed yet: the only failing item.
  json j = sb.aq_json(lane, {"preflight", "--role", "ui"});
  CHECK(j["ok"] == false);
  CHECK(item_codes(j) == std::vector<std::string>{"HOOKS_NOT_INSTALLED"});
  CHECK(sb.aq(lane, {"preflight", "--role", "ui"}).code == 1);
  // A hook without the marker does not count.
  sb.write("repo/.git/hooks/pre-push", "#!/bin/sh\nexit 0\n");
  CHECK(lanes_has(sb.aq(lane, {"preflight", "--role", "ui"}).err, "pre-push"));
  install_fake_hooks(sb, "repo/.git/hooks");
  Run ok = sb.aq(lane, {"preflight", "--role", "ui"});
  INFO(ok.all());
  REQUIRE(ok.code == 0);
  CHECK(lanes_has(ok.out, "preflight ok"));

  // core.hooksPath is honoured: the hooks must be there.
  sb.git_ok(repo, {"config", "core.hooksPath", sb.path("shared-hooks")});
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"HOOKS_NOT_INSTALLED"});
  install_fake_hooks(sb, "shared-hooks");
  REQUIRE(sb.aq(lane, {"preflight", "--role", "ui"}).code == 0);

  // Dirty tree.
  sb.write("repo-ui-1/wip.txt", "x\n");
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"WORKTREE_DIRTY"});
  std::filesystem::remove(sb.path("repo-ui-1/wip.txt"));

  // Not on the lane branch.
  sb.git_ok(lane, {"switch", "-q", "-c", "elsewhere"});
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"NOT_ON_LANE_BRANCH"});
  sb.git_ok(lane, {"switch", "-q", "agent/ui-1"});

  // Base moved on: not based on it.
  sb.commit_file(repo, "base.txt", "newer base\n");
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"NOT_BASED_ON_BASE"});
  sb.git_ok(lane, {"merge", "-q", "--ff-only", "main"});
  REQUIRE(sb.aq(lane, {"preflight", "--role", "ui"}).code == 0);

  // The signing key: setup wrote the declared key; a path to the private key (its .pub sibling)
  // is the same key; another key is not.
  CHECK(lanes_has(sb.git_ok(lane, {"config", "user.signingkey"}), pub.substr(0, 40)));
  sb.git_ok(lane, {"config", "--worktree", "user.signingkey", sb.path("keyb")});
  REQUIRE(sb.aq(lane, {"preflight", "--role", "ui"}).code == 0);
  sb.git_ok(lane, {"config", "--worktree", "user.signingkey", sb.path("other.pub")});
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"SIGNER_MISMATCH"});
  sb.git_ok(lane, {"config", "--worktree", "--unset", "user.signingkey"});
  CHECK(item_codes(sb.aq_json(lane, {"preflight", "--role", "ui"})) == std::vector<std::string>{"SIGNER_MISMATCH"});
  sb.git_ok(lane, {"config", "--worktree", "user.signingkey", "key::" + pub});

  // The actor must hold the role (and the lane be one of its lanes).
  j = sb.aq_json(lane, {"preflight", "--role", "backend"});
  CHECK(item_codes(j) == std::vector<std::string>{"NOT_ON_LANE_BRANCH", "ROLE_MISMATCH"});
  for (const auto& i : j["items"]) CHECK_FALSE(i["fix"].get<std::string>().empty());
  CHECK(item_codes(sb.aq_json(lane, {"--actor", "nobody", "preflight", "--role", "ui"})) ==
        std::vector<std::string>{"UNKNOWN_ACTOR"});

  // Everything wrong at once.
  sb.write("repo-ui-1/wip.txt", "x\n");
  sb.git_ok(lane, {"config", "--worktree", "user.signingkey", sb.path("other.pub")});
  sb.commit_file(repo, "base2.txt", "newer\n");
  sb.git_ok(repo, {"config", "--unset", "core.hooksPath"});
  std::filesystem::remove(sb.path("repo/.git/hooks/pre-push"));
  Run all = sb.aq(lane, {"preflight", "--role", "ui"});
  CHECK(all.code == 1);
  for (const char* code : {"WORKTREE_DIRTY", "NOT_BASED_ON_BASE", "HOOKS_NOT_INSTALLED", "SIGNER_MISMATCH"})
    CHECK(lanes_has(all.err, code));
  CHECK(sb.aq(lane, {"preflight", "--role", "nope"}).code == 2);
}

TEST_CASE("prune-stale: unclaims idle claims with a reason, leaves lanes alone", "[lanes][stale]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");  // stale_after: 1h
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string ui1 = sb.path("repo-ui-1");
  const std::map<std::string, std::string> t0{{"AGENTQ_NOW", "2026-01-01T00:00:00Z"}};
  const std::map<std::string, std::string> t50{{"AGENTQ_NOW", "2026-01-01T00:50:00Z"}};
  const std::map<std::string, std::string> t70{{"AGENTQ_NOW", "2026-01-01T01:10:00Z"}};
  REQUIRE(sb.aq(ui1, {"claim", "B-1"}, t0).code == 0);
  REQUIRE(sb.aq(repo, {"--actor", "agent-a", "claim", "A-1"}, t50).code == 0);
  sb.write("repo-ui-1/wip.txt", "unsaved thoughts\n");

  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  Run dry = sb.aq(repo, {"prune-stale", "--dry-run"}, t70);
  INFO(dry.all());
  REQUIRE(dry.code == 0);
  CHECK(lanes_has(dry.out, "B-1"));
  CHECK_FALSE(lanes_has(dry.out, "A-1"));
  CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == tip);
  // The board shows it as stale.
  json board = json::parse(sb.aq(repo, {"status", "--json"}, t70).out);
  REQUIRE(board["stale"].size() == 1);
  CHECK(board["stale"][0]["task"] == "B-1");

  Run prune = sb.aq(repo, {"--actor", "alice", "prune-stale", "--json"}, t70);
  INFO(prune.all());
  REQUIRE(prune.code == 0);
  json j = json::parse(prune.out);
  REQUIRE(j["pruned"].size() == 1);
  CHECK(j["pruned"][0]["task"] == "B-1");
  CHECK(lanes_has(j["pruned"][0]["reason"].get<std::string>(), "stale"));
  const std::string msg = sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"});
  CHECK(lanes_has(msg, "\"type\":\"unclaim\""));
  CHECK(lanes_has(msg, "stale: no activity for 1h 10m"));
  CHECK(sb.aq_json(repo, {"show", "B-1"})["status"] == "todo");
  CHECK(sb.aq_json(repo, {"show", "A-1"})["status"] == "in_progress");
  // The lane's work is untouched.
  CHECK(sb.read("repo-ui-1/wip.txt") == "unsaved thoughts\n");
  CHECK(lanes_has(sb.git_ok(ui1, {"status", "--porcelain"}), "wip.txt"));
  // The agent that comes back is fenced.
  Run late = sb.aq(ui1, {"set-status", "B-1", "blocked", "--reason", "x"}, t70);
  CHECK(late.code == 3);
  CHECK(lanes_has(late.err, "CLAIM_FENCED"));
  // Nothing more to prune.
  Run again = sb.aq(repo, {"--actor", "alice", "prune-stale"}, t70);
  CHECK(again.code == 0);
  CHECK(lanes_has(again.out, "no stale claims"));
  // Pruning needs an actor that may unclaim others' work.
  Run not_coord = sb.aq(repo, {"--actor", "agent-b", "prune-stale"}, {{"AGENTQ_NOW", "2026-01-01T03:00:00Z"}});
  CHECK(not_coord.code == 3);
}

TEST_CASE("unclaim: the failed-agent path saves the lane's uncommitted work first", "[lanes][stale]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  const std::string ui2 = sb.path("repo-ui-2");
  REQUIRE(sb.aq(ui2, {"claim", "B-PIN"}).code == 0);
  sb.commit_file(ui2, "web/a.ts", "a\n");
  sb.write("repo-ui-2/web/a.ts", "a changed\n");
  sb.write("repo-ui-2/web/new.ts", "new\n");
  sb.git_ok(ui2, {"add", "web/new.ts"});
  sb.write("repo-ui-2/untracked.txt", "loose\n");
  const std::string before = sb.git_ok(ui2, {"status", "--porcelain"});

  Run r = sb.aq(repo, {"--actor", "alice", "unclaim", "B-PIN", "--reason", "agent crashed", "--json"});
  INFO(r.all());
  REQUIRE(r.code == 0);
  json j = json::parse(r.out);
  const std::string patch = j["saved_patch"].get<std::string>();
  REQUIRE(std::filesystem::exists(patch));
  CHECK(lanes_has(patch, "/.git/agentq/saved/B-PIN-"));
  const std::string text = sb.read(patch.substr(sb.root().size() + 1));
  for (const char* f : {"web/a.ts", "web/new.ts", "untracked.txt"}) CHECK(lanes_has(text, f));
  // The lane is exactly as it was, index included.
  CHECK(sb.git_ok(ui2, {"status", "--porcelain"}) == before);
  // The event names the patch; the task is ready again.
  CHECK(lanes_has(sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"}), "\"saved_patch\":\"agentq/saved/B-PIN-"));
  bool ready = false;
  const json listed = sb.aq_json(repo, {"ready"});
  for (const auto& t : listed["ready"]) ready |= t["id"] == "B-PIN";
  CHECK(ready);

  // A clean lane saves nothing.
  REQUIRE(sb.aq(sb.path("repo-backend"), {"claim", "A-1"}).code == 0);
  json clean = sb.aq_json(repo, {"--actor", "alice", "unclaim", "A-1"});
  CHECK(clean["saved_patch"].is_null());
}

TEST_CASE("status and tick: the board with dispatch, and what changed since the last tick", "[lanes][board]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  json board = sb.aq_json(repo, {"status"});
  std::map<std::string, std::string> rec;
  for (const auto& d : board["dispatch"])
    rec[d["role"].get<std::string>() + "-" + std::to_string(d["lane"].get<int>())] = d["task"].is_null() ? "" : d["task"].get<std::string>();
  CHECK(rec["backend-1"] == "A-1");
  CHECK(rec["ui-1"] == "B-1");
  CHECK(rec["ui-2"] == "B-2");

  json first = sb.aq_json(repo, {"tick"});
  CHECK(first["first"] == true);
  CHECK(first["dispatch"].size() == 3);
  REQUIRE(sb.aq(repo, {"--actor", "agent-b", "claim", "B-1"}).code == 0);
  REQUIRE(sb.aq(repo, {"--actor", "agent-b", "set-status", "B-1", "blocked", "--reason", "waiting for api", "--blocked-by", "A-1"}).code == 0);

  json second = sb.aq_json(repo, {"tick"});
  CHECK(second["first"] == false);
  CHECK(second["events_since"] == 2);
  REQUIRE(second["changes"].size() == 1);
  CHECK(second["changes"][0]["task"] == "B-1");
  CHECK(second["changes"][0]["from"] == "todo");
  CHECK(second["changes"][0]["to"] == "blocked");
  // ui lane 1 is taken: lane 2 gets B-2, nothing else for ui.
  bool ui1 = false;
  for (const auto& d : second["dispatch"]) ui1 |= d["role"] == "ui" && d["lane"] == 1;
  CHECK_FALSE(ui1);

  Run third = sb.aq(repo, {"tick"});
  CHECK(third.code == 0);
  CHECK(lanes_has(third.out, "nothing changed since the last tick"));
  CHECK(lanes_has(third.out, "dispatch"));

  board = sb.aq_json(repo, {"status"});
  REQUIRE(board["blocked"].size() == 1);
  CHECK(board["blocked"][0]["reason"] == "waiting for api");
  CHECK(board["blocked"][0]["blocked_by"] == "A-1");
  Run text = sb.aq(repo, {"status"});
  CHECK(lanes_has(text.out, "dispatch"));
  CHECK(lanes_has(text.out, "git agentq claim B-2 --lane 2"));
  CHECK(lanes_has(text.out, "blocked by A-1"));

  // The tick is remembered per worktree: a lane's first tick is its own.
  REQUIRE(sb.aq(repo, {"lanes", "setup"}).code == 0);
  CHECK(sb.aq_json(sb.path("repo-arch"), {"tick"})["first"] == true);
}
