// git agentq review: approve or request changes on an exact handed-off commit.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/merge_ready.h"

namespace agentq::cli {
namespace {

// The reviewer role to act as: --role, else the one review role the actor holds that the task
// needs (or the actor's only review role).
Result<std::string> reviewer_role(const Queue& q, const Actor& a, const Task& t, const std::string& flag) {
  if (!flag.empty()) return flag;
  std::vector<std::string> mine;
  for (const auto& r : a.roles) {
    const Role* role = q.defs().role(r);
    if (role && role->kind == RoleKind::review) mine.push_back(r);
  }
  if (mine.size() == 1) return mine.front();
  const auto needed = required_reviewers(q.state(), q.defs(), t);
  std::vector<std::string> both;
  for (const auto& r : mine)
    if (std::find(needed.begin(), needed.end(), r) != needed.end()) both.push_back(r);
  if (both.size() == 1) return both.front();
  if (mine.empty())
    return fail(Error(Code::ROLE_MISMATCH, a.name + " holds no reviewer role", {}, "review as an actor with a review role"));
  return fail(Error::usage(a.name + " holds several reviewer roles: pass --role R"));
}

}  // namespace

Status check_review(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?"));
  const std::string decision = in.str("decision");
  if (decision != "approved" && decision != "changes_requested")
    return fail(Error::usage("--decision must be approved or changes_requested"));
  if (!in.has("commit"))
    return fail(Error::usage("--commit SHA is required: a review is bound to the exact commit reviewed"));
  return {};
}

int run_review(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task"), decision = in.str("decision");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = q->repo().resolve_commit(in.str("commit"));
  if (!commit) return ctx.out.error(commit.error());
  auto role = reviewer_role(*q, *q->defs().actor(*actor), *t, in.str("role"));
  if (!role) return ctx.out.error(role.error());

  Event e;
  e.type = EventType::review;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.role = *role;
  e.commit = *commit;
  e.decision = decision;
  e.note = in.str("note");
  e.exception_note = in.str("exception-note");
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  const TaskState& now = q->state().task(task);
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true},
                      {"noop", w->noop},
                      {"task", task},
                      {"role", *role},
                      {"decision", decision},
                      {"reviewed", *commit},
                      {"status", std::string(to_string(now.status))},
                      {"commit", w->commit}});
  } else {
    ctx.out.line((decision == "approved" ? ctx.out.green("approved ") : ctx.out.yellow("changes requested on ")) +
                 ctx.out.bold(task) + " at " + short_id(*commit) + " as " + *role + " (" + *actor + ")");
    if (decision == "changes_requested")
      ctx.out.line("  " + task + " is back in progress: fix, record new evidence, hand off again");
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
