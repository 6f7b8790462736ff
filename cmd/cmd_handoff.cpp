// git agentq handoff: the runbook's handoff, computed rather than typed: branch, commit, the
// commits and files since the base branch (libgit2, from merge-base(base, commit)), the commands
// run on that commit with their results, risks, the next slice, and for defects the root cause.
// The task goes to in_review; the routed reviewer roles are printed.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/merge_ready.h"
#include "core/routing.h"
#include "core/rules.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/history.h"
#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {

Status check_handoff(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq handoff TASK --commit SHA"));
  return {};
}

int run_handoff(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = q->repo().resolve_commit(in.str("commit", "HEAD"));
  if (!commit) return ctx.out.error(commit.error());

  const TaskState& ts = q->state().task(task);
  Acting how = acting_on(*q, *actor, task);
  Event e;
  e.type = EventType::handoff;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  e.role = how.role;
  e.claim = how.claim;
  e.lane = ts.lane ? std::optional<int64_t>(ts.lane) : std::nullopt;
  e.commit = *commit;
  e.branch = in.str("branch", ts.branch);
  if (e.branch.empty()) {
    std::string head = q->repo().head_branch();
    e.branch = head.rfind("refs/heads/", 0) == 0 ? head.substr(11) : lane_branch(q->defs(), t->role, ts.lane ? ts.lane : 1);
  }
  // The handoff pushes this branch; it must never be the base or release branch, which only
  // merge and promote move.
  if (e.branch == q->state().base || (!q->defs().policy.release.empty() && e.branch == q->defs().policy.release))
    return ctx.out.error(Error::usage("cannot hand off on " + e.branch + ": it is a protected branch of the queue")
                             .hint("hand off from the task's branch: --branch " +
                                   lane_branch(q->defs(), t->role, ts.lane ? ts.lane : 1)));
  e.risks = in.str("risks");
  e.next = in.str("next");
  e.root_cause = in.str("root-cause");
  e.owning_file = in.str("owning-file");
  e.proof_command = in.str("proof-command");

  auto merge_base = q->repo().merge_base(q->base_tip(), *commit);
  if (!merge_base)
    return ctx.out.error(Error(Code::NOT_BASED_ON_BASE, short_id(*commit) + " shares no history with " + q->state().base));
  e.merge_base = *merge_base;
  auto commits = commits_between(q->repo(), *merge_base, *commit);
  if (!commits) return ctx.out.error(commits.error());
  e.commits = *commits;
  auto files = diff_paths(q->repo(), *merge_base, *commit);
  if (!files) return ctx.out.error(files.error());
  e.files = *files;
  auto pid = patch_id(q->repo(), *merge_base, *commit);
  if (!pid) return ctx.out.error(pid.error());
  e.patch_id = *pid;
  for (const auto& ev : ts.evidence)
    if (ev.commit == *commit) e.evidence.push_back(ev.id);

  // With a remote, reviewers and CI in other clones must be able to fetch the commit.
  const std::string remote = q->defs().policy.remote;
  if (!remote.empty() && q->repo().config_get("remote." + remote + ".url") && !ctx.offline) {
    auto pushed = run_git({"push", "--quiet", "--force-with-lease", remote, *commit + ":refs/heads/" + e.branch},
                          git_cwd(q->repo()));
    if (!pushed || pushed->exit_code != 0)
      return ctx.out.error(Error(Code::REMOTE_UNREACHABLE,
                                 "cannot push " + e.branch + " to " + remote + ": " +
                                     (pushed ? pushed->err : pushed.error().message),
                                 {}, "check the remote, or hand off with --offline and sync later"));
  }

  auto w = q->write(e);
  if (!w) return ctx.out.error(w.error());
  const auto reviewers = routed_roles(q->defs(), e.files);
  const bool deps_ok = undone_dependencies(q->state(), *t).empty();
  if (ctx.out.json_mode) {
    json h = event_json(w->event);
    ctx.out.emit(json{{"ok", true},
                      {"noop", w->noop},
                      {"task", task},
                      {"status", std::string(to_string(q->state().task(task).status))},
                      {"depends_on_satisfied", deps_ok},
                      {"reviewers", reviewers},
                      {"handoff", h},
                      {"commit", w->commit}});
    return report_written(ctx, *w);
  }
  const TaskState& now = q->state().task(task);
  ctx.out.line(ctx.out.bold("handoff " + task) + " -> " + std::string(to_string(now.status)));
  ctx.out.line("  task_id:              " + task);
  ctx.out.line("  status:               " + std::string(to_string(now.status)));
  ctx.out.line("  depends_on satisfied: " + std::string(deps_ok ? "yes" : "no"));
  ctx.out.line("  branch:               " + e.branch);
  ctx.out.line("  commit:               " + *commit);
  ctx.out.line("  commits since base:   " + std::to_string(e.commits.size()) + " (since " + short_id(e.merge_base) + ")");
  ctx.out.line("  files changed:        " + std::to_string(e.files.size()));
  for (const auto& f : e.files) ctx.out.line("    " + f);
  ctx.out.line(e.evidence.empty() ? "  tests run:            none recorded on this commit" : "  tests run:");
  for (const auto& ev : now.evidence)
    if (ev.commit == *commit)
      ctx.out.line("    " + (ev.result == "pass" ? ctx.out.green("pass") : ctx.out.red("fail")) + "  " + ev.command +
                   (ev.exit_code ? "  (exit " + std::to_string(*ev.exit_code) + ")" : ""));
  ctx.out.line("  risks:                " + (e.risks.empty() ? std::string("-") : e.risks));
  ctx.out.line("  next:                 " + (e.next.empty() ? std::string("-") : e.next));
  if (!e.root_cause.empty()) {
    ctx.out.line("  root cause:           " + e.root_cause);
    ctx.out.line("  owning file:          " + e.owning_file);
    ctx.out.line("  proof command:        " + e.proof_command);
  }
  std::string list;
  for (const auto& r : reviewers) list += (list.empty() ? "" : ", ") + r;
  ctx.out.line("  reviewers:            " + (list.empty() ? std::string("none routed") : list));
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
