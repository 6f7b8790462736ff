// git agentq set-status TASK in_progress|blocked|done
#include "cmd/args.h"
#include "cmd/common.h"
#include "core/merge_ready.h"
#include "gitstore/claim_store.h"

namespace agentq::cli {

int cmd_set_status(Context& ctx, const std::vector<std::string>& argv) {
  Args args("set-status",
            "set-status TASK in_progress|blocked|done [--reason TEXT] [--blocked-by TASK] [--commit SHA] [--offline]",
            "Move a task: block it (with a reason), unblock it, or mark it done once its commit is on the base branch.",
            true);
  args.add()("task", "", cxxopts::value<std::string>())("status", "", cxxopts::value<std::string>())(
      "reason", "why (required for blocked)", cxxopts::value<std::string>(), "TEXT")(
      "blocked-by", "the task this one waits for", cxxopts::value<std::string>(), "TASK")(
      "commit", "for done: the commit merged into the base branch", cxxopts::value<std::string>(), "SHA");
  add_event_id_option(args);
  args.positional({"task", "status"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const auto& opt = **parsed;
  const std::string task = opt_str(opt, "task"), status = opt_str(opt, "status");
  if (task.empty() || status.empty())
    return ctx.out.error(Error::usage("set-status needs a TASK and a status").hint("git agentq set-status TASK in_progress|blocked|done"));
  if (status != "in_progress" && status != "blocked" && status != "done")
    return ctx.out.error(Error::usage("status must be in_progress, blocked or done, not '" + status + "'")
                             .hint(status == "in_review" ? "a task goes to in_review with 'git agentq handoff'" : ""));
  if (status == "blocked" && opt_str(opt, "reason").empty())
    return ctx.out.error(Error::usage("blocking a task needs --reason TEXT"));
  auto session = open_writer(ctx, opt);
  if (!session) return ctx.out.error(session.error());
  Queue* q = &session->queue;
  const std::string* actor = &session->actor;
  const std::string* event_id = &session->event_id;
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));

  Event e;
  e.type = EventType::status;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.status = status;
  e.reason = opt_str(opt, "reason");
  e.blocked_by = opt_str(opt, "blocked-by");
  if (!e.blocked_by.empty() && !q->defs().task(e.blocked_by)) return ctx.out.error(Error::unknown_task(e.blocked_by));
  if (opt.count("commit")) {
    auto c = resolve_commit(*q, opt_str(opt, "commit"));
    if (!c) return ctx.out.error(c.error());
    e.commit = *c;
  }
  const bool no_merge = t->no_merge && q->defs().policy.allow_no_merge;
  if (status == "done" && !no_merge) {
    const TaskState& ts = q->state().task(task);
    if (e.commit.empty() && ts.handoff) e.commit = ts.handoff->commit;
    // Done needs merge-ready for the handoff commit (and that commit on base): list every item.
    RepoFacts facts = gather_facts(*q, "", true);
    auto items = merge_ready_items(q->state(), q->defs(), *t, facts, true);
    if (!items.empty()) {
      print_items(ctx, task, items);
      return ctx.out.error(Error(items.front().code, task + " is not merge-ready (" + std::to_string(items.size()) +
                                                         " item(s) above)", {},
                                 "fix them; 'git agentq merge " + task + "' merges and marks done in one step"));
    }
  }
  Acting how = acting_on(*q, *actor, task);
  e.role = how.role;
  e.claim = how.claim;
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  if (status == "done" && how.owner) forget_claim(q->repo(), task);
  const TaskState& now = q->state().task(task);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"pending", w->pending}, {"task", task},
                      {"status", std::string(to_string(now.status))},
                      {"commit", w->commit}});
  } else {
    ctx.out.line(ctx.out.bold(task) + " is now " + std::string(to_string(now.status)));
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
