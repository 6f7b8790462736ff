// git agentq show TASK / log [TASK]
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/merge_ready.h"
#include "core/rules.h"
#include "core/utf8.h"

namespace agentq::cli {

Status check_show(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq show TASK"));
  return {};
}

int run_show(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const std::string id = in.str("task");
  const Definitions& d = q->defs();
  const Task* t = d.task(id);
  if (!t && !q->state().tasks.count(id)) return ctx.out.error(Error::unknown_task(id));
  json j = task_json(d, q->state(), id);
  std::vector<ReadyItem> items;
  if (t) {
    items = merge_ready_items(q->state(), d, *t, RepoFacts{}, false);
    json reviewers = json::array();
    for (const auto& r : reviewer_states(q->state(), d, *t, items))
      reviewers.push_back({{"role", r.role}, {"state", r.state}});
    j["reviewers"] = reviewers;
    j["merge_ready"] = {{"ok", items.empty()}, {"items", items_json(id, items)}};
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(j);
    return 0;
  }
  const TaskState& ts = q->state().task(id);
  ctx.out.line(ctx.out.bold(id) + (t && !t->title.empty() ? "  " + t->title : ""));
  ctx.out.line("status:      " + std::string(to_string(ts.status)));
  if (t) {
    ctx.out.line("role:        " + t->role + "   kind: " + std::string(to_string(t->kind)) +
                 "   risk: " + std::string(to_string(t->risk)));
    if (!t->depends_on.empty()) {
      std::string deps;
      for (const auto& dep : t->depends_on)
        deps += (deps.empty() ? "" : ", ") + dep + " (" + std::string(to_string(q->state().task(dep).status)) + ")";
      ctx.out.line("depends on:  " + deps);
    }
    if (ts.status == TaskStatus::todo) {
      std::string why = not_ready_reason(q->state(), d, *t);
      ctx.out.line("ready:       " + (why.empty() ? std::string("yes") : "no, " + why));
    }
  }
  if (!ts.owner.empty())
    ctx.out.line("claimed by:  " + ts.owner + " as " + ts.role + ", lane " + std::to_string(ts.lane) +
                 (ts.branch.empty() ? "" : ", branch " + neutralise(ts.branch, true)) + " (" + ts.claimed_at + ", claim " + ts.claim + ")");
  if (ts.status == TaskStatus::blocked)
    ctx.out.line("blocked:     " + neutralise(ts.blocked_reason, true) + (ts.blocked_by.empty() ? "" : " (by " + ts.blocked_by + ")"));
  if (ts.status == TaskStatus::done) ctx.out.line("done:        " + short_id(ts.done_commit) + " by " + ts.done_by + " at " + ts.done_at);
  if (t && !t->acceptance_checks.empty()) {
    ctx.out.line("acceptance checks:");
    for (const auto& c : t->acceptance_checks) ctx.out.line("  $ " + c);
  }
  if (!ts.evidence.empty()) {
    ctx.out.line("evidence:");
    for (const auto& e : ts.evidence)
      ctx.out.line("  " + (e.result == "pass" ? ctx.out.green("pass") : ctx.out.red("fail")) + "  " + pad(e.kind, 12) +
                   short_id(e.commit) + "  " + neutralise(e.command, true) + (e.exit_code ? "  (exit " + std::to_string(*e.exit_code) + ")" : ""));
  }
  if (ts.handoff) {
    const auto& h = *ts.handoff;
    ctx.out.line("handoff:     " + short_id(h.commit) + " on " + neutralise(h.branch, true) + " by " + h.actor + ", " +
                 std::to_string(h.files.size()) + " file(s) changed");
  }
  for (const auto& r : ts.reviews)
    ctx.out.line("review:      " + r.decision + " by " + r.actor + " (" + r.role + ") at " + short_id(r.commit) +
                 (r.note.empty() ? "" : ": " + neutralise(r.note, true)));
  if (ts.handoff && ts.status != TaskStatus::done) {
    if (items.empty()) {
      ctx.out.line("merge-ready: " + ctx.out.green("yes") + " (as far as the log says; 'git agentq merge-ready " + id +
                   "' also checks the tree and the remote)");
    } else {
      ctx.out.line("merge-ready: no");
      for (const auto& i : items) ctx.out.line("  " + std::string(code_name(i.code)) + ": " + i.message);
    }
  }
  return 0;
}

int run_log(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const std::string task = in.str("task");
  if (!task.empty() && !q->defs().task(task) && !q->state().tasks.count(task))
    return ctx.out.error(Error::unknown_task(task));
  long limit = in.num("max-count").value_or(-1);
  json list = json::array();
  const auto& entries = q->entries();
  for (auto it = entries.rbegin(); it != entries.rend() && limit != 0; ++it) {
    if (!task.empty() && (!it->event || it->event->task != task)) continue;
    --limit;
    if (ctx.out.json_mode) {
      json x;
      x["commit"] = it->commit;
      if (it->event) x["event"] = event_json(*it->event);
      else x["error"] = error_json(it->error);
      list.push_back(x);
      continue;
    }
    if (it->event)
      ctx.out.line(ctx.out.yellow(short_id(it->commit)) + " " + it->event->at + " " + neutralise(subject_line(*it->event), true));
    else
      ctx.out.line(ctx.out.yellow(short_id(it->commit)) + " " + ctx.out.red("invalid: " + neutralise(it->error.message, true)));
  }
  if (ctx.out.json_mode) ctx.out.emit(json{{"events", list}});
  return 0;
}

}  // namespace agentq::cli
