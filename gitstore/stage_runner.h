// The stage runner's environment (core/orchestrator.h): stages as real processes in their own
// process group (killed whole on timeout), their logs and the checkpoint as files in OUT_DIR,
// and, with --task, gate inputs from the queue and the run recorded as events on it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/orchestrator.h"
#include "gitstore/queue.h"
#include "gitstore/run_lock.h"

namespace agentq {

// Which gate inputs (--policy-status, --ci-status, --review-status) were given.
struct GivenGates {
  bool policy = false, ci = false, review = false;
  bool any() const { return policy || ci || review; }
};

struct OpenedRun {
  RunLock lock;  // OUT_DIR's: one invocation at a time, from reading the checkpoint to the last write
  orch::Checkpoint checkpoint;
};

// The checkpoint of the invocation about to run in `out_dir`, with the directory's lock held.
// A new run: `given` checked, and USAGE when OUT_DIR holds another run's checkpoint. With
// `resume`: the checkpoint there (USAGE when there is none; RUN_OPTIONS_MISMATCH when the
// option `groups` given contradict it). Gate inputs are not part of a run's identity: after
// corrective action they are given again on --resume, and absent ones keep the recorded values
// (USAGE when the run takes them from the queue).
Result<OpenedRun> open_run(const std::string& out_dir, const orch::RunOptions& given, const std::vector<std::string>& groups,
                           bool resume, const GivenGates& gates);

// The environment one invocation of run drives: its clock and waits are `env`'s. `queue` (null
// without --task) supplies the gates; both must outlive it.
std::unique_ptr<orch::Environment> stage_environment(Env& env, const std::string& out_dir, int invocation, Queue* queue,
                                                     const std::string& run_id);

// With --task: the gates and the run become events on the queue, with ids derived from the run
// id and invocation, so recording the same invocation twice is a no-op.
Result<std::vector<Written>> record_run(Queue& q, const std::string& actor, const orch::Report& r);

}  // namespace agentq
