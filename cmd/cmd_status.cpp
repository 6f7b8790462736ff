// git agentq status / ready: the board (core/board.h) and the claimable list, rendered.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/board.h"
#include "core/rules.h"
#include "core/strings.h"
#include "core/utf8.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

std::string age_since(const std::string& at, Millis now) {
  auto t = parse_rfc3339(at);
  return t ? format_age(now - *t) : "?";
}

}  // namespace

int run_status_watch(Invocation& in);  // cmd/cmd_watch.cpp

int run_status(Invocation& in) {
  if (in.has("watch")) return run_status_watch(in);
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const Definitions& d = q->defs();
  const QueueState& s = q->state();
  const std::string role = in.str("role");
  if (!role.empty() && !d.role(role)) return ctx.out.error(Error::unknown_role(role));
  const Millis now = ctx.env().now_ms();
  StatusBoard board = status_board(s, d, role, now);
  auto& counts = board.counts;
  const auto& ready = board.ready;

  if (ctx.out.json_mode) {
    json j;
    j["base"] = s.base;
    j["base_tip"] = q->base_tip();
    j["log_tip"] = s.tip;
    j["events"] = s.events;
    j["findings"] = s.open_findings();
    json roles = json::object();
    for (const Role& r : d.roles) {
      if (!counts.count(r.name)) continue;
      json c;
      c["kind"] = std::string(to_string(r.kind));
      c["lanes"] = r.lanes;
      for (const auto& [k, v] : counts[r.name]) c[k] = v;
      roles[r.name] = c;
    }
    j["roles"] = roles;
    json tasks = json::array();
    for (const Task* t : board.tasks) tasks.push_back(task_json(d, s, t->id));
    j["tasks"] = tasks;
    json rj = json::array();
    for (const auto& r : ready) rj.push_back({{"id", r.task->id}, {"role", r.task->role}, {"lane", r.lane}});
    j["ready"] = rj;
    json rq = json::object();
    for (const auto& [r, ids] : board.review_queue) rq[r] = ids;
    j["review_queue"] = rq;
    j["merge_ready"] = board.merge_ready;
    json ip = json::array(), bl = json::array();
    for (const Task* t : board.tasks) {
      const TaskState& ts = s.task(t->id);
      // Timestamps, not ages: the board of two clones with the same log is the same document.
      if (ts.status == TaskStatus::in_progress)
        ip.push_back({{"id", t->id}, {"role", ts.role}, {"lane", ts.lane}, {"owner", ts.owner}, {"branch", ts.branch},
                      {"claimed_at", ts.claimed_at}, {"last_activity", ts.last_activity}});
      if (ts.status == TaskStatus::blocked)
        bl.push_back({{"id", t->id}, {"role", ts.role}, {"lane", ts.lane}, {"owner", ts.owner}, {"reason", ts.blocked_reason},
                      {"blocked_by", ts.blocked_by.empty() ? json(nullptr) : json(ts.blocked_by)}});
    }
    j["in_progress"] = ip;
    j["blocked"] = bl;
    j["dispatch"] = dispatch_json(d, board.dispatch);
    json sj = json::array();
    for (const auto& c : board.stale)
      sj.push_back({{"task", c.task}, {"owner", c.owner}, {"role", c.role}, {"lane", c.lane},
                    {"last_activity", c.last_activity}, {"idle_ms", c.idle}});
    j["stale"] = sj;
    ctx.out.emit(j);
    return 0;
  }

  ctx.out.line(ctx.out.bold("queue on " + s.base) + "  log " + short_id(s.tip) + " (" + std::to_string(s.events) +
               " events)  base " + short_id(q->base_tip()));
  ctx.out.line();
  ctx.out.line(pad("role", 16) + pad("todo", 6) + pad("ready", 7) + pad("in_progress", 13) + pad("blocked", 9) +
               pad("in_review", 11) + "done");
  for (const Role& r : d.roles) {
    if (!counts.count(r.name)) continue;
    auto& c = counts[r.name];
    if (r.kind != RoleKind::delivery && c["todo"] + c["in_progress"] + c["done"] + c["blocked"] + c["in_review"] == 0)
      continue;
    ctx.out.line(pad(r.name, 16) + pad(std::to_string(c["todo"]), 6) + pad(std::to_string(c["ready"]), 7) +
                 pad(std::to_string(c["in_progress"]), 13) + pad(std::to_string(c["blocked"]), 9) +
                 pad(std::to_string(c["in_review"]), 11) + std::to_string(c["done"]));
  }
  auto section = [&](TaskStatus st, const std::string& title) {
    bool first = true;
    for (const Task* task : board.tasks) {
      const Task& t = *task;
      const TaskState& ts = s.task(t.id);
      if (ts.status != st) continue;
      if (first) {
        ctx.out.line();
        ctx.out.line(ctx.out.bold(title));
        first = false;
      }
      std::string line = "  " + pad(t.id, 14) + pad(ts.role + " lane " + std::to_string(ts.lane), 20) + pad(ts.owner, 12);
      if (st == TaskStatus::blocked)
        line += neutralise(ts.blocked_reason, true) + (ts.blocked_by.empty() ? "" : " (blocked by " + ts.blocked_by + ")");
      else if (st == TaskStatus::in_progress)
        line += pad(age_since(ts.claimed_at, now), 8) + pad("idle " + age_since(ts.last_activity, now), 12) + t.title;
      else
        line += pad(age_since(ts.last_activity, now), 8) + t.title;
      ctx.out.line(line);
    }
  };
  section(TaskStatus::in_progress, "in progress");
  section(TaskStatus::blocked, "blocked");
  section(TaskStatus::in_review, "in review");
  if (!board.review_queue.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("review queue"));
    for (const auto& [r, ids] : board.review_queue) ctx.out.line("  " + pad(r, 18) + join(ids));
  }
  if (!board.merge_ready.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("merge-ready") + "  " + join(board.merge_ready) + ctx.out.dim("   (git agentq merge TASK)"));
  }
  if (!ready.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("ready"));
    for (const auto& r : ready)
      ctx.out.line("  " + pad(r.task->id, 14) + pad(r.task->role + " lane " + std::to_string(r.lane), 20) + r.task->title);
  }
  if (!board.dispatch.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("dispatch") + ctx.out.dim("   (one per idle lane)"));
    for (const auto& r : board.dispatch) {
      const Role* rr = d.role(r.role);
      const std::string lane = r.role + (rr && rr->lanes > 1 ? " lane " + std::to_string(r.lane) : "");
      if (r.task.empty()) ctx.out.line("  " + pad(lane, 20) + ctx.out.dim("idle, nothing ready"));
      else
        ctx.out.line("  " + pad(lane, 20) + pad(r.task, 14) +
                     ctx.out.dim("git agentq claim " + r.task + " --lane " + std::to_string(r.lane)));
    }
  }
  for (const auto& c : board.stale) ctx.out.line(stale_line(ctx.out, c));
  if (s.open_findings())
    ctx.out.warn(std::to_string(s.open_findings()) + " illegal event(s) in the log: run 'git agentq validate'");
  return 0;
}

