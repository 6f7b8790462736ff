// git agentq set-status TASK in_progress|blocked|done
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/merge_ready.h"
#include "gitstore/claim_store.h"
#include "gitstore/merge.h"

namespace agentq::cli {

Status check_set_status(const Invocation& in) {
  const std::string task = in.str("task"), status = in.str("status");
  if (task.empty() || status.empty())
    return fail(Error::usage("set-status needs a TASK and a status").hint("git agentq set-status TASK in_progress|blocked|done"));
  if (status != "in_progress" && status != "blocked" && status != "done")
    return fail(Error::usage("status must be in_progress, blocked or done, not '" + status + "'")
                    .hint(status == "in_review" ? "a task goes to in_review with 'git agentq handoff'" : ""));
  if (status == "blocked" && in.str("reason").empty()) return fail(Error::usage("blocking a task needs --reason TEXT"));
  return {};
}

int run_set_status(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task"), status = in.str("status");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));

  Event e;
  e.type = EventType::status;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.status = status;
  e.reason = in.str("reason");
  e.blocked_by = in.str("blocked-by");
  if (!e.blocked_by.empty() && !q->defs().task(e.blocked_by)) return ctx.out.error(Error::unknown_task(e.blocked_by));
  if (in.has("commit")) {
    auto c = q->repo().resolve_commit(in.str("commit"));
    if (!c) return ctx.out.error(c.error());
    e.commit = *c;
  }
  const bool no_merge = t->no_merge && q->defs().policy.allow_no_merge;
  if (status == "done" && !no_merge) {
    const TaskState& ts = q->state().task(task);
    if (e.commit.empty() && ts.handoff) e.commit = ts.handoff->commit;
    // Done needs merge-ready for the handoff commit (and that commit on base): list every item.
    auto items = done_blockers(*q, *t);
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
