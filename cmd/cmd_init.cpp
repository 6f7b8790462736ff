// git agentq init: the first event, fetch refspecs for the queue refs, notes.displayRef
// (gitstore/init.h); in a clone of a repository that already has a queue it joins it.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/init.h"

namespace agentq::cli {

int initialise(Context& ctx, Queue& queue, const std::string& defs_rev) {
  Queue* q = &queue;
  // Which base? The definitions at HEAD (or --defs) name it; the base tip must agree.
  auto seed = seed_definitions(*q, defs_rev);
  if (!seed) return ctx.out.error(seed.error());
  auto configured = configure_queue(*q, seed->policy.remote);
  if (!configured) return ctx.out.error(configured.error());
  if (!configured->empty()) ctx.out.warn(*configured);
  auto r = init_queue(*q, *seed, ctx.actor);
  if (!r) return ctx.out.error(r.error());
  if (!r->signers_warning.empty()) ctx.out.warn("the allowed-signers file was not written: " + r->signers_warning);
  if (!r->written) {
    if (ctx.out.json_mode) {
      json j;
      j["ok"] = true;
      j["initialised"] = false;
      j["base"] = q->state().base;
      j["init_commit"] = q->state().init_commit;
      j["events"] = q->state().events;
      ctx.out.emit(j);
    } else {
      ctx.out.line("queue already initialised on " + q->state().base + " (" + std::to_string(q->state().events) +
                   " events, init " + short_id(q->state().init_commit) + ")");
    }
    return 0;
  }
  const Written& w = *r->written;
  if (ctx.out.json_mode) {
    json j;
    j["ok"] = true;
    j["initialised"] = !w.noop;
    j["base"] = seed->policy.base;
    j["init_commit"] = w.commit;
    j["events"] = q->state().events;
    ctx.out.emit(j);
  } else {
    ctx.out.line("initialised the queue on " + seed->policy.base + " (init event " + short_id(w.commit) + ")");
    ctx.out.line(ctx.out.dim("  log: refs/agent-queue/log   notes: refs/notes/agentq   next: git agentq ready"));
  }
  return report_written(ctx, w);
}

int run_init(Invocation& in) { return initialise(in.ctx, in.queue(), in.str("defs", "HEAD")); }

}  // namespace agentq::cli
