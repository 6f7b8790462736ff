// git agentq run OUT_DIR: the deterministic stage runner. The logic (stage order, retries,
// pause, gates, checkpoint and report) is core/orchestrator; its environment (processes, files,
// the queue, opening a run to start or resume) is gitstore/stage_runner; this file reads the
// options, holds the candidate's lock and renders.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/orchestrator.h"
#include "gitstore/run_lock.h"
#include "gitstore/stage_runner.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

void print_report(Context& ctx, const orch::Report& r, const std::string& out_dir) {
  if (!ctx.out.text()) return;
  ctx.out.line(ctx.out.bold("run " + r.run_id) + " (candidate " + r.candidate + ", invocation " +
               std::to_string(r.invocation) + (r.resumed ? ", resumed" : "") + ")");
  for (const orch::StageExecution& s : r.stages) {
    std::string line = "  stage " + pad(s.stage, 9) + " ";
    if (s.skipped) {
      line += ctx.out.dim("skipped") + " (" + s.skip_reason + ")";
    } else {
      line += (s.status == "completed" ? ctx.out.green(s.status) : ctx.out.red(s.status));
      line += " after " + std::to_string(s.attempts.size()) + " attempt(s)";
      if (!s.error.empty()) line += ": " + s.error_code + ": " + s.error;
    }
    ctx.out.line(line);
  }
  for (const orch::GateDecision& g : r.gates)
    ctx.out.line("  gate  " + pad(g.gate, 9) + " " + (g.passed ? ctx.out.green("passed") : ctx.out.red("failed")) + " (" +
                 g.status + ")" + (g.code ? "  " + std::string(code_name(*g.code)) : "") +
                 (g.detail.empty() || g.passed ? "" : ": " + g.detail));
  if (!r.error.empty()) ctx.out.line("  " + ctx.out.red(r.error_code) + ": " + r.error);
  if (r.paused) ctx.out.line("  " + ctx.out.yellow("paused") + ": " + r.paused_reason);
  const std::string state = r.terminal_state == "done" ? ctx.out.green(r.terminal_state) : ctx.out.red(r.terminal_state);
  ctx.out.line("terminal state: " + state + "; report: " + out_dir + "/" + orch::kReportFile);
  if (r.paused)
    ctx.out.line("a human resumes it with 'git agentq run " + out_dir + " --resume --unpause' after fixing the cause");
  else if (r.terminal_state != "done")
    ctx.out.line("fix the cause, then 'git agentq run " + out_dir + " --resume'");
}

}  // namespace

Status check_run(const Invocation& in) {
  if (in.str("out_dir").empty())
    return fail(Error::usage("where should the run keep its report?").hint("git agentq run OUT_DIR ..."));
  if (in.has("unpause") && !in.has("resume")) return fail(Error::usage("--unpause goes with --resume"));
  return {};
}

