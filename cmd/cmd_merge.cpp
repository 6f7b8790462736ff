// git agentq merge-ready / merge: the coordinator's gate and step of the runbook.
#include "cmd/args.h"
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

std::string task_arg(const cxxopts::ParseResult& r) { return opt_str(r, "task"); }

// Puts a branch back where it was after a failed merge: `git reset --keep` where it is checked
// out (the tree was clean and keeps any untracked files), update-ref elsewhere.
void restore_branch(Queue& q, const std::string& ref, const std::string& old, const std::string& now, bool checked_out) {
  if (checked_out) (void)run_git({"reset", "--quiet", "--keep", old}, q.repo().workdir());
  else (void)run_git({"update-ref", "-m", "agentq: undo merge", ref, old, now}, git_cwd(q.repo()));
}

}  // namespace

int cmd_merge_ready(Context& ctx, const std::vector<std::string>& argv) {
  Args args("merge-ready", "merge-ready TASK",
            "Check everything a merge needs; print every failing item with its code and fix. Exit 1 on any.");
  args.add()("task", "", cxxopts::value<std::string>());
  args.positional({"task"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const std::string id = task_arg(**parsed);
  if (id.empty()) return ctx.out.error(Error::usage("which task?").hint("git agentq merge-ready TASK"));
  auto q = open_queue();
  if (!q) return ctx.out.error(q.error());
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

int cmd_merge(Context& ctx, const std::vector<std::string>& argv) {
  Args args("merge", "merge TASK [--offline]",
            "The coordinator's step: merge-ready, fast-forward the base branch to the handoff commit, record done, "
            "and with a remote push base, the log and the notes in one atomic push. Never half-done.",
            true);
  args.add()("task", "", cxxopts::value<std::string>());
  add_event_id_option(args);
  args.positional({"task"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const std::string id = task_arg(**parsed);
  if (id.empty()) return ctx.out.error(Error::usage("which task?").hint("git agentq merge TASK"));
  auto event_id = event_id_option(**parsed);
  if (!event_id) return ctx.out.error(event_id.error());
  auto q = open_queue();
  if (!q) return ctx.out.error(q.error());
  auto actor = require_actor(ctx, *q);
  if (!actor) return ctx.out.error(actor.error());
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

  const std::optional<std::string> log_before = q->log_tip();
  const std::optional<std::string> notes_before = q->repo().ref(kNotesRef);
  // 1. Fast-forward base (through git, so reference-transaction hooks see it).
  auto moved = checked_out_here
                   ? run_git({"merge", "--ff-only", "--quiet", target}, q->repo().workdir())
                   : run_git({"update-ref", "-m", "agentq: merge " + id, base_ref, target, *old}, git_cwd(q->repo()));
  if (!moved || moved->exit_code != 0)
    return ctx.out.error(Error(Code::GIT_ERROR, "cannot fast-forward " + base + ": " + (moved ? moved->err : moved.error().message)));

  // 2. Record done, locally.
  if (auto st = q->refresh_base(); !st) {
    restore_branch(*q, base_ref, *old, target, checked_out_here);
    return ctx.out.error(st.error());
  }
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
  auto w = q->write(e);
  if (!w) {
    restore_branch(*q, base_ref, *old, target, checked_out_here);
    return ctx.out.error(w.error());
  }

  // 3. With a remote: base, log and notes land together or not at all.
  const std::string remote = q->defs().policy.remote;
  bool pushed = false;
  if (!remote.empty() && q->repo().config_get("remote." + remote + ".url") && !ctx.offline) {
    auto lease = [&](const std::string& ref, const std::string& tracking) {
      auto theirs = q->repo().ref(tracking);
      return "--force-with-lease=" + ref + ":" + theirs.value_or("");
    };
    std::vector<std::string> cmd = {"push", "--atomic", "--quiet",
                                    lease(base_ref, "refs/remotes/" + remote + "/" + base),
                                    lease(kLogRef, "refs/remotes/" + remote + "/agent-queue/log")};
    std::vector<std::string> refspecs = {target + ":" + base_ref, *q->log_tip() + ":" + kLogRef};
    if (auto notes = q->repo().ref(kNotesRef)) {
      cmd.push_back(lease(kNotesRef, "refs/remotes/" + remote + "/notes/agentq"));
      refspecs.push_back(*notes + ":" + kNotesRef);
    }
    cmd.push_back(remote);
    cmd.insert(cmd.end(), refspecs.begin(), refspecs.end());
    auto r = run_git(cmd, git_cwd(q->repo()));
    if (!r || r->exit_code != 0) {
      // Put everything back: the merge did not land, so it must not be recorded either.
      const std::string done_tip = *q->log_tip();
      if (log_before) (void)compare_and_swap(q->repo(), kLogRef, *log_before, done_tip, "agentq: undo unpushed merge of " + id);
      if (auto now = q->repo().ref(kNotesRef); now && notes_before && *now != *notes_before)
        (void)compare_and_swap(q->repo(), kNotesRef, *notes_before, *now, "agentq: undo unpushed merge of " + id);
      restore_branch(*q, base_ref, *old, target, checked_out_here);
      const std::string why = r ? r->err : r.error().message;
      const bool rejected = r && (why.find("rejected") != std::string::npos || why.find("stale info") != std::string::npos);
      return ctx.out.error(Error(rejected ? Code::NON_FAST_FORWARD : Code::REMOTE_UNREACHABLE,
                                 "the push to " + remote + " failed, so nothing was merged or recorded: " + why, {},
                                 rejected ? "someone else moved " + base + " or the queue: 'git agentq sync', then merge again"
                                          : "check the remote and merge again"));
    }
    pushed = true;
  }
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
