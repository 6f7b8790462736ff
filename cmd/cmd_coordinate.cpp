// git agentq preflight | tick | prune-stale: the coordinator's daily checks: is a lane sane
// before work starts, what changed, who to dispatch, which claims went stale. The facts and the
// writes are gitstore's (preflight.h, tick.h, prune_stale.h); this renders them.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/dispatch.h"
#include "core/lanes.h"
#include "gitstore/lanes.h"
#include "gitstore/preflight.h"
#include "gitstore/prune_stale.h"
#include "gitstore/system.h"
#include "gitstore/tick.h"

namespace agentq::cli {
namespace {

void print_dispatch(Context& ctx, const Definitions& d, const std::vector<Dispatch>& recs) {
  if (recs.empty()) {
    ctx.out.line("  every lane is busy");
    return;
  }
  for (const auto& r : recs) {
    const Role* role = d.role(r.role);
    std::string lane = r.role + (role && role->lanes > 1 ? " lane " + std::to_string(r.lane) : "");
    if (r.task.empty()) {
      ctx.out.line("  " + pad(lane, 18) + ctx.out.dim("idle, nothing ready"));
    } else {
      const Task* t = d.task(r.task);
      ctx.out.line("  " + pad(lane, 18) + pad(r.task, 14) + (t ? t->title : "") +
                   ctx.out.dim("   (git agentq claim " + r.task + " --lane " + std::to_string(r.lane) + ")"));
    }
  }
}

}  // namespace

Status check_preflight(const Invocation& in) {
  if (in.str("role").empty()) return fail(Error::usage("preflight needs --role R"));
  return {};
}

int run_preflight(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string role = in.str("role");
  Queue* q = &in.queue();
  const Definitions& d = q->defs();
  if (!d.role(role)) return ctx.out.error(Error::unknown_role(role));
  if (q->repo().is_bare()) return ctx.out.error(Error::usage("preflight runs in a lane's work tree, not a bare repository"));
  auto layout = lane_layout(q->repo(), d);
  if (!layout) return ctx.out.error(layout.error());
  auto facts = preflight_facts(*q, ctx.actor);
  if (!facts) return ctx.out.error(facts.error());
  const PreflightFacts& f = *facts;
  auto items = preflight_items(d, layout->prefix, role, f);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", items.empty()}, {"role", role}, {"actor", f.actor.empty() ? json(nullptr) : json(f.actor)},
                      {"branch", f.head_branch.empty() ? json(nullptr) : json(f.head_branch)},
                      {"items", brief_items_json(items)}});
    return items.empty() ? 0 : 1;
  }
  print_items(ctx, "", items);
  if (items.empty())
    ctx.out.line("preflight ok: " + f.actor + " as " + role + " on " + f.head_branch.substr(11) + ", based on " + f.base_name);
  else
    ctx.out.line(std::to_string(items.size()) + " preflight item(s) failed for " + role);
  return items.empty() ? 0 : 1;
}

int run_tick(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const Definitions& d = q->defs();
  const QueueState& s = q->state();
  const Tick t = take_tick(*q, ctx.env().now_ms());
  if (!t.not_saved.empty()) ctx.out.warn("cannot remember this tick: " + t.not_saved);
  if (t.corrupt) ctx.out.diagnostic(*t.corrupt, "warning");

  if (ctx.out.json_mode) {
    json ch = json::array();
    for (const auto& c : t.changes) ch.push_back({{"task", c.task}, {"from", c.from.empty() ? json(nullptr) : json(c.from)}, {"to", c.to}});
    json st = json::array();
    for (const auto& c : t.stale) st.push_back({{"task", c.task}, {"owner", c.owner}, {"role", c.role}, {"lane", c.lane}, {"idle_ms", c.idle}});
    ctx.out.emit(json{{"log_tip", s.tip}, {"previous_tip", t.first ? json(nullptr) : json(t.previous.log_tip)}, {"first", t.first},
                      {"events_since", t.events ? json(*t.events) : json(nullptr)}, {"changes", ch},
                      {"dispatch", dispatch_json(d, t.dispatch)}, {"stale", st},
                      {"warnings", t.corrupt ? json::array({error_json(*t.corrupt)}) : json::array()}});
    return 0;
  }
  if (t.first) ctx.out.line(ctx.out.bold("first tick") + " in this worktree: log " + short_id(s.tip));
  else if (t.changes.empty() && t.events && *t.events == 0) ctx.out.line("nothing changed since the last tick");
  else {
    ctx.out.line(ctx.out.bold("since the last tick") +
                 (t.events ? " (" + std::to_string(*t.events) + " event(s))" : " (the log was rewritten)"));
    for (const auto& c : t.changes) ctx.out.line("  " + pad(c.task, 14) + (c.from.empty() ? "new" : c.from) + " -> " + c.to);
  }
  ctx.out.line(ctx.out.bold("dispatch"));
  if (t.dispatch.empty()) ctx.out.line("  nothing to dispatch");
  else print_dispatch(ctx, d, t.dispatch);
  for (const auto& c : t.stale) ctx.out.line(stale_line(ctx.out, c));
  return 0;
}

