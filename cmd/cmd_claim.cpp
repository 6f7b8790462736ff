// git agentq claim / unclaim
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/rules.h"
#include "gitstore/claim_store.h"
#include "gitstore/saved_work.h"

namespace agentq::cli {

Status check_claim(const Invocation& in) {
  const bool next = in.has("next");
  if (next == !in.str("task").empty())
    return fail(Error::usage("name a TASK or use --next --role R").hint("git agentq claim TASK | --next --role R"));
  if (next && in.str("role").empty()) return fail(Error::usage("--next needs --role R"));
  return check_branch_option(in);
}

int run_claim(Invocation& in) {
  Context& ctx = in.ctx;
  const bool next = in.has("next");
  const std::string task_arg = in.str("task"), role_arg = in.str("role");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  if (next && !q->defs().role(role_arg)) return ctx.out.error(Error::unknown_role(role_arg));
  if (!next && !q->defs().task(task_arg)) return ctx.out.error(Error::unknown_task(task_arg));
  ClaimRequest req;
  req.next = next;
  req.task = task_arg;
  req.role = role_arg;
  if (auto lane = in.num("lane")) req.lane = static_cast<int>(*lane);
  req.branch = in.str("branch");

  Event e;
  e.type = EventType::claim;
  e.id = *event_id;
  e.actor = *actor;
  auto prepare = [&req](Event& ev, const QueueState& s, const Definitions& d) { return choose_claim(ev, s, d, req); };
  auto w = q->write(e, {}, prepare);
  if (!w) return ctx.out.error(w.error());
  const Event& done = w->event;
  if (auto st = write_claim(q->repo(), HeldClaim{done.id, *actor, done.task});
      !st)
    return ctx.out.error(st.error());
  if (ctx.out.json_mode) {
    json j;
    j["ok"] = true;
    j["noop"] = w->noop;
    j["pending"] = w->pending;
    j["task"] = done.task;
    j["claim"] = done.id;
    j["actor"] = done.actor;
    j["role"] = done.role;
    j["lane"] = *done.lane;
    j["branch"] = done.branch;
    j["commit"] = w->commit;
    ctx.out.emit(j);
  } else {
    ctx.out.line((w->noop ? "already claimed " : "claimed ") + ctx.out.bold(done.task) + " as " + done.actor + " (" +
                 done.role + ", lane " + std::to_string(*done.lane) + ", branch " + done.branch + ")");
    const Task* t = q->defs().task(done.task);
    if (t && !t->acceptance_checks.empty())
      ctx.out.line(ctx.out.dim("  acceptance checks: " + std::to_string(t->acceptance_checks.size()) +
                               "; record them with 'git agentq check " + done.task + "'"));
  }
  return report_written(ctx, *w);
}

Status check_unclaim(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq unclaim TASK"));
  return {};
}

int run_unclaim(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  if (!q->defs().task(task)) return ctx.out.error(Error::unknown_task(task));
  Acting how = acting_on(*q, *actor, task);
  Event e;
  e.type = EventType::unclaim;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.role = how.role;
  e.claim = how.claim;
  e.reason = in.str("reason");
  // An agent that failed leaves work behind: a lane's uncommitted work is preserved as a patch
  // before its task goes back to the queue; the lane itself is left untouched. Only for a task
  // that holds a lane (an unclaim the rules will refuse saves nothing).
  std::string saved;
  if (holds_lane(q->state().task(task).status)) {
    auto s = save_lane_work(*q, task);
    if (!s) return ctx.out.error(s.error());
    saved = *s;
  }
  e.saved_patch = saved;
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  if (how.owner) forget_claim(q->repo(), task);
  const std::string saved_path = saved.empty() ? "" : q->repo().common_dir() + saved;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"pending", w->pending}, {"task", task}, {"commit", w->commit},
                      {"saved_patch", saved.empty() ? json(nullptr) : json(saved_path)}});
  } else {
    if (!saved.empty()) ctx.out.line("saved the lane's uncommitted work to " + saved_path + " (the lane is left as it is)");
    ctx.out.line("released " + ctx.out.bold(task) + ": back to todo");
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