int run_ready(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const std::string role = in.str("role");
  if (!role.empty() && !q->defs().role(role)) return ctx.out.error(Error::unknown_role(role));
  auto ready = ready_tasks(q->state(), q->defs(), role);
  if (ctx.out.json_mode) {
    json list = json::array();
    for (const auto& r : ready)
      list.push_back({{"id", r.task->id}, {"title", r.task->title}, {"role", r.task->role}, {"lane", r.lane},
                      {"branch", lane_branch(q->defs(), r.task->role, r.lane)}});
    ctx.out.emit(json{{"ready", list}});
    return 0;
  }
  for (const auto& r : ready)
    ctx.out.line(pad(r.task->id, 14) + pad(r.task->role, 14) + pad("lane " + std::to_string(r.lane), 8) + r.task->title);
  if (ready.empty()) {
    ctx.out.line("nothing is ready" + (role.empty() ? std::string() : " for " + role));
    for (const Task& t : q->defs().tasks) {
      if ((!role.empty() && t.role != role) || q->state().task(t.id).status != TaskStatus::todo) continue;
      ctx.out.line(ctx.out.dim("  " + pad(t.id, 14) + not_ready_reason(q->state(), q->defs(), t)));
    }
  }
  return 0;
}

}  // namespace agentq::cli
