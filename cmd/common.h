// Helpers shared by the command implementations.
#pragma once

#include <string>

#include "cmd/context.h"
#include "cmd/output.h"
#include "core/definitions.h"
#include "core/dispatch.h"
#include "core/event.h"
#include "core/ids.h"
#include "core/lanes.h"
#include "core/merge_ready.h"
#include "core/state.h"
#include "core/task_json.h"
#include "gitstore/claim_store.h"
#include "gitstore/queue.h"

namespace agentq::cli {

json event_json(const Event& e);

json finding_json(const Finding& f);
// A finding as an Error (for printing): located at its commit, in the log or in the repository.
Error finding_error(const Finding& f);

// Prints merge-ready items as diagnostics; returns how many there were.
size_t print_items(Context& ctx, const std::string& task, const std::vector<ReadyItem>& items);
json items_json(const std::string& task, const std::vector<ReadyItem>& items);
// Items that name no task (preflight, teardown) as JSON: [{code, message, fix}].
json brief_items_json(const std::vector<ReadyItem>& items);

// Dispatch recommendations as JSON: [{role, lane, task|null, branch}].
json dispatch_json(const Definitions& d, const std::vector<Dispatch>& recs);
// The line that flags a stale claim (status, tick).
std::string stale_line(const Output& out, const StaleClaim& c);

// Prints notices after a write (pending, warnings, notes warnings); returns 0.
int report_written(Context& ctx, const Written& w);

}  // namespace agentq::cli