int run_prune_stale(Invocation& in) {
  Context& ctx = in.ctx;
  const bool dry = in.has("dry-run");
  Queue* q = &in.queue();
  std::string actor;
  if (dry) {
    if (!q->remote().empty())
      if (auto st = q->catch_up(); !st)
        ctx.out.warn("cannot fetch " + q->remote() + " (judging what was fetched last): " + st.error().message);
  } else {
    if (auto st = in.become_writer(); !st) return ctx.out.error(st.error());
    actor = in.actor();
  }
  const auto outcomes = prune_stale(*q, actor, ctx.env().now_ms(), dry);
  json list = json::array(), blocked = json::array();
  std::optional<Error> first_error;
  for (const PruneOutcome& o : outcomes) {
    const StaleClaim& c = o.claim;
    json j{{"task", c.task}, {"owner", c.owner}, {"role", c.role}, {"lane", c.lane}, {"claim", c.claim},
           {"last_activity", c.last_activity}, {"idle_ms", c.idle}, {"reason", o.reason}};
    switch (o.kind) {
      case PruneOutcome::Kind::would_prune:
        list.push_back(j);
        ctx.out.line("would unclaim " + pad(c.task, 14) + c.owner + ", " + o.reason);
        break;
      case PruneOutcome::Kind::skipped:
        ctx.out.note("skipped " + c.task + ": " + o.error->message);
        break;
      case PruneOutcome::Kind::blocked: {
        const TaskState& ts = q->state().task(c.task);
        j["blocked_by"] = ts.blocked_by.empty() ? json(nullptr) : json(ts.blocked_by);
        j["blocked_reason"] = ts.blocked_reason;
        blocked.push_back(j);
        ctx.out.line("left blocked " + pad(c.task, 11) + c.owner + ", " + o.reason +
                     (ts.blocked_by.empty() ? "" : "; blocked by " + ts.blocked_by) +
                     " (unblock it with set-status in_progress, or unclaim it)");
        break;
      }
      case PruneOutcome::Kind::failed:
        ctx.out.diagnostic(*o.error);
        if (!first_error) first_error = *o.error;
        break;
      case PruneOutcome::Kind::pruned: {
        const std::string saved = o.saved_patch.empty() ? "" : q->repo().common_dir() + o.saved_patch;
        j["commit"] = o.written->commit;
        j["pending"] = o.written->pending;
        j["saved_patch"] = saved.empty() ? json(nullptr) : json(saved);
        list.push_back(j);
        ctx.out.line("unclaimed " + pad(c.task, 14) + c.owner + ", " + o.reason);
        if (!saved.empty()) ctx.out.line("  the lane's uncommitted work is left in place; a copy is in " + saved);
        report_written(ctx, *o.written);
        break;
      }
    }
  }
  if (outcomes.empty())
    ctx.out.line("no stale claims (policy.stale_after " + format_duration(q->defs().policy.stale_after) + ")");
  if (ctx.out.json_mode) ctx.out.emit(json{{"ok", !first_error}, {"dry_run", dry}, {"pruned", list}, {"blocked", blocked}});
  return first_error ? first_error->exit_code() : 0;
}

}  // namespace agentq::cli
