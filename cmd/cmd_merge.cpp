// git agentq merge-ready / merge: the coordinator's gate and step of the runbook.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/event_log.h"
#include "gitstore/notes.h"
#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {
namespace {

struct Gate {
  const Task* task = nullptr;
  std::string commit;  // the handoff commit ("" without a handoff)
  std::vector<ReadyItem> items;
};

Result<Gate> evaluate(Queue& q, const std::string& id, bool check_worktree) {
  Gate g;
  g.task = q.defs().task(id);
  if (!g.task) return fail(Error::unknown_task(id));
  const TaskState& ts = q.state().task(id);
  if (ts.handoff) g.commit = ts.handoff->commit;
  g.items = merge_ready_items(q.state(), q.defs(), *g.task, gather_facts(q, g.commit, check_worktree), true);
  return g;
}

// Puts a branch back where it was after a failed merge: `git reset --keep` where it is checked
// out (the tree was clean and keeps any untracked files), update-ref elsewhere.
void restore_branch(Queue& q, const std::string& ref, const std::string& old, const std::string& now, bool checked_out) {
  if (checked_out) (void)run_git({"reset", "--quiet", "--keep", old}, q.repo().workdir());
  else (void)run_git({"update-ref", "-m", "agentq: undo merge", ref, old, now}, git_cwd(q.repo()));
}

// Moves base to `target` through git (so reference-transaction hooks see it): `merge --ff-only`
// where it is checked out, update-ref (leased on `old`) elsewhere.
Result<ProcessResult> fast_forward(Queue& q, const std::string& ref, const std::string& old, const std::string& target,
                                   bool checked_out, const std::string& message) {
  if (checked_out) return run_git({"merge", "--ff-only", "--quiet", target}, q.repo().workdir());
  return run_git({"update-ref", "-m", message, ref, target, old}, git_cwd(q.repo()));
}

}  // namespace

Status check_merge_ready(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq merge-ready TASK"));
  return {};
}

int run_merge_ready(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string id = in.str("task");
  Queue* q = &in.queue();
  auto g = evaluate(*q, id, true);
  if (!g) return ctx.out.error(g.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", g->items.empty()}, {"task", id}, {"commit", g->commit.empty() ? json(nullptr) : json(g->commit)},
                      {"items", items_json(id, g->items)}});
    return g->items.empty() ? 0 : 1;
  }
  if (g->items.empty()) {
    ctx.out.line(ctx.out.green(id + " is merge-ready") + " at " + short_id(g->commit) + ": next 'git agentq merge " + id + "'");
    return 0;
  }
  print_items(ctx, id, g->items);
  ctx.out.note(id + " is not merge-ready: " + std::to_string(g->items.size()) + " item(s)");
  return 1;
}

Status check_merge(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq merge TASK"));
  return {};
}

int run_merge(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string id = in.str("task");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  auto g = evaluate(*q, id, true);
  if (!g) return ctx.out.error(g.error());
  if (!g->items.empty()) {
    print_items(ctx, id, g->items);
    Error e(g->items.front().code, id + " is not merge-ready (" + std::to_string(g->items.size()) + " item(s) above)", {},
            "fix them; 'git agentq merge-ready " + id + "' shows the list");
    return ctx.out.error(e);
  }
  const std::string base = q->state().base, base_ref = "refs/heads/" + base, target = g->commit;
  auto old = q->repo().ref(base_ref);
  if (!old) return ctx.out.error(Error(Code::GIT_ERROR, "the base branch " + base + " does not exist here"));
  if (!q->repo().is_ancestor(*old, target)) {
    const std::string branch = q->state().task(id).handoff->branch;
    return ctx.out.error(Error(Code::NOT_BASED_ON_BASE, short_id(target) + " is not a fast-forward of " + base, {},
                               "rebase it: 'git rebase " + base + " " + branch + "', then check and hand off again"));
  }
  auto holder = worktree_holding(q->repo(), base_ref);
  if (!holder) return ctx.out.error(holder.error());
  std::string here = q->repo().workdir();
  while (!here.empty() && here.back() == '/') here.pop_back();
  const bool checked_out_here = *holder && **holder == here;
  if (*holder && !checked_out_here)
    return ctx.out.error(Error(Code::BRANCH_IN_USE, base + " is checked out in " + **holder, {},
                               "run 'git agentq merge " + id + "' there (the coordinator checkout)"));

  Event e;
  e.type = EventType::status;
  e.id = *event_id;
  e.task = id;
  e.actor = *actor;
  e.status = "done";
  e.commit = target;
  Acting how = acting_on(*q, *actor, id);
  e.role = how.role;
  e.claim = how.claim;

  const std::string remote = q->remote();
  const bool published = !remote.empty();
  if (published && ctx.offline)
    return ctx.out.error(Error::usage("merge cannot be offline: " + base + ", the log and the notes land on " + remote +
                                      " together or not at all")
                             .hint("run it without --offline once " + remote + " is reachable"));
  Result<Written> w = fail(Error::git("not written"));
  if (published) {
    // 1. One atomic push moves <remote>/<base> to the handoff commit and records done on the
    //    remote's log (leases on what was fetched), so a merge is never recorded without
    //    landing, nor lands without being recorded. Nothing local has moved yet.
    WriteOptions o;
    o.advance_base = target;
    w = q->write(e, {}, {}, o);
    if (!w) return ctx.out.error(w.error());
    // 2. The remote has it: the local branch follows (the tree was clean; --ff-only keeps it so).
    auto moved = fast_forward(*q, base_ref, *old, target, checked_out_here, "agentq: merge " + id);
    if (!moved || moved->exit_code != 0)
      ctx.out.warn(base + " and the done event are on " + remote + ", but the local " + base + " did not move: " +
                   (moved ? moved->err : moved.error().message) + " (run 'git merge --ff-only " + remote + "/" + base + "')");
  } else {
    // Local-only queue: the local branch is the base. Fast-forward it (through git, so
    // reference-transaction hooks see it), then record done under it; undo on refusal.
    auto moved = fast_forward(*q, base_ref, *old, target, checked_out_here, "agentq: merge " + id);
    if (!moved || moved->exit_code != 0)
      return ctx.out.error(Error(Code::GIT_ERROR, "cannot fast-forward " + base + ": " + (moved ? moved->err : moved.error().message)));
    if (auto st = q->refresh_base(); !st) {
      restore_branch(*q, base_ref, *old, target, checked_out_here);
      return ctx.out.error(st.error());
    }
    w = q->write(e);
    if (!w) {
      restore_branch(*q, base_ref, *old, target, checked_out_here);
      return ctx.out.error(w.error());
    }
  }
  const bool pushed = published;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"task", id}, {"base", base}, {"from", *old}, {"to", target}, {"pushed", pushed},
                      {"commit", w->commit}});
  } else {
    ctx.out.line("merged " + ctx.out.bold(id) + ": " + base + " " + short_id(*old) + ".." + short_id(target) +
                 " (fast-forward), done" + (pushed ? ", pushed to " + remote : ""));
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
