// git agentq preflight | tick | prune-stale: the coordinator's daily checks (runbook 000 §1,
// 001 §4): is a lane sane before work starts, what changed, who to dispatch, which claims went
// stale.
#include <filesystem>

#include "cmd/command.h"
#include "cmd/common.h"
#include "cmd/lanes_common.h"
#include "core/board.h"
#include "core/dispatch.h"
#include "core/lanes.h"
#include "core/rules.h"
#include "gitstore/git_config.h"
#include "gitstore/lanes.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {

Result<std::string> save_lane_work(Queue& q, const std::string& task) {
  const TaskState& ts = q.state().task(task);
  if (ts.branch.empty() || q.repo().is_bare()) return std::string();
  auto holder = worktree_holding(q.repo(), "refs/heads/" + ts.branch);
  if (!holder) return fail(holder.error());
  if (!*holder) return std::string();
  const std::string label = task + (ts.claim.empty() ? "" : "-" + ts.claim.substr(0, 8));
  auto saved = save_uncommitted(q.repo(), **holder, label);
  if (!saved) return fail(saved.error());
  if (!*saved) return std::string();
  return "agentq/saved/" + std::filesystem::path(**saved).filename().string();
}

namespace {

json coord_items_json(const std::vector<ReadyItem>& items) {
  json list = json::array();
  for (const auto& i : items) list.push_back({{"code", std::string(code_name(i.code))}, {"message", i.message}, {"fix", i.fix}});
  return list;
}

json dispatch_json(const Definitions& d, const std::vector<Dispatch>& recs) {
  json list = json::array();
  for (const auto& r : recs)
    list.push_back({{"role", r.role}, {"lane", r.lane}, {"task", r.task.empty() ? json(nullptr) : json(r.task)},
                    {"branch", lane_branch(d, r.role, r.lane)}});
  return list;
}

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
  Repo& repo = q->repo();
  auto layout = lane_layout(repo, d);
  if (!layout) return ctx.out.error(layout.error());

  PreflightFacts f;
  auto dirty = dirty_paths(repo);
  if (!dirty) return ctx.out.error(dirty.error());
  f.dirty = *dirty;
  f.head_branch = repo.head_branch();
  BaseTip base = base_tip_of(repo, q->remote(), q->state().base);
  f.base_name = base.name;
  if (!base.tip.empty())
    if (auto head = repo.resolve_commit("HEAD")) f.based_on_base = repo.is_ancestor(base.tip, *head);
  auto hooks = check_hooks(repo, expected_hooks(d));
  if (!hooks) return ctx.out.error(hooks.error());
  f.hooks_dir = hooks->dir;
  f.missing_hooks = hooks->missing;
  auto actor = resolve_actor(repo, ctx.actor);
  if (!actor) return ctx.out.error(actor.error());
  f.actor = *actor;
  if (auto key = configured_signing_key(repo)) f.signing_key = *key;
  else f.signing_key_error = key.error().message;
  if (const Actor* a = d.actor(f.actor); a && a->key.rfind("-----BEGIN PGP", 0) == 0)
    f.declared_fingerprint = openpgp_fingerprint(a->key);

  auto items = preflight_items(d, layout->prefix, role, f);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", items.empty()}, {"role", role}, {"actor", f.actor.empty() ? json(nullptr) : json(f.actor)},
                      {"branch", f.head_branch.empty() ? json(nullptr) : json(f.head_branch)},
                      {"items", coord_items_json(items)}});
    return items.empty() ? 0 : 1;
  }
  for (const auto& i : items) ctx.out.diagnostic(Error(i.code, i.message, {}, i.fix));
  if (items.empty())
    ctx.out.line("preflight ok: " + f.actor + " as " + role + " on " + f.head_branch.substr(11) + ", based on " + base.name);
  else
    ctx.out.line(std::to_string(items.size()) + " preflight item(s) failed for " + role);
  return items.empty() ? 0 : 1;
}

