// The remote end of replication: fetching and pushing the queue refs. Transport is the `git`
// executable, so credentials, ssh configuration, insteadOf and protocol v2 work as the user
// has them; nothing here knows what an event is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// Where `fetch_queue` keeps the remote's refs: refs/agent-queue/log ->
// refs/remotes/<remote>/agent-queue/log, refs/notes/agentq -> refs/remotes/<remote>/notes/agentq,
// refs/heads/<b> -> refs/remotes/<remote>/<b> (the same places the glob refspecs of `init` use).
std::string tracking_ref(const std::string& remote, const std::string& ref);

// True when `git config remote.<name>.url` is set.
bool remote_configured(const Repo& repo, const std::string& remote);

// The glob fetch refspecs for the queue and its notes. Globs, because an exact refspec for a
// ref the remote lacks makes every plain `git fetch` fail; these match nothing harmlessly.
std::vector<std::string> queue_refspecs(const std::string& remote);
// Adds them to remote.<remote>.fetch unless they are there.
Status configure_queue_refspecs(Repo& repo, const std::string& remote);

// The remote's refs as the last fetch saw them (nullopt: the remote does not have it).
struct RemoteRefs {
  std::optional<std::string> log, notes, base;
};

// What else a fetch of the queue brings.
struct FetchScope {
  bool all_branches = false;  // every branch into refs/remotes/<remote>/* (ci-check's audits)
  bool unshallow = false;     // deepen a shallow clone to the whole history first
};

// Fetches the queue refs, the notes and refs/heads/<base> (or every branch) into their
// tracking refs (pruning tracking refs the remote no longer has), and reads them back.
// Errors (exit 4, nothing local changed but tracking refs): NO_REMOTE, REMOTE_UNREACHABLE,
// REMOTE_AUTH_FAILED, GIT_ERROR.
Result<RemoteRefs> fetch_queue(Repo& repo, const std::string& remote, const std::string& base,
                               const FetchScope& scope = {});

// Fetches refs/heads/<branch> into its tracking ref and returns its value on the remote
// (nullopt: the remote has no such branch). Errors as fetch_queue.
Result<std::optional<std::string>> fetch_branch(Repo& repo, const std::string& remote, const std::string& branch);

struct RefUpdate {
  std::string ref;                      // the ref on the remote
  std::string target;                   // the local object to put there
  std::optional<std::string> expected;  // its value on the remote now (nullopt: must not exist)
};

enum class PushOutcome {
  landed,  // every update is on the remote
  stale,   // the remote moved under a lease (or the server's own old-value check): nothing landed
};

// One `git push --atomic` of every update, each with an explicit --force-with-lease, so either
// all land on exactly the expected values or none does.
// Errors: REMOTE_REJECTED (a hook or the server's policy said no), REMOTE_UNREACHABLE,
// REMOTE_AUTH_FAILED, GIT_ERROR.
// A lock file on the remote in the way (another push running there, or a crashed one) is
// `stale` too, with the lock described in `*locked` (REMOTE_LOCKED, gitstore/locks.h); one
// older than the grace period fails with it at once, since waiting will not help.
Result<PushOutcome> push_queue(Repo& repo, const std::string& remote, const std::vector<RefUpdate>& updates,
                               std::optional<Error>* locked = nullptr);

}  // namespace agentq
