// git agentq handoff: the handoff computed rather than typed (gitstore/handoff.h); the task goes
// to in_review and the routed reviewer roles are printed.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/strings.h"
#include "gitstore/handoff.h"

namespace agentq::cli {

Status check_handoff(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq handoff TASK --commit SHA"));
  return check_branch_option(in);
}

int run_handoff(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  HandoffRequest r;
  r.task = in.str("task");
  r.commit = in.str("commit", "HEAD");
  r.branch = in.str("branch");
  r.risks = in.str("risks");
  r.next = in.str("next");
  r.root_cause = in.str("root-cause");
  r.owning_file = in.str("owning-file");
  r.proof_command = in.str("proof-command");
  auto h = hand_off(q, in.actor(), in.event_id(), r, ctx.offline);
  if (!h) return ctx.out.error(h.error());
  const Event& e = h->event;
  const Written& w = h->written;
  const std::string& task = r.task;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true},
                      {"noop", w.noop},
                      {"task", task},
                      {"status", std::string(to_string(q.state().task(task).status))},
                      {"depends_on_satisfied", h->dependencies_done},
                      {"reviewers", h->reviewers},
                      {"handoff", event_json(w.event)},
                      {"commit", w.commit}});
    return report_written(ctx, w);
  }
  const TaskState& now = q.state().task(task);
  ctx.out.line(ctx.out.bold("handoff " + task) + " -> " + std::string(to_string(now.status)));
  ctx.out.line("  task_id:              " + task);
  ctx.out.line("  status:               " + std::string(to_string(now.status)));
  ctx.out.line("  depends_on satisfied: " + std::string(h->dependencies_done ? "yes" : "no"));
  ctx.out.line("  branch:               " + e.branch);
  ctx.out.line("  commit:               " + e.commit);
  ctx.out.line("  commits since base:   " + std::to_string(e.commits.size()) + " (since " + short_id(e.merge_base) + ")");
  ctx.out.line("  files changed:        " + std::to_string(e.files.size()));
  for (const auto& f : e.files) ctx.out.line("    " + f);
  ctx.out.line(e.evidence.empty() ? "  tests run:            none recorded on this commit" : "  tests run:");
  for (const auto& ev : now.evidence)
    if (ev.commit == e.commit)
      ctx.out.line("    " + (ev.result == "pass" ? ctx.out.green("pass") : ctx.out.red("fail")) + "  " + ev.command +
                   (ev.exit_code ? "  (exit " + std::to_string(*ev.exit_code) + ")" : ""));
  ctx.out.line("  risks:                " + (e.risks.empty() ? std::string("-") : e.risks));
  ctx.out.line("  next:                 " + (e.next.empty() ? std::string("-") : e.next));
  if (!e.root_cause.empty()) {
    ctx.out.line("  root cause:           " + e.root_cause);
    ctx.out.line("  owning file:          " + e.owning_file);
    ctx.out.line("  proof command:        " + e.proof_command);
  }
  ctx.out.line("  reviewers:            " + (h->reviewers.empty() ? std::string("none routed") : join(h->reviewers)));
  return report_written(ctx, w);
}

}  // namespace agentq::cli
