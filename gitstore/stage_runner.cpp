#include "gitstore/stage_runner.h"

#include "core/rules.h"
#include "core/strings.h"
#include "core/utf8.h"
#include "gitstore/merge.h"
#include "gitstore/process.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

using json = nlohmann::ordered_json;

// Event text stays short and valid UTF-8 (a cut may split a character).
std::string run_clip(const std::string& s) { return sanitize_utf8(s.substr(0, 2000)); }

// The environment the state machine drives: real processes, files in OUT_DIR, the queue.
class ProcessEnvironment : public orch::Environment {
 public:
  ProcessEnvironment(Env& env, std::string out_dir, int invocation, Queue* queue)
      : env_(env), out_dir_(std::move(out_dir)), invocation_(invocation), queue_(queue) {}

  orch::AttemptOutcome run_stage(const orch::StageSpec& s, int attempt, const orch::RunOptions& o) override {
    ProcessSpec spec;
    spec.argv.push_back(s.bin);
    spec.argv.insert(spec.argv.end(), s.args.begin(), s.args.end());
    spec.env = {{"AGENTQ_RUN_ID", run_id_},
                {"AGENTQ_CANDIDATE_ID", o.candidate},
                {"AGENTQ_STAGE", s.name},
                {"AGENTQ_ATTEMPT", std::to_string(attempt)},
                {"AGENTQ_OUT_DIR", out_dir_}};
    if (!o.task.empty()) spec.env.emplace_back("AGENTQ_TASK", o.task);
    for (const std::string& kv : s.env) {
      const size_t eq = kv.find('=');
      spec.env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    spec.timeout_ms = static_cast<int>(o.timeout_ms);
    spec.merge_stderr = true;
    spec.capture_limit = 1u << 20;
    spec.spawn_failure_as_result = true;
    orch::AttemptOutcome out;
    auto r = run_process(spec);
    const std::string log = "logs/" + s.name + "-" + std::to_string(invocation_) + "-" + std::to_string(attempt) + ".log";
    std::string text;
    if (!r) {
      out.started = false;
      out.spawn_error = r.error().message;
      text = r.error().message + "\n";
    } else {
      out.started = r->started;
      out.spawn_errno = r->spawn_errno;
      out.spawn_error = chomp(r->err);
      out.exit_code = r->exit_code;
      out.signal = r->signal;
      out.timed_out = r->timed_out;
      out.duration_ms = r->duration_ms;
      text = r->out + r->err;
      if (r->out_total > r->out.size()) text += "\n[truncated: " + std::to_string(r->out_total) + " bytes of output]\n";
    }
    if (write_file_atomic(out_dir_ + "/" + log, text)) out.log = log;
    if (out.started && !out.timed_out && out.exit_code == 0) {
      for (const std::string& path : s.expected_artifacts) {
        auto content = path_exists(path) ? read_file(path) : Result<std::string>(fail(Error::io("missing")));
        out.artifacts.emplace_back(path, content ? std::optional<std::string>(*content) : std::nullopt);
      }
    }
    return out;
  }

  void sleep_ms(int64_t ms) override { env_.sleep_ms(static_cast<long>(ms)); }

  Status save_checkpoint(const orch::Checkpoint& c) override {
    return write_file_atomic(out_dir_ + "/" + orch::kCheckpointFile, orch::checkpoint_json(c).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  }

  Result<orch::GateInputs> gates(const orch::RunOptions& o) override {
    if (o.task.empty()) {
      orch::GateInputs in;
      in.source = "flags";
      in.policy.status = o.policy_status;
      in.ci.status = o.ci_status;
      in.review.status = o.review_status;
      return in;
    }
    // Read again: the executor may have recorded evidence, a handoff or reviews meanwhile.
    AGENTQ_TRY(queue_->load());
    const Task* t = queue_->defs().task(o.task);
    if (!t) return fail(Error::unknown_task(o.task));
    const TaskState& ts = queue_->state().task(o.task);
    RepoFacts facts = repo_facts(*queue_, ts.handoff ? ts.handoff->commit : std::string(), false);
    return orch::gates_from_queue(queue_->state(), queue_->defs(), *t, facts);
  }

  std::string now() override { return env_.now_rfc3339(); }

  void set_run_id(std::string id) { run_id_ = std::move(id); }

 private:
  Env& env_;
  std::string out_dir_;
  int invocation_;
  Queue* queue_;
  std::string run_id_;
};

}  // namespace

std::unique_ptr<orch::Environment> stage_environment(Env& env, const std::string& out_dir, int invocation, Queue* queue,
                                                     const std::string& run_id) {
  auto stages = std::make_unique<ProcessEnvironment>(env, out_dir, invocation, queue);
  stages->set_run_id(run_id);
  return stages;
}

// With --task: the gates and the run become events on the queue, with ids derived from the run
// id and invocation, so recording the same invocation twice is a no-op.
Result<std::vector<Written>> record_run(Queue& q, const std::string& actor, const orch::Report& r) {
  std::vector<Written> written;
  const std::string prefix = r.run_id + "-" + std::to_string(r.invocation);
  std::string role;
  if (const Actor* a = q.defs().actor(actor)) role = coordinator_role_of(q.defs(), *a);
  for (const orch::GateDecision& g : r.gates) {
    Event e;
    e.type = EventType::gate;
    e.id = prefix + "-gate-" + g.gate;
    e.actor = actor;
    e.role = role;
    e.task = r.task;
    e.run = r.run_id;
    e.gate = g.gate;
    e.passed = g.passed;
    e.state = g.status;
    if (g.code) e.codes.push_back(std::string(code_name(*g.code)));
    for (Code c : g.causes) e.codes.push_back(std::string(code_name(c)));
    e.reason = run_clip(g.detail);
    auto w = q.write(e);
    if (!w) return fail(w.error());
    written.push_back(std::move(*w));
  }
  Event e;
  e.type = EventType::run;
  e.id = prefix + "-run";
  e.actor = actor;
  e.role = role;
  e.task = r.task;
  e.run = r.run_id;
  e.state = r.paused ? "paused" : r.terminal_state;
  e.codes = r.blocked_reason_codes;
  for (const orch::StageExecution& s : r.stages) {
    if (s.error.empty()) continue;
    e.stage = s.stage;
    e.codes.push_back(s.error_code);
    e.reason = s.error;
  }
  if (!r.error.empty()) {
    e.codes.push_back(r.error_code);
    e.reason = r.error;
  }
  if (r.paused) e.reason = r.paused_reason;
  e.reason = run_clip(e.reason);
  auto w = q.write(e);
  if (!w) return fail(w.error());
  written.push_back(std::move(*w));
  return written;
}

Result<OpenedRun> open_run(const std::string& out_dir, const orch::RunOptions& given, const std::vector<std::string>& groups,
                           bool resume, const GivenGates& gates) {
  // On --resume the given options are only compared with the run's (RUN_OPTIONS_MISMATCH).
  if (!resume) AGENTQ_TRY(orch::check_options(given));
  const std::string cp_path = out_dir + "/" + orch::kCheckpointFile;
  if (resume && !path_exists(cp_path))
    return fail(Error::usage("nothing to resume: " + cp_path + " does not exist").hint("start the run without --resume"));
  AGENTQ_TRY(make_dirs(out_dir));
  auto lock = RunLock::acquire(out_dir + "/orchestrator.lock", out_dir);
  if (!lock) return fail(lock.error());
  orch::Checkpoint cp;
  if (resume) {
    auto text = read_file(cp_path);
    if (!text) return fail(text.error());
    auto restored = orch::checkpoint_from_json(*text, cp_path);
    if (!restored) return fail(restored.error());
    AGENTQ_TRY(orch::check_resume_options(restored->options, given, groups));
    cp = std::move(*restored);
    if (gates.policy) cp.options.policy_status = given.policy_status;
    if (gates.ci) cp.options.ci_status = given.ci_status;
    if (gates.review) cp.options.review_status = given.review_status;
    if (!cp.options.task.empty() && gates.any())
      return fail(Error::usage("the run takes its gate inputs from the queue (--task " + cp.options.task + ")"));
  } else {
    if (path_exists(cp_path)) {
      auto text = read_file(cp_path);
      auto old = text ? orch::checkpoint_from_json(*text, cp_path) : Result<orch::Checkpoint>(fail(text.error()));
      return fail(Error::usage(out_dir + " already holds the checkpoint of " +
                               (old ? "run " + old->run_id : std::string("another run")))
                      .hint("continue it with 'git agentq run " + out_dir + " --resume', or use another OUT_DIR"));
    }
    cp.options = given;
    cp.run_id = orch::run_id_for(given);
  }
  return OpenedRun{std::move(*lock), std::move(cp)};
}

}  // namespace agentq
