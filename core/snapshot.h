// Snapshot: the replayed queue state written down, so a command continues replay from where
// the last one stopped instead of from the first event (doc/performance.md, "The snapshot").
//
// A snapshot is a serialisation of whatever replay decided (QueueState, verdicts included) plus
// what is needed to know whether it still holds: the log tip and the base tip it was replayed
// against, and `key`, which names the rules that produced it (the format, the replay rules'
// version, the build): a snapshot under any other key is never used. The bytes carry a SHA-256
// of themselves; anything that does not decode exactly is CACHE_CORRUPT.
//
// Pure: encoding and decoding only. Where the file lives, and when a snapshot may be reused,
// is gitstore's (gitstore/snapshot_store.h).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/state.h"

namespace agentq {

// Bump when replay would judge some history differently (a new rule, a changed verdict) or
// QueueState changes shape: every older snapshot is then replayed afresh.
inline constexpr int kReplayRulesVersion = 2;  // 2: owner re-claims, claim-less coordinator handoffs, copied events, defs on base

struct SnapshotInfo {
  std::string key;       // who may reuse it (see above)
  std::string log_tip;   // the log commit `state` was replayed up to
  std::string base_tip;  // the tip of policy.base every event was judged against
  // The init event's base and remote as the root commit says (load needs them before replay,
  // to find the base tip, even when the init event itself was illegal).
  std::string root_base, root_remote;
  // Some verdict depended on the base tip beyond "this commit is on its first-parent history"
  // (a definitions commit base no longer has, judged by its blob; or not found at all): then
  // only the same base tip may reuse it.
  bool base_sensitive = false;
};

struct Snapshot {
  SnapshotInfo info;
  QueueState state;
};

// Deterministic: equal snapshots encode to equal bytes (maps are written sorted).
std::string encode_snapshot(const SnapshotInfo& info, const QueueState& state);
// CACHE_CORRUPT (with `where` as the location) when the bytes are not exactly an encoding.
Result<Snapshot> decode_snapshot(std::string_view bytes, const std::string& where = {});

// The state alone, encoded as above: two states are the same state iff these are equal.
std::string encode_state(const QueueState& s);

}  // namespace agentq
