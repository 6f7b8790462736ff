// git agentq claim / unclaim
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/rules.h"
#include "gitstore/claim_store.h"
#include "gitstore/lanes.h"
#include "gitstore/saved_work.h"

namespace agentq::cli {

Status check_claim(const Invocation& in) {
  const bool next = in.has("next");
  if (next == !in.str("task").empty())
    return fail(Error::usage("name a TASK or use --next --role R").hint("git agentq claim TASK | --next --role R"));
  return check_branch_option(in);
}

int run_claim(Invocation& in) {
  Context& ctx = in.ctx;
  const bool next = in.has("next");
  const std::string task_arg = in.str("task"), role_arg = in.str("role");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  if (!next && !q->defs().task(task_arg)) return ctx.out.error(Error::unknown_task(task_arg));
  ClaimRequest req;
  req.next = next;
  req.task = task_arg;
  req.role = role_arg;
  if (auto lane = in.num("lane")) req.lane = static_cast<int>(*lane);
  req.branch = in.str("branch");
  // A claim made in a lane's worktree is that lane's: its lane number and its branch (LANE_BUSY
  // when the lane holds another task), so that the handoff pushes this branch and no other.
  const std::optional<Lane> here = lane_here(*q);
  if (next && req.role.empty()) {
    if (here && here->kind == RoleKind::delivery) req.role = here->role;
    else if (const Actor* a = q->defs().actor(*actor)) {
      std::vector<std::string> delivery;
      for (const auto& r : a->roles)
        if (const Role* role = q->defs().role(r); role && role->kind == RoleKind::delivery) delivery.push_back(r);
      if (delivery.size() == 1) req.role = delivery.front();
    }
    if (req.role.empty()) return ctx.out.error(Error::usage("--next needs --role R (" + *actor + " works in several roles, or none)"));
  }
  if (next && !q->defs().role(req.role)) return ctx.out.error(Error::unknown_role(req.role));
  if (here && here->kind == RoleKind::delivery && !req.lane && req.branch.empty()) {
    const Task* t = next ? nullptr : q->defs().task(task_arg);
    if (next ? req.role == here->role : t->role == here->role) {
      req.lane = here->lane;
      req.branch = here->branch;
    }
  }

  // The owner claiming again where its live handle is: refused, not a silent success, because
  // two processes of one agent that both "won" would both start on the branch. A retry that must
  // be a no-op passes the same --event-id.
  if (!next) {
    const TaskState& st = q->state().task(task_arg);
    const auto mine = read_claim(q->repo(), task_arg);
    if (holds_lane(st.status) && st.owner == *actor && mine && mine->claim == st.claim && st.claim != *event_id)
      return ctx.out.error(Error(Code::ALREADY_CLAIMED,
                                 "task " + st.id + " is already claimed by " + st.owner + " in this worktree (claim " +
                                     st.claim + ", lane " + std::to_string(st.lane) + ", branch " + st.branch + ")",
                                 {}, "work on under that claim; a retry that must succeed passes the same --event-id"));
  }

  Event e;
  e.type = EventType::claim;
  e.id = *event_id;
  e.actor = *actor;
  // Only a task this actor already held when the command started is re-claimed: one that was
  // taken meanwhile (by this actor in another process racing this one) is refused as before,
  // so that of many processes claiming one task exactly one wins.
  // The state was loaded before this lock was taken, which is safe: a claim seen in it was
  // published by a holder of the lock, who wrote its handle before letting go.
  auto claim_lock = hold_claim_lock(q->repo());
  if (!claim_lock) return ctx.out.error(claim_lock.error());
  bool was_held = false;
  if (!next) {
    const TaskState& st = q->state().task(task_arg);
    // ... and only when this worktree does not hold that claim already (then it is simply taken).
    const auto here_held = read_claim(q->repo(), task_arg);
    was_held = holds_lane(st.status) && st.owner == *actor && !(here_held && here_held->claim == st.claim);
  }
  std::string superseded;  // the claim a re-claim by the owner replaces
  auto prepare = [&req, &superseded, was_held](Event& ev, const QueueState& s, const Definitions& d) -> Status {
    AGENTQ_TRY(choose_claim(ev, s, d, req));
    const TaskState& ts = s.task(ev.task);
    superseded = holds_lane(ts.status) && ts.owner == ev.actor && ts.claim != ev.id ? ts.claim : "";
    ev.claim = was_held ? superseded : "";
    if (!superseded.empty() && !was_held)
      // Not re-claimed silently: that claim may be live in another clone of this actor's, and a
      // second "won" there would fence it. A claim interrupted after its push lands here too.
      return fail(Error(Code::ALREADY_CLAIMED,
                        "task " + ev.task + " was claimed by " + ts.owner + " meanwhile (claim " + ts.claim +
                            "), in a process or clone this worktree has no handle from (or a claim interrupted "
                            "after it was published)",
                        {}, "work under that claim where it was made, or claim it again here to re-claim it (that "
                            "claim is then fenced)"));
    return Status{};
  };
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
    j["reclaimed"] = !superseded.empty();
    j["superseded"] = superseded.empty() ? json(nullptr) : json(superseded);
    ctx.out.emit(j);
  } else {
    const std::string verb = w->noop ? "already claimed " : !superseded.empty() ? "re-claimed " : "claimed ";
    ctx.out.line(verb + ctx.out.bold(done.task) + " as " + done.actor + " (" +
                 done.role + ", lane " + std::to_string(*done.lane) + ", branch " + done.branch + ")");
    if (!superseded.empty())
      ctx.out.line("  the earlier claim " + superseded + " is fenced from now on; work on under this one");
    const Task* t = q->defs().task(done.task);
    if (superseded.empty() && t && !t->acceptance_checks.empty())
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
