// The stage runner's logic (`git agentq run`, doc/commands.md "run"): the options model, the
// retry/backoff policy, failure classification, the fail-closed gates in the fixed order
// policy -> ci -> review, the checkpoint and run report and their JSON, and the state machine
// that drives stages through an injected environment. Pure: spawning, sleeping, files and the
// queue are the environment's business (gitstore and cmd), so every path is unit-testable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/definitions.h"
#include "core/error.h"
#include "core/merge_ready.h"
#include "core/state.h"

namespace agentq::orch {

using json = nlohmann::ordered_json;

inline constexpr const char* kReportFile = "orchestrator_run_report.json";
inline constexpr const char* kCheckpointFile = "orchestrator_checkpoint.json";
inline constexpr const char* kReportSchema = "agentq.orchestrator_run_report/1";
inline constexpr const char* kCheckpointSchema = "agentq.orchestrator_checkpoint/1";

// One stage: a program with its arguments, added environment and the artifacts it promises.
struct StageSpec {
  std::string name;  // "manager" | "executor"
  std::string bin;   // empty = the stage is not configured and is not part of the run
  std::vector<std::string> args;
  std::vector<std::string> env;  // "KEY=VALUE"
  std::vector<std::string> expected_artifacts;
  bool operator==(const StageSpec&) const = default;
};

struct RetryPolicy {
  int max_attempts = 3;           // attempts per stage per invocation; only transient failures retry
  int64_t backoff_ms = 200;       // before the 2nd attempt; doubles each time
  int64_t backoff_cap_ms = 5000;  // never waits longer than this
  int pause_after = 3;            // this many failed attempts of one stage pause the candidate
  std::vector<int64_t> transient_exit_codes;  // stage exit codes that mean "try again"
  bool operator==(const RetryPolicy&) const = default;
};

// What a run was started with. The checkpoint keeps it; `--resume` restores it.
struct RunOptions {
  std::string candidate;  // the task with --task, else "default"
  std::string task;       // --task: gate inputs come from the queue, events are recorded
  std::string policy_status, ci_status, review_status;  // flag gates (empty = not given)
  StageSpec manager{"manager", {}, {}, {}, {}}, executor{"executor", {}, {}, {}, {}};
  int64_t timeout_ms = 0;  // per stage attempt; 0 = none
  RetryPolicy retry;
  bool operator==(const RunOptions&) const = default;
};

// The stages of a run, in order: the configured ones of manager, executor.
std::vector<const StageSpec*> planned_stages(const RunOptions& o);

// Checks values a user can get wrong (USAGE): env entries KEY=VALUE, attempts >= 1, ...
Status check_options(const RunOptions& o);

// Deterministic run id: the candidate and every option that defines the work (stages, timeout,
// retry policy), not the gate inputs, which a resume may bring anew after corrective action.
// "run-" + 16 hex digits of the SHA-256 of those options. A resumed run keeps the id its
// checkpoint holds (checkpoint_from_json also accepts the FNV-1a ids of git-agentq 0.1).
std::string run_id_for(const RunOptions& o);

json options_json(const RunOptions& o);
Result<RunOptions> options_from_json(const json& j);

// Options given again with --resume must match the restored ones. `given` lists which
// option groups the user passed on the command line ("manager", "executor", "timeout",
// "retry", "task"); a group given with another value is USAGE naming the first difference.
Status check_resume_options(const RunOptions& restored, const RunOptions& given, const std::vector<std::string>& given_groups);

// Exponential backoff before attempt `attempt` (2 = the first retry), capped.
int64_t backoff_before(int attempt, const RetryPolicy& p);

// What one attempt at a stage did, as the environment observed it.
struct AttemptOutcome {
  bool started = false;     // false: the program could not be started
  int spawn_errno = 0;      // why it could not start (EAGAIN is transient)
  std::string spawn_error;  // message for the report
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  int64_t duration_ms = 0;
  std::string log;  // where the environment kept its output (relative to OUT_DIR), may be empty
  // Artifacts: for each expected path, its content when it exists (nullopt = missing).
  std::vector<std::pair<std::string, std::optional<std::string>>> artifacts;
};

enum class FailureClass { none, transient, deterministic, timeout };
std::string_view to_string(FailureClass c);

struct Classified {
  FailureClass cls = FailureClass::none;
  Code code = Code::STAGE_EXIT_NONZERO;
  std::string message;
};

// Fails closed: only a started program that exited 0 within its time and left every expected
// artifact (valid JSON for `.json` paths) succeeds. Transient: spawn EAGAIN, or an exit code in
// retry.transient_exit_codes. Timeouts are their own class and never retried (003: raise the
// timeout or split the stage). Everything else is deterministic and never retried.
Classified classify(const AttemptOutcome& a, const RetryPolicy& p);

// Gates.
struct GateInput {
  std::string status;  // allow/deny..., success/failure..., approved/...; empty = missing
  std::string detail;  // why (from the queue), empty for flags
  std::vector<Code> codes;  // the queue items behind a failing status
};
struct GateInputs {
  GateInput policy, ci, review;
  std::string source;  // "flags" | "queue"
};
struct GateDecision {
  std::string gate;  // policy | ci | review
  std::string status;
  bool passed = false;
  std::optional<Code> code;  // GATE_* when not passed
  std::string detail;
  std::vector<Code> causes;
};
// Fail-closed, fixed order policy -> ci -> review: every gate is decided and reported; pass
// states are exactly policy=allow, ci=success, review=approved.
std::vector<GateDecision> evaluate_gates(const GateInputs& in);

// Gate inputs from the queue for task `t` (--task): policy = the queue validates (no open
// findings) and no policy item of merge-ready fails (blocked, root cause, reality checks, based
// on base); ci = every acceptance check has passing evidence on the handoff commit; review =
// every routed reviewer role approved that commit. Reuses merge_ready_items.
GateInputs gates_from_queue(const QueueState& s, const Definitions& d, const Task& t, const RepoFacts& facts);

// The checkpoint: what survives between invocations of one run.
struct StageRecord {
  std::string stage;
  std::string status = "pending";  // pending | completed | failed | timeout
  int attempts = 0;                // attempts over all invocations
  int failures = 0;                // failed attempts since the stage last completed
  std::string completed_run;       // run id that completed it (idempotency key with the stage)
  std::string error_code, error;   // the last failure
};
struct Checkpoint {
  std::string run_id;
  RunOptions options;
  int invocation = 0;  // 1 for the first run, +1 per resume
  std::vector<StageRecord> stages;
  bool paused = false;
  std::string paused_reason;
  std::string terminal_state;  // of the last invocation (empty while running)
  std::string updated_at;

