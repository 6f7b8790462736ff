// Offline events: refs/agent-queue/pending/<actor>, a local-only chain per actor (its root is
// the actor's oldest pending event; it never shares history with the log). `sync` with that
// actor replays them onto the remote's tip; other actors' chains are never touched, so lanes
// sharing one clone do not disturb each other.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/replay.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/repo.h"

namespace agentq {

// The events of a pending chain, oldest first (empty when the ref does not exist).
Result<std::vector<LogEntry>> read_pending(const Repo& repo, const std::string& ref);

// Every actor's pending chain with its number of events: (actor, count).
std::vector<std::pair<std::string, size_t>> pending_chains(const Repo& repo);

// A pending (or otherwise local-only) event as it is judged when it is published now: under
// the definitions of the current base tip, like any event written now. Its id, time and
// content stay, so replaying it twice is recognised as the same event.
Event as_published_now(const Event& e, const GitRepoView& view);

// Applies `pending` to `s` the way publishing them would (events the rules refuse are
// skipped: sync will reject them). For judging a new offline event against "the log plus
// what this actor already did offline".
void apply_pending(QueueState& s, const std::vector<LogEntry>& pending, GitRepoView& view);

// After sync published or rejected the events of `ref` up to `seen`: deletes the ref, or, when
// new offline events were appended meanwhile, keeps only those (as a new chain).
Status trim_pending(Repo& repo, const std::string& ref, const std::string& seen);

// Local-only log events of other actors that a sync cannot re-sign (policy.require_signed:
// only an event's own actor can sign it): appended, oldest first, to each owner's pending
// chain (events whose id is already there are skipped, so repeating it is harmless). The
// owner's next `sync` publishes them under its own signature. Returns the actors handed to.
Result<std::vector<std::string>> hand_over_pending(Repo& repo, const std::vector<LogEntry>& entries);

}  // namespace agentq
