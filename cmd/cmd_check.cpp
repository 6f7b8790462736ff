// git agentq check: run a task's acceptance checks and record every result as acceptance
// evidence. Running and recording is gitstore's (gitstore/acceptance.h), the fail-closed rules
// core's (core/acceptance.h); this renders each result as it comes.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/acceptance.h"
#include "gitstore/acceptance.h"

namespace agentq::cli {

Status check_check(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq check TASK"));
  if (auto secs = in.num("timeout"); secs && *secs <= 0)
    return fail(Error::usage("--timeout must be a positive number of seconds"));
  return {};
}

int run_check(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task");
  std::optional<long> timeout_ms;
  if (auto secs = in.num("timeout")) timeout_ms = *secs * 1000;
  auto checks = AcceptanceRun::prepare(in.queue(), in.actor(), task, in.str("commit", "HEAD"), timeout_ms);
  if (!checks) return ctx.out.error(checks.error());
  const std::string& commit = checks->commit();
  const size_t n = checks->size();
  if (n == 0) {
    if (ctx.out.json_mode) ctx.out.emit(json{{"ok", true}, {"task", task}, {"commit", commit}, {"checks", json::array()}});
    else ctx.out.line(task + " has no acceptance checks");
    return 0;
  }
  const std::string limit = format_seconds(checks->timeout_ms());
  json results = json::array();
  int failures = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string counter = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
    ctx.out.progress(counter + checks->command(i) + " ...");
    auto run = checks->run(i);
    if (!run) return ctx.out.error(run.error());
    failures += run->pass ? 0 : 1;
    report_written(ctx, run->written);
    const std::string verdict = run->pass ? ctx.out.green("pass") : ctx.out.red(run->timed_out ? "timeout" : "fail");
    ctx.out.line(counter + verdict + "  " + run->command + "  (" +
                 (run->timed_out ? "killed after " + limit : "exit " + std::to_string(run->exit_code)) + ", " +
                 format_seconds(run->duration_ms) + ")");
    json r = {{"command", run->command},         {"result", run->pass ? "pass" : "fail"},
              {"exit_code", run->exit_code},     {"timed_out", run->timed_out},
              {"duration_ms", run->duration_ms}, {"evidence", run->written.event.id},
              {"event_commit", run->written.commit}, {"log", run->log}};
    if (run->log_bytes) r["log_bytes"] = *run->log_bytes;
    results.push_back(r);
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", failures == 0}, {"task", task}, {"commit", commit}, {"checks", results}});
  } else {
    ctx.out.line(failures ? std::to_string(failures) + " of " + std::to_string(n) + " acceptance check(s) failed on " +
                                short_id(commit) + "; the output is attached to each evidence event"
                          : "all " + std::to_string(n) + " acceptance check(s) passed on " + short_id(commit));
  }
  return failures ? 1 : 0;
}

}  // namespace agentq::cli
