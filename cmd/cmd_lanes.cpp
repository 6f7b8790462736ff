// git agentq lanes setup | status | teardown | review-refresh | launch: one persistent worktree
// per (role, lane), as runbooks 001 §1/§12/§13 and 004 set them up by hand.
#include <algorithm>
#include <filesystem>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/lanes.h"
#include "gitstore/lanes.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {
namespace {

struct LanesEnv {
  Queue& q;
  LaneLayout layout;
  std::vector<Lane> lanes;
  BaseTip base;
  std::vector<WorktreeEntry> worktrees;
};

Result<LanesEnv> lanes_open(Queue& q) {
  auto layout = lane_layout(q.repo(), q.defs());
  if (!layout) return fail(layout.error());
  auto wts = list_worktrees(q.repo());
  if (!wts) return fail(wts.error());
  LanesEnv e{q, *layout, {}, {}, std::move(*wts)};
  e.lanes = plan_lanes(e.q.defs(), e.layout.prefix);
  e.base = base_tip_of(e.q.repo(), e.q.remote(), e.q.state().base);
  return e;
}

const WorktreeEntry* lanes_worktree_at(const LanesEnv& e, const std::string& path) {
  std::error_code ec;
  auto want = std::filesystem::weakly_canonical(path, ec);
  for (const auto& w : e.worktrees) {
    std::error_code ec2;
    if (std::filesystem::weakly_canonical(w.path, ec2) == want) return &w;
  }
  return nullptr;
}

std::string lanes_task_of(const QueueState& s, const Lane& l) {
  auto r = s.lane_holders.find(l.role);
  if (r == s.lane_holders.end()) return {};
  auto t = r->second.find(l.lane);
  return t == r->second.end() ? std::string() : t->second;
}

std::string lanes_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string lanes_kdl(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Status check_lanes_lane(const Invocation& in) {
  if (in.str("lane").empty())
    return fail(Error::usage("which lane?").hint("git agentq " + in.cmd.name + " ROLE[-LANE]"));
  return {};
}

int run_lanes_setup(Invocation& in) {
  Context& ctx = in.ctx;
  auto e = lanes_open(in.queue());
  if (!e) return ctx.out.error(e.error());
  const Definitions& d = e->q.defs();
  std::map<std::string, std::string> overrides;
  for (const auto& a : in.strs("assign")) {
      const size_t eq = a.find('=');
      if (eq == std::string::npos) return ctx.out.error(Error::usage("--assign wants LANE=ACTOR, not '" + a + "'"));
      auto lane = find_lane(d, e->layout.prefix, a.substr(0, eq));
      if (!lane) return ctx.out.error(lane.error());
      if (!d.actor(a.substr(eq + 1))) return ctx.out.error(Error::unknown_actor(a.substr(eq + 1)));
      overrides[lane->name] = a.substr(eq + 1);
    }
  if (e->base.tip.empty())
    return ctx.out.error(Error(Code::GIT_ERROR, "the base branch " + e->base.name + " does not exist", {},
                               "create it, or fetch it from the remote"));
  auto actors = assign_actors(d, e->lanes, overrides);
  json list = json::array();
  std::optional<Error> first;
  for (const Lane& l : e->lanes) {
    const std::string path = e->layout.path_of(l.dir);
    json j{{"name", l.name}, {"role", l.role}, {"lane", l.lane}, {"path", path}, {"branch", l.branch}};
    auto report = [&](const Error& err) {
      Error shown = err;
      shown.message = "lane " + l.name + ": " + shown.message;
      ctx.out.diagnostic(shown);
      j["error"] = error_json(err);
      if (!first) first = err;
      list.push_back(j);
    };
    auto branch = ensure_branch(e->q.repo(), l.branch, e->base.tip);
    if (!branch) {
      report(branch.error());
      continue;
    }
    auto wt = ensure_worktree(e->q.repo(), path, l.branch);
    if (!wt) {
      report(wt.error());
      continue;
    }
    j["created_branch"] = *branch;
    j["created_worktree"] = *wt;
    std::string actor;
    if (auto a = actors.find(l.name); a != actors.end()) actor = a->second;
    // A lane's own settings win: what a human set in the worktree since is kept.
    auto had = config_at(path, "agentq.actor", true);
    if (had && *had) {
      actor = **had;
    } else if (!actor.empty()) {
      if (auto st = set_worktree_config(e->q.repo(), path, "agentq.actor", actor); !st) {
        report(st.error());
        continue;
      }
    }
    j["actor"] = actor.empty() ? json(nullptr) : json(actor);
    std::string key_state = "none";
    const Actor* who = actor.empty() ? nullptr : d.actor(actor);
    if (who && !who->key.empty()) {
      auto had_key = config_at(path, "user.signingkey", true);
      if (had_key && *had_key) {
        key_state = "kept";
      } else if (who->key.rfind("ssh-", 0) == 0 || who->key.rfind("ecdsa-", 0) == 0 || who->key.rfind("sk-", 0) == 0) {
        // The declared public key itself: ssh-keygen finds the private half in the agent.
        auto st = set_worktree_config(e->q.repo(), path, "gpg.format", "ssh");
        if (st) st = set_worktree_config(e->q.repo(), path, "user.signingkey", "key::" + who->key);
        if (!st) {
          report(st.error());
          continue;
        }
        key_state = "set";
      } else if (std::string fp = openpgp_fingerprint(who->key); !fp.empty()) {
        auto st = set_worktree_config(e->q.repo(), path, "gpg.format", "openpgp");
        if (st) st = set_worktree_config(e->q.repo(), path, "user.signingkey", fp);
        if (!st) {
          report(st.error());
          continue;
        }
        key_state = "set";
      } else {
        ctx.out.warn("lane " + l.name + ": cannot read " + actor +
                     "'s OpenPGP key; set it with 'git -C " + path + " config --worktree user.signingkey KEYID'");
        key_state = "unset";
      }
    }
    j["signing_key"] = key_state;
    list.push_back(j);
    ctx.out.line(pad(l.name, 14) + pad(path, 40) + pad(l.branch, 22) + pad(actor.empty() ? "-" : actor, 12) +
                 (*wt ? "created" : "kept") + (*branch ? " (new branch from " + e->base.name + ")" : ""));
  }
  if (ctx.out.json_mode) ctx.out.emit(json{{"ok", !first}, {"base", e->base.name}, {"lanes", list}});
  return first ? first->exit_code() : 0;
}

int run_lanes_status(Invocation& in) {
  Context& ctx = in.ctx;
  auto e = lanes_open(in.queue());
  if (!e) return ctx.out.error(e.error());
  const QueueState& s = e->q.state();
  json list = json::array();
  ctx.out.line(ctx.out.bold("lanes") + " under " + e->layout.root + ", base " + e->base.name);
  for (const Lane& l : e->lanes) {
    const std::string path = e->layout.path_of(l.dir);
    const WorktreeEntry* wt = lanes_worktree_at(*e, path);
    auto tip = e->q.repo().ref("refs/heads/" + l.branch);
    json j{{"name", l.name}, {"role", l.role}, {"lane", l.lane}, {"kind", std::string(to_string(l.kind))},
           {"path", path}, {"exists", wt != nullptr}, {"branch", l.branch}};
    j["checked_out"] = wt ? (wt->branch.empty() ? json(nullptr) : json(wt->branch.substr(11))) : json(nullptr);
    j["head"] = wt && !wt->head.empty() ? json(wt->head) : (tip ? json(*tip) : json(nullptr));
    std::optional<std::pair<size_t, size_t>> ab;
    if (tip && !e->base.tip.empty())
      if (auto r = ahead_behind(e->q.repo(), *tip, e->base.tip)) ab = *r;
    j["ahead"] = ab ? json(ab->first) : json(nullptr);
    j["behind"] = ab ? json(ab->second) : json(nullptr);
    std::vector<std::string> dirty;
    if (wt)
      if (auto d = dirty_at(wt->path)) dirty = *d;
    j["dirty"] = dirty;
    const std::string task = lanes_task_of(s, l);
    j["task"] = task.empty() ? json(nullptr) : json(task);
    j["task_status"] = task.empty() ? json(nullptr) : json(std::string(to_string(s.task(task).status)));
    std::string actor;
    if (wt)
      if (auto a = config_at(wt->path, "agentq.actor"); a && *a) actor = **a;
    j["actor"] = actor.empty() ? json(nullptr) : json(actor);
    std::string last = tip ? commit_time(e->q.repo(), *tip) : "";
    if (!task.empty()) last = std::max(last, s.task(task).last_activity);  // RFC 3339 UTC sorts as text
    j["last_activity"] = last.empty() ? json(nullptr) : json(last);
    list.push_back(j);
    std::string line = "  " + pad(l.name, 14) + pad(wt ? path : "(no worktree)", 40) + pad(l.branch, 22);
    line += pad(ab ? "+" + std::to_string(ab->first) + "/-" + std::to_string(ab->second) : "-", 9);
    line += pad(dirty.empty() ? "clean" : std::to_string(dirty.size()) + " dirty", 10);
    line += pad(task.empty() ? "idle" : task, 12) + (last.empty() ? "" : last);
    ctx.out.line(line);
  }
  if (ctx.out.json_mode)
    ctx.out.emit(json{{"root", e->layout.root}, {"base", e->base.name}, {"base_tip", e->base.tip}, {"lanes", list}});
  return 0;
}

int run_lanes_teardown(Invocation& in) {
  Context& ctx = in.ctx;
  const bool force = in.has("force");
  auto e = lanes_open(in.queue());
  if (!e) return ctx.out.error(e.error());
  const std::string name = in.str("lane");
  auto lane = find_lane(e->q.defs(), e->layout.prefix, name);
  if (!lane) return ctx.out.error(lane.error());
  const std::string path = e->layout.path_of(lane->dir);
  const WorktreeEntry* wt = lanes_worktree_at(*e, path);
  if (wt && !path_exists(wt->path)) {
    // Deleted by hand: nothing is left to save or check in it; git forgets it.
    prune_worktrees(e->q.repo());
    wt = nullptr;
  }
  if (wt && !e->q.repo().workdir().empty()) {
    std::error_code ec;
    if (std::filesystem::weakly_canonical(e->q.repo().workdir(), ec) == std::filesystem::weakly_canonical(path, ec))
      return ctx.out.error(Error::usage("cannot tear down the worktree this runs in").hint("run it from the coordinator's checkout"));
  }
  auto tip = e->q.repo().ref("refs/heads/" + lane->branch);
  LaneFacts facts;
  facts.worktree_exists = wt != nullptr;
  facts.base_name = e->base.name;
  facts.remote = e->q.remote();
  if (wt) {
    auto dirty = dirty_at(wt->path);
    if (!dirty) return ctx.out.error(dirty.error());
    facts.dirty = *dirty;
  }
  if (tip) {
    std::vector<std::string> hide{e->base.tip};
    if (auto local = e->q.repo().ref("refs/heads/" + e->q.state().base)) hide.push_back(*local);
    if (!facts.remote.empty())
      if (auto pushed = e->q.repo().ref("refs/remotes/" + facts.remote + "/" + lane->branch)) hide.push_back(*pushed);
    auto unpushed = commits_not_on(e->q.repo(), *tip, hide);
    if (!unpushed) return ctx.out.error(unpushed.error());
    facts.unpushed = *unpushed;
  }
  auto items = teardown_blockers(e->q.state(), *lane, facts);
  if (!items.empty() && !force) {
    for (const auto& i : items) ctx.out.diagnostic(Error(i.code, i.message, {}, i.fix));
    if (ctx.out.json_mode) {
      json list = json::array();
      for (const auto& i : items)
        list.push_back({{"code", std::string(code_name(i.code))}, {"message", i.message}, {"fix", i.fix}});
      ctx.out.emit(json{{"ok", false}, {"lane", lane->name}, {"items", list}});
    }
    ctx.out.note("lane " + lane->name + " was not torn down: fix the items above, or use --force");
    return exit_code_for(items.front().code);
  }
  std::optional<std::string> saved;
  if (wt && !facts.dirty.empty()) {
    auto s = save_uncommitted(e->q.repo(), wt->path, lane->name);
    if (!s) return ctx.out.error(s.error());
    saved = *s;
  }
  if (wt)
    if (auto st = remove_worktree(e->q.repo(), wt->path, force); !st) return ctx.out.error(st.error());
  // A branch still holding work (a claimed task's, or commits nowhere else) is kept even with
  // --force: removing a worktree must never lose commits.
  const bool keep_branch = tip && (!facts.unpushed.empty() || !lanes_task_of(e->q.state(), *lane).empty());
  bool deleted = false;
  if (tip && !keep_branch) {
    if (auto st = delete_branch(e->q.repo(), lane->branch); !st) return ctx.out.error(st.error());
    deleted = true;
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"lane", lane->name}, {"removed_worktree", wt != nullptr}, {"path", path},
                      {"deleted_branch", deleted}, {"branch", lane->branch},
                      {"saved_patch", saved ? json(*saved) : json(nullptr)}, {"forced", !items.empty()}});
    return 0;
  }
  if (saved) ctx.out.line("saved the uncommitted work of " + lane->name + " to " + *saved);
  if (!wt && !tip) ctx.out.line("lane " + lane->name + " has no worktree and no branch: nothing to tear down");
  if (wt) ctx.out.line("removed worktree " + path);
  if (deleted) ctx.out.line("deleted branch " + lane->branch);
  if (keep_branch) ctx.out.line("kept branch " + lane->branch + ": it still holds work");
  for (const auto& i : items)
    if (i.code == Code::LANE_BUSY) ctx.out.warn(i.message + ": the claim stays in the queue; 'git agentq unclaim' releases it");
  return 0;
}

