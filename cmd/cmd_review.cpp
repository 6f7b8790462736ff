// git agentq review: approve or request changes on an exact handed-off commit.
#include "cmd/args.h"
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

int cmd_review(Context& ctx, const std::vector<std::string>& argv) {
  Args args("review",
            "review TASK --decision approved|changes_requested --commit SHA [--role R] [--note TEXT] "
            "[--exception-note TEXT] [--offline]",
            "Record a review of the exact handed-off commit.", true);
  args.add()("task", "", cxxopts::value<std::string>())("decision", "approved or changes_requested",
                                                        cxxopts::value<std::string>(), "D")(
      "commit", "the commit reviewed (the handoff commit)", cxxopts::value<std::string>(), "SHA")(
      "role", "the reviewer role to act as", cxxopts::value<std::string>(), "R")(
      "note", "findings", cxxopts::value<std::string>(), "TEXT")(
      "exception-note", "why a same-model review is acceptable this time", cxxopts::value<std::string>(), "TEXT");
  add_event_id_option(args);
  args.positional({"task"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const auto& opt = **parsed;
  const std::string task = opt_str(opt, "task"), decision = opt_str(opt, "decision");
  if (task.empty()) return ctx.out.error(Error::usage("which task?"));
  if (decision != "approved" && decision != "changes_requested")
    return ctx.out.error(Error::usage("--decision must be approved or changes_requested"));
  if (!opt.count("commit"))
    return ctx.out.error(Error::usage("--commit SHA is required: a review is bound to the exact commit reviewed"));
  auto session = open_writer(ctx, opt);
  if (!session) return ctx.out.error(session.error());
  Queue* q = &session->queue;
  const std::string* actor = &session->actor;
  const std::string* event_id = &session->event_id;
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = resolve_commit(*q, opt_str(opt, "commit"));
  if (!commit) return ctx.out.error(commit.error());
  auto role = reviewer_role(*q, *q->defs().actor(*actor), *t, opt_str(opt, "role"));
  if (!role) return ctx.out.error(role.error());

  Event e;
  e.type = EventType::review;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.role = *role;
  e.commit = *commit;
  e.decision = decision;
  e.note = opt_str(opt, "note");
  e.exception_note = opt_str(opt, "exception-note");
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
