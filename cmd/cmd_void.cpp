// git agentq void: a human acknowledges an illegal event (DESIGN.md "The event log"). The event
// stays in the log and stays skipped by replay; once voided, validate reports it as voided
// instead of failing on it.
#include "cmd/args.h"
#include "cmd/common.h"

namespace agentq::cli {

int cmd_void(Context& ctx, const std::vector<std::string>& argv) {
  Args args("void", "void EVENT_ID --reason TEXT [--offline]",
            "Acknowledge an illegal event (by event id or commit id), with a reason. Human actors only.", true);
  args.add()("event", "", cxxopts::value<std::string>())("reason", "why it is acknowledged (required)",
                                                         cxxopts::value<std::string>(), "TEXT");
  add_event_id_option(args);
  args.positional({"event"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const auto& opt = **parsed;
  const std::string target = opt_str(opt, "event"), reason = opt_str(opt, "reason");
  if (target.empty()) return ctx.out.error(Error::usage("which event? (its id or its commit, as validate prints them)"));
  if (reason.find_first_not_of(" \t\n") == std::string::npos)
    return ctx.out.error(Error::usage("void needs --reason TEXT: it is audited"));
  auto session = open_writer(ctx, opt);
  if (!session) return ctx.out.error(session.error());
  Queue* q = &session->queue;
  const std::string* actor = &session->actor;
  const std::string* event_id = &session->event_id;
  // validate prints commits abbreviated: accept any unique prefix of an illegal event's commit.
  std::string resolved = target;
  size_t matches = 0;
  for (const Finding& f : q->state().illegal) {
    if (f.event_id == target || f.commit == target) {
      resolved = target;
      matches = 1;
      break;
    }
    if (target.size() >= 7 && f.commit.rfind(target, 0) == 0) {
      resolved = f.commit;
      ++matches;
    }
  }
  if (matches > 1) return ctx.out.error(Error::usage("'" + target + "' names several illegal events; give more digits"));

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