int run_tick(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const Definitions& d = q->defs();
  const QueueState& s = q->state();
  const TickSnapshot prev = read_tick(q->repo());
  const bool first = prev.log_tip.empty();
  std::vector<TickChange> changes;
  if (!first) changes = tick_changes(prev, s, d);
  std::optional<size_t> events;
  if (!first && prev.log_tip != s.tip && q->repo().has_object(prev.log_tip) && q->repo().is_ancestor(prev.log_tip, s.tip))
    if (auto c = commits_between(q->repo(), prev.log_tip, s.tip)) events = c->size();
  if (!first && prev.log_tip == s.tip) events = 0;
  auto recs = recommend(s, d);
  std::vector<Dispatch> todo;
  for (const auto& r : recs)
    if (!r.task.empty()) todo.push_back(r);
  auto stale = stale_claims(s, d, now_ms());
  if (auto st = write_tick(q->repo(), snapshot(s, d)); !st) ctx.out.warn("cannot remember this tick: " + st.error().message);

  if (ctx.out.json_mode) {
    json ch = json::array();
    for (const auto& c : changes) ch.push_back({{"task", c.task}, {"from", c.from.empty() ? json(nullptr) : json(c.from)}, {"to", c.to}});
    json st = json::array();
    for (const auto& c : stale) st.push_back({{"task", c.task}, {"owner", c.owner}, {"role", c.role}, {"lane", c.lane}, {"idle_ms", c.idle}});
    ctx.out.emit(json{{"log_tip", s.tip}, {"previous_tip", first ? json(nullptr) : json(prev.log_tip)}, {"first", first},
                      {"events_since", events ? json(*events) : json(nullptr)}, {"changes", ch},
                      {"dispatch", dispatch_json(d, todo)}, {"stale", st}});
    return 0;
  }
  if (first) ctx.out.line(ctx.out.bold("first tick") + " in this worktree: log " + short_id(s.tip));
  else if (changes.empty() && events && *events == 0) ctx.out.line("nothing changed since the last tick");
  else {
    ctx.out.line(ctx.out.bold("since the last tick") +
                 (events ? " (" + std::to_string(*events) + " event(s))" : " (the log was rewritten)"));
    for (const auto& c : changes) ctx.out.line("  " + pad(c.task, 14) + (c.from.empty() ? "new" : c.from) + " -> " + c.to);
  }
  ctx.out.line(ctx.out.bold("dispatch"));
  if (todo.empty()) ctx.out.line("  nothing to dispatch");
  else print_dispatch(ctx, d, todo);
  for (const auto& c : stale)
    ctx.out.line(ctx.out.yellow("stale") + ": " + c.task + " (" + c.owner + ", idle " + format_age(c.idle) +
                 ")   git agentq prune-stale");
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
  const Definitions& d = q->defs();
  const Millis now = now_ms();
  auto stale = stale_claims(q->state(), d, now);
  json list = json::array();
  std::optional<Error> first_error;
  for (const StaleClaim& c : stale) {
    const std::string reason = "stale: no activity for " + format_age(c.idle) + " (policy.stale_after " +
                               format_duration(d.policy.stale_after) + ")";
    json j{{"task", c.task}, {"owner", c.owner}, {"role", c.role}, {"lane", c.lane}, {"claim", c.claim},
           {"last_activity", c.last_activity}, {"idle_ms", c.idle}, {"reason", reason}};
    if (dry) {
      list.push_back(j);
      ctx.out.line("would unclaim " + pad(c.task, 14) + c.owner + ", " + reason);
      continue;
    }
    auto saved = save_lane_work(*q, c.task);
    if (!saved) {
      ctx.out.diagnostic(saved.error());
      if (!first_error) first_error = saved.error();
      continue;
    }
    Acting how = acting_on(*q, actor, c.task);
    Event e;
    e.type = EventType::unclaim;
    e.task = c.task;
    e.actor = actor;
    e.role = how.role;
    e.claim = how.claim;
    e.reason = reason;
    e.saved_patch = *saved;
    // The claim may have come back to life (or been released) since we looked: prune only the
    // claim that was judged stale, and only while it still is.
    const std::string claim = c.claim;
    auto still_stale = [claim, now](Event& ev, const QueueState& s, const Definitions& defs) -> Status {
      for (const auto& sc : stale_claims(s, defs, now))
        if (sc.task == ev.task && sc.claim == claim) return {};
      return fail(Error(Code::LOST_RACE, ev.task + " is no longer the stale claim it was", {}, "nothing to do"));
    };
    auto w = q->write(e, {}, still_stale);
    if (!w) {
      if (w.error().code == Code::LOST_RACE) {
        ctx.out.note("skipped " + c.task + ": " + w.error().message);
        continue;
      }
      ctx.out.diagnostic(w.error());
      if (!first_error) first_error = w.error();
      continue;
    }
    j["commit"] = w->commit;
    j["pending"] = w->pending;
    j["saved_patch"] = saved->empty() ? json(nullptr) : json(q->repo().common_dir() + *saved);
    list.push_back(j);
    ctx.out.line("unclaimed " + pad(c.task, 14) + c.owner + ", " + reason);
    if (!saved->empty()) ctx.out.line("  the lane's uncommitted work is left in place; a copy is in " + q->repo().common_dir() + *saved);
    report_written(ctx, *w);
  }
  if (stale.empty()) ctx.out.line("no stale claims (policy.stale_after " + format_duration(d.policy.stale_after) + ")");
  if (ctx.out.json_mode) ctx.out.emit(json{{"ok", !first_error}, {"dry_run", dry}, {"pruned", list}});
  return first_error ? first_error->exit_code() : 0;
}

}  // namespace agentq::cli
