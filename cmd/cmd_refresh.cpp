// git agentq refresh: a handed-off task brought back onto base (gitstore/refresh.h); this
// renders the rebase, each check and the new handoff.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/acceptance.h"
#include "core/strings.h"
#include "gitstore/refresh.h"

namespace agentq::cli {

Status check_refresh(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq refresh TASK"));
  if (auto secs = in.num("timeout"); secs && *secs <= 0)
    return fail(Error::usage("--timeout must be a positive number of seconds"));
  return {};
}

int run_refresh(Invocation& in) {
  Context& ctx = in.ctx;
  RefreshRequest r;
  r.task = in.str("task");
  if (auto secs = in.num("timeout")) r.timeout_ms = *secs * 1000;
  auto done = refresh_task(in.queue(), in.actor(), in.event_id(), r, ctx.offline);
  if (!done) return ctx.out.error(done.error());
  const Refreshed& x = *done;
  json checks = json::array();
  for (const CheckResult& c : x.checks)
    checks.push_back(json{{"command", c.command},         {"result", c.pass ? "pass" : "fail"},
                          {"exit_code", c.exit_code},     {"timed_out", c.timed_out},
                          {"duration_ms", c.duration_ms}, {"evidence", c.written.event.id},
                          {"log", c.log}});
  if (ctx.out.json_mode) {
    json j = {{"ok", !x.stopped},
              {"noop", x.noop},
              {"task", r.task},
              {"branch", x.branch},
              {"worktree", x.worktree.empty() ? json(nullptr) : json(x.worktree)},
              {"base", x.base_name},
              {"base_tip", x.base_tip},
              {"old_commit", x.old_commit},
              {"commit", x.new_commit},
              {"checks", checks},
              {"patch_unchanged", x.patch_unchanged},
              {"handoff", x.handoff ? event_json(x.handoff->written.event) : json(nullptr)},
              {"pending", x.handoff ? x.handoff->written.pending : false}};
    if (!x.warning.empty()) j["warning"] = x.warning;
    if (x.stopped) j["error"] = error_json(*x.stopped);
    ctx.out.emit(j);
    if (x.stopped) {
      ctx.out.diagnostic(*x.stopped);
      return x.stopped->exit_code();
    }
    return x.handoff ? report_written(ctx, x.handoff->written) : 0;
  }
  if (x.noop) {
    ctx.out.line(r.task + " is already based on " + x.base_name + " (" + short_id(x.base_tip) + "): nothing to refresh");
    return 0;
  }
  ctx.out.line(ctx.out.bold("refresh " + r.task) + ": rebased " + x.branch + " " + short_id(x.old_commit) + " onto " +
               x.base_name + " (" + short_id(x.base_tip) + ") -> " + short_id(x.new_commit));
  for (size_t i = 0; i < x.checks.size(); ++i) {
    const CheckResult& c = x.checks[i];
    const std::string verdict = c.pass ? ctx.out.green("pass") : ctx.out.red(c.timed_out ? "timeout" : "fail");
    ctx.out.line("[" + std::to_string(i + 1) + "/" + std::to_string(x.checks.size()) + "] " + verdict + "  " + c.command +
                 "  (exit " + std::to_string(c.exit_code) + ", " + format_seconds(c.duration_ms) + ")");
  }
  if (x.stopped) return ctx.out.error(*x.stopped);
  ctx.out.line("handed off " + short_id(x.new_commit) + " on " + x.branch +
               (x.worktree.empty() ? "" : " (moved in " + x.worktree + ")"));
  ctx.out.line(x.patch_unchanged ? "the patch is unchanged: approvals of " + short_id(x.old_commit) + " still count"
                                 : "the patch changed in the rebase: the reviewers must review " + short_id(x.new_commit));
  if (!x.warning.empty()) ctx.out.warn(x.warning);
  return report_written(ctx, x.handoff->written);
}

}  // namespace agentq::cli
