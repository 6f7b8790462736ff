// git agentq override: the loud, audited emergency bypass of the base-branch gate. Recorded as
// an event with a reason and noted on the commit; never a silent environment variable.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/strings.h"
#include "gitstore/history.h"

namespace agentq::cli {

Status check_override(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?"));
  if (blank(in.str("reason")))
    return fail(Error::usage("an override needs --reason TEXT: it is audited"));
  return {};
}

int run_override(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task"), reason = in.str("reason");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  if (!q->defs().task(task)) return ctx.out.error(Error::unknown_task(task));
  auto commit = q->repo().resolve_commit(in.str("commit", "HEAD"));
  if (!commit) return ctx.out.error(commit.error());
  auto base = q->repo().merge_base(q->base_tip(), *commit);
  if (!base) return ctx.out.error(base.error());
  auto commits = commits_between(q->repo(), *base, *commit);
  if (!commits) return ctx.out.error(commits.error());

  Event e;
  e.type = EventType::override_;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.reason = reason;
  e.commit = *commit;
  e.commits = *commits;
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"task", task}, {"override", w->event.id},
                      {"commits", e.commits}, {"commit", w->commit}});
  } else {
    ctx.out.line(ctx.out.yellow("OVERRIDE") + " recorded by " + *actor + " for " + ctx.out.bold(task) + ": " +
                 std::to_string(e.commits.size()) + " commit(s) up to " + short_id(*commit) +
                 " may reach " + q->state().base + " without merge-ready");
    ctx.out.line("  reason: " + reason);
    ctx.out.line("  it is in the log (" + short_id(w->commit) + "), noted on the commit, and reported by ci-check");
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
