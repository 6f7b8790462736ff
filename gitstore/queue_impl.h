// Queue's insides, shared by the files that implement it: queue.cpp (reading, local writes),
// sync.cpp (replication through the remote), pending.cpp (offline writes). gitstore-internal.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gitstore/queue.h"
#include "gitstore/remote.h"
#include "gitstore/signing.h"
#include "gitstore/verify.h"

namespace agentq {

struct Queue::Impl {
  std::optional<Repo> repo;
  std::unique_ptr<GitRepoView> view;
  QueueState state;
  std::string state_tip;  // the log commit `state` was replayed up to (empty: none, replay from scratch)
  std::shared_ptr<const Definitions> defs;
  std::string defs_commit;
  std::vector<LogEntry> entries;
  bool keep_log = false;

  // The snapshot of `state` (core/snapshot.h, gitstore/snapshot_store.h): read by load, written
  // whenever the state moved on. `slot` names the log ref it follows.
  std::string snapshot_slot = kLogRef;
  std::string root_base, root_remote;  // the root (init) commit's base and remote
  bool base_sensitive = false;         // see SnapshotInfo::base_sensitive
  // False once `state` holds verdicts judged against base tips no one snapshot can name (the
  // base was re-pinned to a tip that does not descend from the one judged before).
  bool snapshot_ok = true;
  std::string saved_tip, saved_base;  // what the snapshot file holds now
  void save_snapshot();
  // Replays `tail` onto `state` (which stands at state_tip) and moves state_tip to `tip`.
  void replay_tail(std::span<const LogEntry> tail, const std::string& tip);

  // Signatures: verified on every replay (the view asks `verifier`, cached by commit id), made
  // on every write, both only where the definitions an event is judged under set
  // policy.require_signed.
  std::unique_ptr<QueueVerifier> verifier;
  std::unique_ptr<Signing> signing;
  bool cache_writes = true;
  std::vector<std::string> load_warnings;
  QueueVerifier* verifier_for_reads();
  Signing* signing_for_writes();
  // After a replay: stores new verification results (a failure is a warning: the cache is an
  // optimisation only).
  void flush_verifier();

  // Replication.
  std::string base;           // policy.base (the init event's)
  std::string policy_remote;  // policy.remote as the definitions say
  std::string remote;         // policy_remote when this repository configures it; empty = local-only
  bool offline = false;
  bool fetched = false;       // remote_refs are fresh: the next published write may use them
  RemoteRefs remote_refs;     // the remote's refs as the last fetch saw them

  // Replays the log up to `tip` (nullopt: no log), incrementally when `tip` descends from state_tip.
  Status advance_to(const std::optional<std::string>& tip);
  // Judges against another tip of the base branch from now on (the state stays valid: it holds
  // commit ids, never positions).
  Status repin_base(const std::string& tip);

  Result<Written> write_local(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare);
  Result<Written> write_pending(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare);
  Result<Written> write_published(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare,
                                  const WriteOptions& options);

  Status catch_up();
  Result<SyncReport> sync(const std::string& actor);
};

// Judges a new event against state `s` (core's judge_new_event, with this clone's signing
// configuration when `sign`) and names the signer to write it with (null when its definitions
// do not require signing, or without `sign`).
struct Admitted {
  bool noop = false;            // the event is there already (same id, same content)
  std::string existing;         // with noop: the commit that holds it
  Signer* signer = nullptr;
};
Result<Admitted> admit(Queue::Impl& q, const QueueState& s, const Event& e, bool sign);
// A new event of this clone's: stamped now and with the base tip whose definitions govern it,
// completed by `prepare` (which sees the state it will be judged in), then admitted and signed.
// What the write reports so far: the event, and with a no-op the commit that already holds it.
Written written_so_far(const Admitted& a, const Event& e);
Result<Admitted> admit_new(Queue::Impl& q, const QueueState& s, Event& e, const Queue::Prepare& prepare);

}  // namespace agentq
