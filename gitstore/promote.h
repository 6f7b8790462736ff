// `promote` and `release-guard`: human-gated promotion of a commit of base to policy.release.
// The promote event records the source commit, the tasks it carries, risks and the rollback
// plan, with the tasks' acceptance evidence and reviews attached (release/evidence.json); the
// release branch moves to exactly that commit, with a remote in the same atomic push as the
// event. The release guard fails when the release branch points at anything but a promoted
// commit that base contains.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/merge_ready.h"
#include "gitstore/queue.h"

namespace agentq {

struct Promoted {
  Written written;
  std::string release;                  // policy.release
  std::string commit;                   // the promoted commit
  std::vector<std::string> tasks;       // the done tasks it carries that the release lacked
  std::optional<std::string> previous;  // where the release was (on the remote when there is one)
  std::string remote;                   // where the release moved with the event ("" local-only)
  std::string local_note;               // why the local release branch did not follow (it still counts)
};

// Promotes `rev` as `actor`. In this order: NOT_HUMAN, USAGE without policy.release or when
// `offline` with a remote (the event and the branch land together or not at all), the commit,
// RELEASE_NOT_IN_BASE, fetching the remote's release, then the write's own errors. When the
// release already is `rev` by a recorded promotion nothing is written (`written.noop`, naming
// that promotion's event). The local
// release branch follows through git (so reference-transaction hooks judge it too), unless a
// work tree has it checked out.
Result<Promoted> promote(Queue& q, const std::string& actor, const std::string& event_id, const std::string& rev,
                          const std::string& risks, const std::string& rollback, bool offline);

// One release ref as the guard judged it.
struct ReleaseRef {
  std::string ref;                  // refs/heads/<release> or its tracking ref
  std::string commit;
  std::optional<ReadyItem> problem;  // nullopt: it points at a promoted commit of base
};
// The local release branch and, with a remote, its tracking ref; those that do not exist are
// left out (none at all without policy.release).
std::vector<ReleaseRef> check_release_refs(Queue& q);

}  // namespace agentq
