// git agentq override: the loud, audited emergency bypass of the base-branch gate. Recorded as
// an event with a reason and noted on the commit; never a silent environment variable.
#include "cmd/args.h"
#include "cmd/common.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {

int cmd_override(Context& ctx, const std::vector<std::string>& argv) {
  Args args("override", "override TASK --reason TEXT [--commit SHA] [--offline]",
            "Let the commits of TASK up to SHA onto the base branch without merge-ready (human actors only). "
            "Hooks and ci-check accept them and report the override.",
            true);
  args.add()("task", "", cxxopts::value<std::string>())("reason", "why this cannot wait (required)",
                                                        cxxopts::value<std::string>(), "TEXT")(
      "commit", "the last commit let through (default: HEAD)", cxxopts::value<std::string>(), "SHA");
  add_event_id_option(args);
  args.positional({"task"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const auto& opt = **parsed;
  const std::string task = opt_str(opt, "task"), reason = opt_str(opt, "reason");
  if (task.empty()) return ctx.out.error(Error::usage("which task?"));
  if (reason.find_first_not_of(" \t\n") == std::string::npos)
    return ctx.out.error(Error::usage("an override needs --reason TEXT: it is audited"));
  auto session = open_writer(ctx, opt);
  if (!session) return ctx.out.error(session.error());
  Queue* q = &session->queue;
  const std::string* actor = &session->actor;
  const std::string* event_id = &session->event_id;
  if (!q->defs().task(task)) return ctx.out.error(Error::unknown_task(task));
  auto commit = resolve_commit(*q, opt_str(opt, "commit", "HEAD"));
  if (!commit) return ctx.out.error(commit.error());
  auto base = q->repo().merge_base(q->base_tip(), *commit);
  if (!base) return ctx.out.error(base.error());
  auto commits = commits_between(q->repo(), *base, *commit);
  if (!commits) return ctx.out.error(commits.error());

  Event e;
  e.type = EventType::override_;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.reason = reason;
  e.commit = *commit;
  e.commits = *commits;
  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"task", task}, {"override", w->event.id},
                      {"commits", e.commits}, {"commit", w->commit}});
  } else {
    ctx.out.line(ctx.out.yellow("OVERRIDE") + " recorded by " + *actor + " for " + ctx.out.bold(task) + ": " +
                 std::to_string(e.commits.size()) + " commit(s) up to " + short_id(*commit) +
                 " may reach " + q->state().base + " without merge-ready");
    ctx.out.line("  reason: " + reason);
    ctx.out.line("  it is in the log (" + short_id(w->commit) + "), noted on the commit, and reported by ci-check");
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
