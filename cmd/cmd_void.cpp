// git agentq void: a human acknowledges an illegal event. The event stays in the log and stays
// skipped by replay (an append-only log is never rewritten); once voided, validate reports it as
// voided instead of failing on it.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/rules.h"
#include "core/strings.h"

namespace agentq::cli {

Status check_void(const Invocation& in) {
  if (in.str("event").empty()) return fail(Error::usage("which event? (its id or its commit, as validate prints them)"));
  if (blank(in.str("reason")))
    return fail(Error::usage("void needs --reason TEXT: it is audited"));
  return {};
}

int run_void(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string target = in.str("event"), reason = in.str("reason");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  auto which = void_target(q->state(), target);
  if (!which) return ctx.out.error(which.error());
  const std::string& resolved = *which;

  Event e;
  e.type = EventType::void_;
  e.id = *event_id;
  e.actor = *actor;
  e.event = resolved;
  e.reason = reason;
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"voided", resolved}, {"commit", w->commit}, {"pending", w->pending}});
  } else {
    ctx.out.line("voided " + short_id(resolved) + " (acknowledged by " + *actor + ", event " + short_id(w->commit) + ")");
    ctx.out.line("  reason: " + reason);
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
