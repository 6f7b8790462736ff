// git agentq check: run a task's acceptance checks in a clean detached worktree and record
// every result as acceptance evidence. Fails closed: only exit status 0 is a pass; a command
// that cannot start (127), is killed or times out is a fail. Every command runs and every
// result is recorded, whatever failed before it.
#include <unistd.h>

#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {
namespace {

struct CheckRun {
  int exit_code = 0;
  bool timed_out = false;
  long duration_ms = 0;
  std::string log;
  size_t log_bytes = 0;  // the output's full size
};

CheckRun run_one(const std::string& command, const std::string& cwd, long timeout_ms, size_t cap,
                 const std::string& task, const std::string& commit) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.cwd = cwd;
  spec.timeout_ms = static_cast<int>(timeout_ms);
  spec.merge_stderr = true;
  spec.capture_limit = cap;
  spec.env = {{"AGENTQ_TASK", task}, {"AGENTQ_COMMIT", commit}};
  // The check must see the scratch worktree, not whatever repository started us (hooks set these).
  spec.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX"};
  CheckRun out;
  auto r = run_process(spec);
  if (!r) {
    out.exit_code = 127;
    out.log = "cannot run the command: " + r.error().message + "\n";
    out.log_bytes = out.log.size();
    return out;
  }
  out.duration_ms = r->duration_ms;
  out.log = r->out;
  out.log_bytes = r->out_total;
  out.timed_out = r->timed_out;
  if (r->timed_out) out.exit_code = 124;               // as timeout(1) reports it
  else if (r->signal) out.exit_code = 128 + r->signal;  // as the shell reports it
  else out.exit_code = r->exit_code;
  if (!r->started) out.log += r->err;
  return out;
}

std::string seconds(long ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

}  // namespace

Status check_check(const Invocation& in) {
  if (in.str("task").empty()) return fail(Error::usage("which task?").hint("git agentq check TASK"));
  if (auto secs = in.num("timeout"); secs && *secs <= 0)
    return fail(Error::usage("--timeout must be a positive number of seconds"));
  return {};
}

int run_check(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = q->repo().resolve_commit(in.str("commit", "HEAD"));
  if (!commit) return ctx.out.error(commit.error());
  long timeout_ms = q->defs().policy.check_timeout;
  if (auto secs = in.num("timeout")) timeout_ms = *secs * 1000;
  if (t->acceptance_checks.empty()) {
    if (ctx.out.json_mode) ctx.out.emit(json{{"ok", true}, {"task", task}, {"commit", *commit}, {"checks", json::array()}});
    else ctx.out.line(task + " has no acceptance checks");
    return 0;
  }
  if (q->state().task(task).status == TaskStatus::done)
    return ctx.out.error(Error(Code::ILLEGAL_TRANSITION, "task " + task + " is done; evidence can no longer be added"));

  auto tree = ScratchWorktree::create(q->repo(), *commit);
  if (!tree) return ctx.out.error(tree.error());
  const std::string role = q->defs().actor(*actor)->holds(t->role) ? t->role : "";
  const size_t cap = static_cast<size_t>(q->defs().policy.log_cap);
  const size_t n = t->acceptance_checks.size();
  json results = json::array();
  int failures = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& command = t->acceptance_checks[i];
    const std::string counter = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
    ctx.out.progress(counter + command + " ...");
    CheckRun run = run_one(command, tree->path(), timeout_ms, cap, task, *commit);
    const bool pass = run.exit_code == 0 && !run.timed_out;
    failures += pass ? 0 : 1;

    Event e;
    e.type = EventType::evidence;
    e.task = task;
    e.actor = *actor;
    e.role = role;
    e.command = command;
    e.exit_code = run.exit_code;
    e.result = pass ? "pass" : "fail";
    e.duration_ms = run.duration_ms;
    e.kind = "acceptance";
    e.commit = *commit;
    e.log = "logs/" + std::to_string(i + 1) + ".log";
    std::string log = run.log;
    if (run.log_bytes > log.size()) {
      e.log_bytes = static_cast<int64_t>(run.log_bytes);
      log += "\n[truncated: " + std::to_string(run.log_bytes) + " bytes of output, kept " + std::to_string(log.size()) + "]\n";
    }
    if (run.timed_out) log += "\n[timed out after " + seconds(timeout_ms) + "; the command and its children were killed]\n";
    auto w = q->write(e, {Attachment{e.log, log}});
    if (!w) return ctx.out.error(w.error());
    report_written(ctx, *w);
    const std::string verdict = pass ? ctx.out.green("pass") : ctx.out.red(run.timed_out ? "timeout" : "fail");
    ctx.out.line(counter + verdict + "  " + command + "  (" +
                 (run.timed_out ? "killed after " + seconds(timeout_ms) : "exit " + std::to_string(run.exit_code)) + ", " +
                 seconds(run.duration_ms) + ")");
    json r = {{"command", command},  {"result", e.result},   {"exit_code", run.exit_code}, {"timed_out", run.timed_out},
              {"duration_ms", run.duration_ms}, {"evidence", w->event.id}, {"event_commit", w->commit}, {"log", e.log}};
    if (e.log_bytes) r["log_bytes"] = *e.log_bytes;
    results.push_back(r);
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", failures == 0}, {"task", task}, {"commit", *commit}, {"checks", results}});
  } else {
    ctx.out.line(failures ? std::to_string(failures) + " of " + std::to_string(n) + " acceptance check(s) failed on " +
                                short_id(*commit) + "; the output is attached to each evidence event"
                          : "all " + std::to_string(n) + " acceptance check(s) passed on " + short_id(*commit));
  }
  return failures ? 1 : 0;
}

}  // namespace agentq::cli
