// git agentq review: approve or request changes on an exact handed-off commit.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/merge_ready.h"
#include "gitstore/handoff.h"

namespace agentq::cli {

Status check_review(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?"));
  const std::string decision = in.str("decision");
  if (decision != "approved" && decision != "changes_requested")
    return fail(Error::usage("--decision must be approved or changes_requested"));
  if (!in.has("commit"))
    return fail(Error::usage("--commit SHA is required: a review is bound to the exact commit reviewed"));
  return {};
}

int run_review(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task"), decision = in.str("decision");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  fetch_handed_off(*q, task, ctx.offline);
  auto commit = q->repo().resolve_commit(in.str("commit"));
  if (!commit) return ctx.out.error(commit.error());
  // --role, else the review role the actor holds that the task needs.
  const std::string flag = in.str("role");
  auto role = !flag.empty() ? Result<std::string>(flag) : reviewer_role(q->state(), q->defs(), *q->defs().actor(*actor), *t);
  if (!role) return ctx.out.error(role.error());

  Event e;
  e.type = EventType::review;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.role = *role;
  e.commit = *commit;
  e.decision = decision;
  e.note = in.str("note");
  e.exception_note = in.str("exception-note");
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  const TaskState& now = q->state().task(task);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true},
                      {"noop", w->noop},
                      {"task", task},
                      {"role", *role},
                      {"decision", decision},
                      {"reviewed", *commit},
                      {"status", std::string(to_string(now.status))},
                      {"commit", w->commit}});
  } else {
    ctx.out.line((decision == "approved" ? ctx.out.green("approved ") : ctx.out.yellow("changes requested on ")) +
                 ctx.out.bold(task) + " at " + short_id(*commit) + " as " + *role + " (" + *actor + ")");
    if (decision == "changes_requested")
      ctx.out.line("  " + task + " is back in progress: fix, record new evidence, hand off again");
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