int run_lanes_review_refresh(Invocation& in) {
  Context& ctx = in.ctx;
  auto e = lanes_open(in.queue());
  if (!e) return ctx.out.error(e.error());
  const std::string name = in.str("lane");
  auto lane = find_lane(e->q.defs(), e->layout.prefix, name);
  if (!lane) return ctx.out.error(lane.error());
  Repo& repo = e->q.repo();
  const std::string remote = e->q.remote();
  std::optional<std::string> target;
  std::string source;
  if (!remote.empty()) {
    auto f = fetch_branch(repo, remote, lane->branch);
    if (!f) return ctx.out.error(f.error());
    target = *f;
    source = remote + "/" + lane->branch;
  } else {
    target = repo.ref("refs/heads/" + lane->branch);
    source = lane->branch;
  }
  if (!target)
    return ctx.out.error(Error(Code::BRANCH_MISSING, "branch " + source + " does not exist", {},
                               remote.empty() ? "run 'git agentq lanes setup'" : "push it from the lane first"));
  // Only a reviewer's worktree switches (a review lane, or one already on a review branch): the
  // coordinator's checkout and delivery lanes stay on their branch, there it only moves.
  const std::string head = repo.is_bare() ? "" : repo.head_branch();
  auto here = lane_of_branch(e->q.defs(), e->layout.prefix, head);
  const bool in_lane = !repo.is_bare() && repo.git_dir() != repo.common_dir() &&
                       (head.rfind("refs/heads/review/", 0) == 0 || (here && here->kind == RoleKind::review));
  if (in_lane) {
    auto dirty = dirty_paths(repo);
    if (!dirty) return ctx.out.error(dirty.error());
    if (!dirty->empty())
      return ctx.out.error(Error(Code::WORKTREE_DIRTY, "this worktree has uncommitted changes", {},
                                 "commit or stash them before switching to " + lane->review_branch));
  }
  auto before = repo.ref("refs/heads/" + lane->review_branch);
  if (auto st = move_branch(repo, lane->review_branch, *target, in_lane); !st) return ctx.out.error(st.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"branch", lane->review_branch}, {"commit", *target}, {"source", source},
                      {"previous", before ? json(*before) : json(nullptr)}, {"switched", in_lane}});
    return 0;
  }
  ctx.out.line(lane->review_branch + " -> " + short_id(*target) + " (" + source + ")" +
               (before && *before == *target ? ", unchanged" : ""));
  if (in_lane) ctx.out.line("switched to " + lane->review_branch);
  else ctx.out.line(ctx.out.dim("  (this worktree stays where it is) switch to it in a review lane: git switch " + lane->review_branch));
  return 0;
}

