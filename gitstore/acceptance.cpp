#include "gitstore/acceptance.h"

#include "core/acceptance.h"
#include "gitstore/process.h"

namespace agentq {

Result<AcceptanceRun> AcceptanceRun::prepare(Queue& q, const std::string& actor, const std::string& task,
                                             const std::string& commit_rev, std::optional<long> timeout_ms) {
  const Task* t = q.defs().task(task);
  if (!t) return fail(Error::unknown_task(task));
  auto commit = q.repo().resolve_commit(commit_rev);
  if (!commit) return fail(commit.error());
  AcceptanceRun run;
  run.q_ = &q;
  run.actor_ = actor;
  run.task_ = task;
  run.commit_ = *commit;
  run.timeout_ms_ = timeout_ms.value_or(q.defs().policy.check_timeout);
  if (t->acceptance_checks.empty()) return run;
  if (q.state().task(task).status == TaskStatus::done)
    return fail(Error(Code::ILLEGAL_TRANSITION, "task " + task + " is done; evidence can no longer be added"));
  auto tree = ScratchWorktree::create(q.repo(), *commit);
  if (!tree) return fail(tree.error());
  run.tree_.emplace(std::move(*tree));
  run.role_ = q.defs().actor(actor)->holds(t->role) ? t->role : "";
  run.cap_ = static_cast<size_t>(q.defs().policy.log_cap);
  run.checks_ = t->acceptance_checks;
  return run;
}

Result<CheckResult> AcceptanceRun::run(size_t i) {
  CheckResult out;
  out.command = checks_[i];
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", out.command};
  spec.cwd = tree_->path();
  spec.timeout_ms = static_cast<int>(timeout_ms_);
  spec.merge_stderr = true;
  spec.capture_limit = cap_;
  spec.env = {{"AGENTQ_TASK", task_}, {"AGENTQ_COMMIT", commit_}};
  // The check must see the scratch worktree, not whatever repository started us (hooks set these).
  spec.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX"};
  std::string output;
  size_t total = 0;
  CheckOutcome outcome;
  if (auto r = run_process(spec)) {
    output = r->out;
    if (!r->started) output += r->err;
    total = r->out_total;
    out.duration_ms = r->duration_ms;
    out.timed_out = r->timed_out;
    outcome = check_outcome(r->exit_code, r->signal, r->timed_out);
  } else {
    output = "cannot run the command: " + r.error().message + "\n";
    total = output.size();
    outcome = check_outcome(127, 0, false);
  }
  out.exit_code = outcome.exit_code;
  out.pass = outcome.pass;
  if (total > output.size()) out.log_bytes = static_cast<int64_t>(total);

  Event e;
  e.type = EventType::evidence;
  e.task = task_;
  e.actor = actor_;
  e.role = role_;
  e.command = out.command;
  e.exit_code = out.exit_code;
  e.result = out.pass ? "pass" : "fail";
  e.duration_ms = out.duration_ms;
  e.kind = "acceptance";
  e.commit = commit_;
  e.log = out.log = "logs/" + std::to_string(i + 1) + ".log";
  e.log_bytes = out.log_bytes;
  auto w = q_->write(e, {Attachment{e.log, check_log(std::move(output), total, out.timed_out, timeout_ms_)}});
  if (!w) return fail(w.error());
  out.written = std::move(*w);
  return out;
}

}  // namespace agentq