int run_run(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string out_dir = in.str("out_dir");
  const bool resume = in.has("resume"), unpause = in.has("unpause");

  // The options as given, and which groups were given (for --resume's comparison).
  orch::RunOptions given;
  std::vector<std::string> groups;
  given.task = in.str("task");
  if (in.has("task")) groups.push_back("task");
  given.policy_status = in.str("policy-status");
  given.ci_status = in.str("ci-status");
  given.review_status = in.str("review-status");
  if (!given.task.empty() && (in.has("policy-status") || in.has("ci-status") || in.has("review-status")))
    return ctx.out.error(Error::usage("--task takes the gate inputs from the queue; drop --policy-status, --ci-status and "
                                      "--review-status"));
  for (orch::StageSpec* s : {&given.manager, &given.executor}) {
    const std::string n = s->name;
    s->bin = in.str(n + "-bin");
    s->args = in.strs(n + "-arg");
    s->env = in.strs(n + "-env");
    s->expected_artifacts = in.strs(n + "-expected-artifact");
    if (in.has(n + "-bin") || in.has(n + "-arg") || in.has(n + "-env") || in.has(n + "-expected-artifact"))
      groups.push_back(n);
  }
  if (auto t = in.num("timeout-ms")) {
    given.timeout_ms = *t;
    groups.push_back("timeout");
  }
  bool retry_given = false;
  if (in.has("transient-exit-code")) {
    for (long c : in.nums("transient-exit-code")) given.retry.transient_exit_codes.push_back(c);
    retry_given = true;
  }
  auto set_int = [&](const char* name, auto* into) {
    if (auto v = in.num(name)) {
      *into = static_cast<std::decay_t<decltype(*into)>>(*v);
      retry_given = true;
    }
  };
  set_int("max-attempts", &given.retry.max_attempts);
  set_int("backoff-ms", &given.retry.backoff_ms);
  set_int("backoff-cap-ms", &given.retry.backoff_cap_ms);
  set_int("pause-after", &given.retry.pause_after);
  if (retry_given) groups.push_back("retry");
  given.candidate = given.task.empty() ? "default" : given.task;
  const GivenGates gates{in.has("policy-status"), in.has("ci-status"), in.has("review-status")};
  auto opened = open_run(out_dir, given, groups, resume, gates);
  if (!opened) return ctx.out.error(opened.error());
  orch::Checkpoint& cp = opened->checkpoint;
  const std::string cp_path = out_dir + "/" + orch::kCheckpointFile;

  // --task: the queue supplies the gates and receives the events; check it before any stage runs.
  Queue* queue = nullptr;
  std::string actor;
  if (!cp.options.task.empty()) {
    if (auto st = in.become_writer(); !st) return ctx.out.error(st.error());
    Queue* q = &in.queue();
    actor = in.actor();
    if (!q->defs().task(cp.options.task)) return ctx.out.error(Error::unknown_task(cp.options.task));
    if (unpause && cp.paused && !q->defs().actor(actor)->human)
      return ctx.out.error(Error(Code::NOT_HUMAN, "only an actor with human: true may resume a paused candidate", {},
                                 "ask a human coordinator to run it with --resume --unpause"));
    queue = q;
  }
  // One active run per candidate in this repository (002), whatever OUT_DIR it writes to.
  std::optional<RunLock> task_lock;
  if (queue) {
    auto l = RunLock::acquire(queue->repo().shared_state_dir() + "/run/" + cp.options.task + ".lock", cp.options.task);
    if (!l) return ctx.out.error(l.error());
    task_lock.emplace(std::move(*l));
  }
  if (cp.paused && !unpause)
    return ctx.out.error(Error(Code::RUN_PAUSED, "candidate " + cp.options.candidate + " is paused: " + cp.paused_reason,
                               Location::in_file(cp_path),
                               "fix the cause; a human resumes it with 'git agentq run " + out_dir + " --resume --unpause'"));
  if (unpause && cp.paused) {
    cp.paused = false;
    cp.paused_reason.clear();
    for (orch::StageRecord& s : cp.stages) s.failures = 0;
  }
  ++cp.invocation;

  auto env = stage_environment(ctx.env(), out_dir, cp.invocation, queue, cp.run_id);
  orch::Report report = orch::run_invocation(cp, *env, resume);
  json doc = orch::report_json(report);
  Status written = write_file_atomic(out_dir + "/" + orch::kReportFile, doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  if (!written) {
    ctx.out.diagnostic(written.error());
    if (report.terminal_state == "done") report.terminal_state = "failed";
  }
  std::vector<std::string> events;
  if (queue) {
    auto recorded = record_run(*queue, actor, report);
    if (!recorded) {
      print_report(ctx, report, out_dir);
      return ctx.out.error(recorded.error());
    }
    for (const Written& w : *recorded) {
      report_written(ctx, w);
      events.push_back(w.event.id);
    }
  }
  if (ctx.out.json_mode) {
    json j = {{"ok", report.terminal_state == "done"}, {"out_dir", out_dir}, {"events", events}};
    j["report"] = json::parse(doc.dump(-1, ' ', false, json::error_handler_t::replace));  // emit() needs UTF-8
    ctx.out.emit(j);
  } else {
    print_report(ctx, report, out_dir);
    if (!events.empty()) ctx.out.line("recorded " + std::to_string(events.size()) + " event(s) on " + cp.options.task);
  }
  return orch::exit_code_for_state(report.terminal_state);
}

}  // namespace agentq::cli