  StageRecord* stage(const std::string& name);
};
json checkpoint_json(const Checkpoint& c);
// Strict: a checkpoint that does not parse or lacks fields is an error naming the file.
Result<Checkpoint> checkpoint_from_json(const std::string& text, const std::string& file);

// One stage as this invocation saw it.
struct AttemptRecord {
  int attempt = 0;
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  int64_t duration_ms = 0;
  std::string failure_class;  // none | transient | deterministic | timeout
  std::string error_code, error;
  int64_t backoff_ms = 0;  // waited before this attempt
  std::string log;
};
struct StageExecution {
  std::string stage;
  std::string idempotency_key;  // candidate/stage/run id
  std::string status;           // completed | failed | timeout | skipped | not_run
  bool skipped = false;
  std::string skip_reason;
  std::vector<AttemptRecord> attempts;
  std::string error_code, error;  // empty on success
};
struct Report {
  std::string run_id, candidate, task;
  int invocation = 0;
  bool resumed = false;
  std::string terminal_state;  // done | blocked | failed | timeout
  std::vector<GateDecision> gates;
  std::vector<std::string> blocked_reason_codes;
  std::vector<StageExecution> stages;
  bool paused = false;
  std::string paused_reason;
  std::string gate_source;
  std::string error_code, error;  // a run-level failure (paused, checkpoint not persisted)
  std::string started_at, finished_at;
};
json report_json(const Report& r);
json gate_json(const GateDecision& g);

// What the state machine needs from the world.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual AttemptOutcome run_stage(const StageSpec& s, int attempt, const RunOptions& o) = 0;
  virtual void sleep_ms(int64_t ms) = 0;
  // Persists the checkpoint atomically; a failure ends the run as failed.
  virtual Status save_checkpoint(const Checkpoint& c) = 0;
  // The gate inputs, read after the stages ran (the executor may have recorded evidence).
  virtual Result<GateInputs> gates(const RunOptions& o) = 0;
  virtual std::string now() = 0;
};

// Runs one invocation: completed stages are skipped (and reported as skipped), the others run
// in order with retries for transient failures; the first stage that does not complete ends
// the invocation (failed or timeout); a stage reaching retry.pause_after failed attempts
// pauses the candidate. When every stage completed, the gates decide done or blocked. The
// checkpoint is saved after every stage. `c` must already hold run_id, options, invocation.
Report run_invocation(Checkpoint& c, Environment& env, bool resumed);

// The exit code of `run` for a terminal state: 0 only for done.
int exit_code_for_state(const std::string& terminal_state);

}  // namespace agentq::orch
