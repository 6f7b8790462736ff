// `prune-stale`: unclaims the claims idle past policy.stale_after, saving each lane's
// uncommitted work first, so a task an agent abandoned goes back to the queue.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dispatch.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "gitstore/queue.h"

namespace agentq {

// What became of one stale claim.
struct PruneOutcome {
  enum class Kind {
    would_prune,  // a dry run: nothing written
    pruned,       // the unclaim event is written
    skipped,      // it was no longer the stale claim it was when written (LOST_RACE, in `error`)
    failed,       // saving its work or writing the event failed (`error`)
    blocked,      // blocked: reported as stale, never put back to todo (its blocker still holds)
  };
  StaleClaim claim;
  std::string reason;  // the unclaim's reason: how long it was idle, against what policy
  Kind kind = Kind::would_prune;
  std::string saved_patch;  // pruned: the saved work, relative to the common dir ("" none)
  std::optional<Written> written;
  std::optional<Error> error;
};

// Every claim stale at `now`, in stale_claims order, unclaimed as `actor` unless `dry_run`.
// A claim that came back to life (or was released) in the meantime is skipped, never pruned;
// a blocked task is only reported (Kind::blocked): it waits for its blocker, not for its owner.
std::vector<PruneOutcome> prune_stale(Queue& q, const std::string& actor, Millis now, bool dry_run);

}  // namespace agentq
