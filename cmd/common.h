// Helpers shared by the command implementations.
#pragma once

#include <string>

#include "cmd/context.h"
#include "cmd/output.h"
#include "core/definitions.h"
#include "core/event.h"
#include "core/ids.h"
#include "core/merge_ready.h"
#include "core/state.h"
#include "gitstore/queue.h"

namespace agentq::cli {

// The default lane branch: agent/<role>, or agent/<role>-<lane> when the role has several lanes.
std::string lane_branch(const Definitions& d, const std::string& role, int lane);

json event_json(const Event& e);
json task_json(const Definitions& d, const QueueState& s, const std::string& task);
json finding_json(const Finding& f);
// A finding as an Error (for printing): located at its commit, in the log or in the repository.
Error finding_error(const Finding& f);

// How the actor acts on a task: as the owner (this worktree holds the claim: its id is taken
// from the claim store, never from replayed state) or as a coordinator.
struct Acting {
  std::string role;
  std::string claim;  // empty when acting as a coordinator
  bool owner = false;
};
Acting acting_on(Queue& q, const std::string& actor, const std::string& task);

// Prints merge-ready items as diagnostics; returns how many there were.
size_t print_items(Context& ctx, const std::string& task, const std::vector<ReadyItem>& items);
json items_json(const std::string& task, const std::vector<ReadyItem>& items);

// Prints notices after a write (pending, warnings, notes warnings); returns 0.
int report_written(Context& ctx, const Written& w);

}  // namespace agentq::cli
