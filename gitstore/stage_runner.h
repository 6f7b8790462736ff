// The stage runner's environment (core/orchestrator.h): stages as real processes in their own
// process group (killed whole on timeout), their logs and the checkpoint as files in OUT_DIR,
// and, with --task, gate inputs from the queue and the run recorded as events on it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/orchestrator.h"
#include "gitstore/queue.h"

namespace agentq {

// The environment one invocation of run drives. `queue` (null without --task) supplies the
// gates and must outlive it.
std::unique_ptr<orch::Environment> stage_environment(const std::string& out_dir, int invocation, Queue* queue,
                                                     const std::string& run_id);

// With --task: the gates and the run become events on the queue, with ids derived from the run
// id and invocation, so recording the same invocation twice is a no-op.
Result<std::vector<Written>> record_run(Queue& q, const std::string& actor, const orch::Report& r);

}  // namespace agentq
