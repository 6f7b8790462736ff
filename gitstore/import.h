// `import FILE`: switching from a YAML work queue in one step (core/import.h plans it). The
// definitions are committed to the base branch first: every event names the definitions commit
// it was written under, so the events can only be written once base holds them. The events
// have deterministic ids, so an import that stopped half way is finished by running it again.
#pragma once

#include <string>

#include "core/error.h"
#include "core/import.h"
#include "gitstore/defs_commit.h"
#include "gitstore/queue.h"

namespace agentq {

// Commits the plan's definitions to base and, unless `offline`, pushes base to the remote.
// USAGE when the queue is already running with other definitions: a running queue is not
// imported over (the same import again only finishes its events).
Result<DefsCommit> commit_import(Queue& q, const ImportPlan& plan, const std::string& file, bool offline);

struct ImportWrites {
  size_t written = 0, already = 0;  // events written now, and found in the log already
  bool pending = false;             // some were kept --offline
};
// Writes the plan's events in order. An error names the event and keeps its code: what was
// written stays, and the same import again continues from there.
Result<ImportWrites> write_import_events(Queue& q, const ImportPlan& plan);

}  // namespace agentq
