// The coordinator's daily questions: which idle lane should take which task next, and which
// claims went stale.
#pragma once

#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/state.h"
#include "core/timeutil.h"

namespace agentq {

struct Dispatch {
  std::string role;
  int lane = 0;
  std::string task;  // the next ready task this lane could claim; empty = nothing for it
};

// One entry per idle lane of every delivery role (in role, lane order): the first ready task in
// YAML order that may run on that lane (a task pinned to another lane may not), each task
// recommended once.
std::vector<Dispatch> recommend(const QueueState& s, const Definitions& d);

struct StaleClaim {
  std::string task, owner, role, claim, last_activity;
  int lane = 0;
  Millis idle = 0;
};

// Claims (in_progress or blocked) with no activity for longer than policy.stale_after. Tasks in
// review wait for reviewers, not for their owner, and are never stale.
std::vector<StaleClaim> stale_claims(const QueueState& s, const Definitions& d, Millis now);

}  // namespace agentq
