// git agentq lanes setup | status | teardown | review-refresh | launch: one persistent worktree
// per (role, lane). The work is gitstore's (gitstore/lanes.h, gitstore/launch.h) and the
// decisions core's (core/lanes.h); this renders them.
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/lanes.h"
#include "gitstore/lanes.h"
#include "gitstore/launch.h"

namespace agentq::cli {

Status check_lanes_lane(const Invocation& in) {
  if (in.str("lane").empty())
    return fail(Error::usage("which lane?").hint("git agentq " + in.cmd.name + " ROLE[-LANE]"));
  return {};
}

int run_lanes_setup(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  auto set = open_lanes(q);
  if (!set) return ctx.out.error(set.error());
  auto actors = setup_actors(*set, q.defs(), in.strs("assign"));
  if (!actors) return ctx.out.error(actors.error());
  json list = json::array();
  std::optional<Error> first;
  for (const Lane& l : set->lanes) {
    auto assigned = actors->find(l.name);
    const LaneSetup r = setup_lane(q, *set, l, assigned == actors->end() ? "" : assigned->second);
    json j{{"name", l.name}, {"role", l.role}, {"lane", l.lane}, {"path", r.path}, {"branch", l.branch}};
    if (r.placed) {
      j["created_branch"] = r.created_branch;
      j["created_worktree"] = r.created_worktree;
    }
    if (r.actor) j["actor"] = r.actor->empty() ? json(nullptr) : json(*r.actor);
    if (!r.key_warning.empty()) ctx.out.warn("lane " + l.name + ": " + r.key_warning);
    if (r.error) {
      Error shown = *r.error;
      shown.message = "lane " + l.name + ": " + shown.message;
      ctx.out.diagnostic(shown);
      j["error"] = error_json(*r.error);
      if (!first) first = *r.error;
      list.push_back(j);
      continue;
    }
    j["signing_key"] = *r.signing_key;
    list.push_back(j);
    ctx.out.line(pad(l.name, 14) + pad(r.path, 40) + pad(l.branch, 22) + pad(r.actor->empty() ? "-" : *r.actor, 12) +
                 (r.created_worktree ? "created" : "kept") +
                 (r.created_branch ? " (new branch from " + set->base.name + ")" : ""));
  }
  if (ctx.out.json_mode) ctx.out.emit(json{{"ok", !first}, {"base", set->base.name}, {"lanes", list}});
  return first ? first->exit_code() : 0;
}

int run_lanes_status(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  auto set = open_lanes(q);
  if (!set) return ctx.out.error(set.error());
  json list = json::array();
  ctx.out.line(ctx.out.bold("lanes") + " under " + set->layout.root + ", base " + set->base.name);
  for (const LaneStatus& st : lane_statuses(q, *set)) {
    const Lane& l = st.lane;
    const auto& wt = st.worktree;
    const auto& ab = st.ahead_behind;
    json j{{"name", l.name}, {"role", l.role}, {"lane", l.lane}, {"kind", std::string(to_string(l.kind))},
           {"path", st.path}, {"exists", wt.has_value()}, {"branch", l.branch}};
    j["checked_out"] = wt ? (wt->branch.empty() ? json(nullptr) : json(wt->branch.substr(11))) : json(nullptr);
    j["head"] = wt && !wt->head.empty() ? json(wt->head) : (st.tip ? json(*st.tip) : json(nullptr));
    j["ahead"] = ab ? json(ab->first) : json(nullptr);
    j["behind"] = ab ? json(ab->second) : json(nullptr);
    j["dirty"] = st.dirty;
    j["task"] = st.task.empty() ? json(nullptr) : json(st.task);
    j["task_status"] = st.task.empty() ? json(nullptr) : json(std::string(to_string(q.state().task(st.task).status)));
    j["actor"] = st.actor.empty() ? json(nullptr) : json(st.actor);
    j["last_activity"] = st.last_activity.empty() ? json(nullptr) : json(st.last_activity);
    list.push_back(j);
    std::string line = "  " + pad(l.name, 14) + pad(wt ? st.path : "(no worktree)", 40) + pad(l.branch, 22);
    line += pad(ab ? "+" + std::to_string(ab->first) + "/-" + std::to_string(ab->second) : "-", 9);
    line += pad(st.dirty.empty() ? "clean" : std::to_string(st.dirty.size()) + " dirty", 10);
    line += pad(st.task.empty() ? "idle" : st.task, 12) + st.last_activity;
    ctx.out.line(line);
  }
  if (ctx.out.json_mode)
    ctx.out.emit(json{{"root", set->layout.root}, {"base", set->base.name}, {"base_tip", set->base.tip}, {"lanes", list}});
  return 0;
}

int run_lanes_teardown(Invocation& in) {
  Context& ctx = in.ctx;
  const bool force = in.has("force");
  Queue& q = in.queue();
  auto set = open_lanes(q);
  if (!set) return ctx.out.error(set.error());
  auto plan = plan_teardown(q, *set, in.str("lane"));
  if (!plan) return ctx.out.error(plan.error());
  const Lane& lane = plan->lane;
  const auto& items = plan->blockers;
  if (!items.empty() && !force) {
    print_items(ctx, "", items);
    if (ctx.out.json_mode) ctx.out.emit(json{{"ok", false}, {"lane", lane.name}, {"items", brief_items_json(items)}});
    ctx.out.note("lane " + lane.name + " was not torn down: fix the items above, or use --force");
    return exit_code_for(items.front().code);
  }
  auto done = tear_down(q, *plan, force);
  if (!done) return ctx.out.error(done.error());
  const auto& saved = done->saved_patch;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"lane", lane.name}, {"removed_worktree", done->removed_worktree}, {"path", plan->path},
                      {"deleted_branch", done->deleted_branch}, {"branch", lane.branch},
                      {"saved_patch", saved ? json(*saved) : json(nullptr)}, {"forced", !items.empty()},
                      {"stranded", plan->stranded}});
    return 0;
  }
  if (saved) ctx.out.line("saved the uncommitted work of " + lane.name + " to " + *saved);
  if (!plan->worktree && !plan->facts.branch_exists)
    ctx.out.line("lane " + lane.name + " has no worktree and no branch: nothing to tear down");
  if (done->removed_worktree) ctx.out.line("removed worktree " + plan->path);
  if (done->deleted_branch) ctx.out.line("deleted branch " + lane.branch);
  if (done->kept_branch) ctx.out.line("kept branch " + lane.branch + ": it still holds work");
  for (const auto& i : items)
    if (i.code == Code::LANE_BUSY) ctx.out.warn(i.message + ": the claim stays in the queue; 'git agentq unclaim' releases it");
  for (const std::string& task : plan->stranded)
    ctx.out.warn("the claim on " + task + " was held by this worktree only: run 'git agentq claim " + task +
                 "' as its owner where the work goes on (it re-claims it)");
  return 0;
}

