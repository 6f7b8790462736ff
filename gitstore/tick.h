// `tick`: what changed since this worktree's previous tick, who to dispatch and which claims
// went stale. The snapshot of the previous tick is kept per worktree (<git dir>/agentq/tick.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/board.h"
#include "core/dispatch.h"
#include "core/timeutil.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"

namespace agentq {

// The last tick's snapshot. An empty snapshot when there was none. A file that does not parse
// is never silently reset: it is moved aside to tick.json.corrupt and `corrupt` says so
// (CACHE_CORRUPT), and this tick counts as the first.
TickSnapshot read_tick(const Repo& repo, std::optional<Error>* corrupt = nullptr);
Status write_tick(const Repo& repo, const TickSnapshot& t);

struct Tick {
  TickSnapshot previous;
  bool first = false;               // no previous tick in this worktree
  std::vector<TickChange> changes;  // since the previous tick
  std::optional<size_t> events;     // events since the previous tick; nullopt: the log was rewritten
  std::vector<Dispatch> dispatch;   // the idle lanes that have something to claim
  std::vector<StaleClaim> stale;    // claims idle past policy.stale_after at `now`
  std::string not_saved;            // why this tick could not be remembered (it still counts)
  std::optional<Error> corrupt;     // CACHE_CORRUPT: the previous tick's file was moved aside
};

// Compares the queue with the previous tick and remembers this one.
Tick take_tick(Queue& q, Millis now);

}  // namespace agentq
