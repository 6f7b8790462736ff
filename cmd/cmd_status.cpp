// git agentq status / ready: the board and the claimable list.
#include <map>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/dispatch.h"
#include "core/merge_ready.h"
#include "core/rules.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

const TaskStatus kStatuses[] = {TaskStatus::todo, TaskStatus::in_progress, TaskStatus::blocked, TaskStatus::in_review,
                                TaskStatus::done};

std::string age_since(const std::string& at) {
  auto t = parse_rfc3339(at);
  return t ? format_age(now_ms() - *t) : "?";
}

}  // namespace

int run_status(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const Definitions& d = q->defs();
  const QueueState& s = q->state();
  const std::string role = in.str("role");
  if (!role.empty() && !d.role(role)) return ctx.out.error(Error::unknown_role(role));

  auto ready = ready_tasks(s, d, role);
  // The review queue: for each reviewer role, the tasks in review that still need its approval
  // of their current commit; and the tasks in review that need nothing more.
  std::map<std::string, std::vector<std::string>> review_queue;
  std::vector<std::string> mergeable;
  for (const Task& t : d.tasks) {
    if (s.task(t.id).status != TaskStatus::in_review) continue;
    auto items = merge_ready_items(s, d, t, RepoFacts{}, false);
    if (items.empty()) mergeable.push_back(t.id);
    for (const auto& i : items)
      if (!i.role.empty() && (role.empty() || role == i.role || role == t.role)) review_queue[i.role].push_back(t.id);
  }
  std::map<std::string, std::map<std::string, int>> counts;
  for (const Role& r : d.roles) {
    if (!role.empty() && r.name != role) continue;
    for (TaskStatus st : kStatuses) counts[r.name][std::string(to_string(st))] = 0;
    counts[r.name]["ready"] = 0;
  }
  for (const Task& t : d.tasks) {
    if (!role.empty() && t.role != role) continue;
    ++counts[t.role][std::string(to_string(s.task(t.id).status))];
  }
  for (const auto& r : ready) ++counts[r.task->role]["ready"];
  // What the coordinator does next: one recommendation per idle lane, and the claims gone stale.
  std::vector<Dispatch> dispatch;
  for (const auto& r : recommend(s, d))
    if (role.empty() || r.role == role) dispatch.push_back(r);
  std::vector<StaleClaim> stale;
  for (const auto& c : stale_claims(s, d, now_ms()))
    if (role.empty() || c.role == role) stale.push_back(c);

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
    for (const Task& t : d.tasks)
      if (role.empty() || t.role == role) tasks.push_back(task_json(d, s, t.id));
    j["tasks"] = tasks;
    json rj = json::array();
    for (const auto& r : ready) rj.push_back({{"id", r.task->id}, {"role", r.task->role}, {"lane", r.lane}});
    j["ready"] = rj;
    json rq = json::object();
    for (const auto& [r, ids] : review_queue) rq[r] = ids;
    j["review_queue"] = rq;
    j["merge_ready"] = mergeable;
    json ip = json::array(), bl = json::array();
    for (const Task& t : d.tasks) {
      if (!role.empty() && t.role != role) continue;
      const TaskState& ts = s.task(t.id);
      // Timestamps, not ages: the board of two clones with the same log is the same document.
      if (ts.status == TaskStatus::in_progress)
        ip.push_back({{"id", t.id}, {"role", ts.role}, {"lane", ts.lane}, {"owner", ts.owner}, {"branch", ts.branch},
                      {"claimed_at", ts.claimed_at}, {"last_activity", ts.last_activity}});
      if (ts.status == TaskStatus::blocked)
        bl.push_back({{"id", t.id}, {"role", ts.role}, {"lane", ts.lane}, {"owner", ts.owner}, {"reason", ts.blocked_reason},
                      {"blocked_by", ts.blocked_by.empty() ? json(nullptr) : json(ts.blocked_by)}});
    }
    j["in_progress"] = ip;
    j["blocked"] = bl;
    json dj = json::array();
    for (const auto& r : dispatch)
      dj.push_back({{"role", r.role}, {"lane", r.lane}, {"task", r.task.empty() ? json(nullptr) : json(r.task)},
                    {"branch", lane_branch(d, r.role, r.lane)}});
    j["dispatch"] = dj;
    json sj = json::array();
    for (const auto& c : stale)
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
    for (const Task& t : d.tasks) {
      if (!role.empty() && t.role != role) continue;
      const TaskState& ts = s.task(t.id);
      if (ts.status != st) continue;
      if (first) {
        ctx.out.line();
        ctx.out.line(ctx.out.bold(title));
        first = false;
      }
      std::string line = "  " + pad(t.id, 14) + pad(ts.role + " lane " + std::to_string(ts.lane), 20) + pad(ts.owner, 12);
      if (st == TaskStatus::blocked)
        line += ts.blocked_reason + (ts.blocked_by.empty() ? "" : " (blocked by " + ts.blocked_by + ")");
      else if (st == TaskStatus::in_progress)
        line += pad(age_since(ts.claimed_at), 8) + pad("idle " + age_since(ts.last_activity), 12) + t.title;
      else
        line += pad(age_since(ts.last_activity), 8) + t.title;
      ctx.out.line(line);
    }
  };
  section(TaskStatus::in_progress, "in progress");
  section(TaskStatus::blocked, "blocked");
  section(TaskStatus::in_review, "in review");
  if (!review_queue.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("review queue"));
    for (const auto& [r, ids] : review_queue) {
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      ctx.out.line("  " + pad(r, 18) + list);
    }
  }
  if (!mergeable.empty()) {
    std::string list;
    for (const auto& id : mergeable) list += (list.empty() ? "" : ", ") + id;
    ctx.out.line();
    ctx.out.line(ctx.out.bold("merge-ready") + "  " + list + ctx.out.dim("   (git agentq merge TASK)"));
  }
  if (!ready.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("ready"));
    for (const auto& r : ready)
      ctx.out.line("  " + pad(r.task->id, 14) + pad(r.task->role + " lane " + std::to_string(r.lane), 20) + r.task->title);
  }
  if (!dispatch.empty()) {
    ctx.out.line();
    ctx.out.line(ctx.out.bold("dispatch") + ctx.out.dim("   (one per idle lane)"));
    for (const auto& r : dispatch) {
      const Role* rr = d.role(r.role);
      const std::string lane = r.role + (rr && rr->lanes > 1 ? " lane " + std::to_string(r.lane) : "");
      if (r.task.empty()) ctx.out.line("  " + pad(lane, 20) + ctx.out.dim("idle, nothing ready"));
      else
        ctx.out.line("  " + pad(lane, 20) + pad(r.task, 14) +
                     ctx.out.dim("git agentq claim " + r.task + " --lane " + std::to_string(r.lane)));
    }
  }
  for (const auto& c : stale)
    ctx.out.line(ctx.out.yellow("stale") + ": " + c.task + " (" + c.owner + ", idle " + format_age(c.idle) +
                 ")   git agentq prune-stale");
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