int run_lanes_review_refresh(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  auto set = open_lanes(q);
  if (!set) return ctx.out.error(set.error());
  auto r = refresh_review_branch(q, *set, in.str("lane"));
  if (!r) return ctx.out.error(r.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"branch", r->branch}, {"commit", r->commit}, {"source", r->source},
                      {"previous", r->previous ? json(*r->previous) : json(nullptr)}, {"switched", r->switched}});
    return 0;
  }
  ctx.out.line(r->branch + " -> " + short_id(r->commit) + " (" + r->source + ")" +
               (r->previous && *r->previous == r->commit ? ", unchanged" : ""));
  if (r->switched) ctx.out.line("switched to " + r->branch);
  else ctx.out.line(ctx.out.dim("  (this worktree stays where it is) switch to it in a review lane: git switch " + r->branch));
  return 0;
}

Status check_lanes_launch(const Invocation& in) {
  // tmux and zellij attach to the terminal: without one, --exec would leave a detached session
  // behind and fail anyway. Refuse before anything is written or started.
  if (in.has("exec") && !(isatty(0) && isatty(1)))
    return fail(Error::usage("lanes launch --exec needs a terminal (stdin and stdout are not one): nothing was started")
                    .hint("run it from a terminal, or leave out --exec and start the layout it writes yourself"));
  return {};
}

int run_lanes_launch(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  auto set = open_lanes(q);
  if (!set) return ctx.out.error(set.error());
  const LaunchPlan p = plan_launch(q.repo(), *set, in.str("tool"), in.str("output"));
  for (const std::string& lane : p.missing)
    ctx.out.warn("lane " + lane + " has no worktree yet ('git agentq lanes setup'): left out");
  if (auto st = write_launch(p); !st) return ctx.out.error(st.error());
  const bool exec = in.has("exec");
  if (ctx.out.json_mode) {
    json panes = json::array();
    for (const auto& pane : p.panes) panes.push_back({{"name", pane.name}, {"path", pane.path}});
    ctx.out.emit(json{{"ok", true}, {"tool", p.tool}, {"file", p.file}, {"session", p.session}, {"panes", panes}, {"exec", exec}});
  } else {
    ctx.out.line("wrote the " + p.tool + " layout (" + std::to_string(p.panes.size()) + " panes) to " + p.file);
    if (!exec) ctx.out.line(ctx.out.dim(p.tool == "tmux" ? "  start it: sh " + p.file : "  start it: zellij --layout " + p.file));
  }
  if (!exec) return 0;
  return ctx.out.error(exec_launch(p).error());
}

}  // namespace agentq::cli
