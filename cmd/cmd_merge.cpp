// git agentq merge-ready / merge: the coordinator's gate and step. The judgement and the
// landing are gitstore's (gitstore/merge.h); this renders them.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/merge.h"

namespace agentq::cli {

Status check_merge_ready(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq merge-ready TASK"));
  return {};
}

int run_merge_ready(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string id = in.str("task");
  auto g = merge_readiness(in.queue(), id, true);
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
  Queue& q = in.queue();
  auto g = merge_readiness(q, id, true);
  if (!g) return ctx.out.error(g.error());
  if (!g->items.empty()) {
    print_items(ctx, id, g->items);
    return ctx.out.error(Error(g->items.front().code, id + " is not merge-ready (" + std::to_string(g->items.size()) +
                                                          " item(s) above)",
                               {}, "fix them; 'git agentq merge-ready " + id + "' shows the list"));
  }
  Event e;
  e.type = EventType::status;
  e.id = in.event_id();
  e.task = id;
  e.actor = in.actor();
  e.status = "done";
  e.commit = g->commit;
  Acting how = acting_on(q, in.actor(), id);
  e.role = how.role;
  e.claim = how.claim;
  auto m = land_merge(q, e, ctx.offline);
  if (!m) return ctx.out.error(m.error());
  const bool pushed = !m->remote.empty();
  for (const std::string& w : m->warnings) ctx.out.warn(w);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"task", id}, {"base", m->base}, {"from", m->from}, {"to", m->to}, {"pushed", pushed},
                      {"commit", m->written.commit}});
  } else {
    ctx.out.line("merged " + ctx.out.bold(id) + ": " + m->base + " " + short_id(m->from) + ".." + short_id(m->to) +
                 " (fast-forward), done" + (pushed ? ", pushed to " + m->remote : ""));
  }
  return report_written(ctx, m->written);
}

}  // namespace agentq::cli