int run_lanes_launch(Invocation& in) {
  Context& ctx = in.ctx;
  std::string tool = in.str("tool");
  if (tool.empty()) tool = !on_path("tmux") && on_path("zellij") ? "zellij" : "tmux";
  auto e = lanes_open(in.queue());
  if (!e) return ctx.out.error(e.error());
  std::vector<std::pair<std::string, std::string>> panes{{"coordinator", e->layout.main}};
  for (const Lane& l : e->lanes) {
    const std::string path = e->layout.path_of(l.dir);
    if (lanes_worktree_at(*e, path)) panes.emplace_back(l.name, path);
    else ctx.out.warn("lane " + l.name + " has no worktree yet ('git agentq lanes setup'): left out");
  }
  std::string file = in.str("output");
  if (file.empty()) file = e->q.repo().shared_state_dir() + (tool == "tmux" ? "/lanes.tmux.sh" : "/lanes.kdl");
  std::string text;
  const std::string session = "agentq-" + e->layout.prefix;
  if (tool == "tmux") {
    text = "#!/bin/sh\n# written by git agentq lanes launch: the coordinator pane plus one pane per lane\nset -e\n";
    text += "S=" + lanes_quote(session) + "\n";
    text += "if tmux has-session -t \"$S\" 2>/dev/null; then exec tmux attach-session -t \"$S\"; fi\n";
    text += "tmux new-session -d -s \"$S\" -n lanes -c " + lanes_quote(panes[0].second) + "\n";
    text += "tmux select-pane -t \"$S:lanes.0\" -T coordinator\n";
    for (size_t i = 1; i < panes.size(); ++i) {
      text += "tmux split-window -t \"$S:lanes\" -c " + lanes_quote(panes[i].second) + "\n";
      text += "tmux select-pane -T " + lanes_quote(panes[i].first) + "\n";
      text += "tmux select-layout -t \"$S:lanes\" tiled\n";
    }
    text += "tmux set-option -t \"$S\" pane-border-status top\n";
    text += "tmux select-pane -t \"$S:lanes.0\"\nexec tmux attach-session -t \"$S\"\n";
  } else {
    text = "// written by git agentq lanes launch: the coordinator pane plus one pane per lane\nlayout {\n";
    text += "    tab name=" + lanes_kdl(session) + " {\n";
    for (const auto& [name, path] : panes) text += "        pane name=" + lanes_kdl(name) + " cwd=" + lanes_kdl(path) + "\n";
    text += "    }\n}\n";
  }
  if (auto st = write_file_atomic(file, text); !st) return ctx.out.error(st.error());
  if (tool == "tmux") {
    std::error_code ec;  // an executable bit is a convenience: `sh FILE` runs it either way
    std::filesystem::permissions(file, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add, ec);
  }
  const bool exec = in.has("exec");
  if (ctx.out.json_mode) {
    json p = json::array();
    for (const auto& [name, path] : panes) p.push_back({{"name", name}, {"path", path}});
    ctx.out.emit(json{{"ok", true}, {"tool", tool}, {"file", file}, {"session", session}, {"panes", p}, {"exec", exec}});
  } else {
    ctx.out.line("wrote the " + tool + " layout (" + std::to_string(panes.size()) + " panes) to " + file);
    if (!exec) ctx.out.line(ctx.out.dim(tool == "tmux" ? "  start it: sh " + file : "  start it: zellij --layout " + file));
  }
  if (!exec) return 0;
  if (!on_path(tool)) return ctx.out.error(Error::io(tool + " is not installed (the layout is written)"));
  auto st = tool == "tmux" ? exec_program({"sh", file}) : exec_program({"zellij", "--layout", file});
  return ctx.out.error(st.error());
}

}  // namespace agentq::cli
