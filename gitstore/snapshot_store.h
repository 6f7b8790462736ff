// Where queue snapshots (core/snapshot.h) live: <common git dir>/agentq/snapshots/<slot>, one
// file per log ref replayed (the local log, a remote's), written atomically (temp file and
// rename, so concurrent writers each leave a whole snapshot). A snapshot that does not decode
// is moved aside (<file>.corrupt-<time>, never deleted): CACHE_CORRUPT. Deleting the directory
// changes no answer, only the time the next command takes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/snapshot.h"
#include "gitstore/repo.h"

namespace agentq {

std::string snapshot_path(const Repo& repo, const std::string& slot);

// The key a snapshot must carry to be reused by this build: the snapshot format, the replay
// rules' version and the identity of the running executable (a rebuilt git-agentq may judge
// differently). Empty when the executable cannot be identified: then no snapshot is used.
const std::string& snapshot_key();

struct SnapshotRead {
  std::optional<Snapshot> snapshot;  // nullopt: none, another build's, or corrupt
  std::vector<std::string> warnings;
};
// `may_move_aside` false where the repository must not be written (pre-receive's quarantine).
SnapshotRead read_snapshot(const Repo& repo, const std::string& slot, bool may_move_aside);
Status write_snapshot(const Repo& repo, const std::string& slot, const SnapshotInfo& info, const QueueState& state);

}  // namespace agentq
