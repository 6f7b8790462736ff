// Queue: the repository-side service the commands use. It reads and replays the log, loads
// the definitions, and writes events: every write is checked against the newest state and
// published with compare-and-swap, re-read and re-checked when another writer got there first.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/definitions.h"
#include "core/replay.h"
#include "core/state.h"
#include "gitstore/event_log.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/repo.h"
#include "gitstore/sync.h"

namespace agentq {

struct LoadOptions {
  std::string defs_rev;    // --defs REV: the definitions shown and cross-checked (default: base tip)
  bool keep_log = false;   // keep the decoded entries (validate, log)
  // Judge other refs than the local ones (ci-check validates what the remote has, without
  // touching local refs): the log ref, and an exact ref for policy.base.
  std::string log_ref = kLogRef;
  std::string base_remote;  // non-empty: the base tip is exactly refs/remotes/<base_remote>/<base>
  // Judge exact commits instead of refs (hooks judge the state a ref update would create, whose
  // commits may not be on any ref yet, e.g. in pre-receive's quarantine): the log tip, and the
  // tip of policy.base. Empty: read the refs as above.
  std::string log_tip;
  std::string base_tip;
};

// How a write travels, beyond the event itself (see WriteOptions below).
struct BranchMove {
  std::string branch;                   // e.g. "release/x" (refs/heads/ is implied)
  std::string target;                   // the commit to put there
  std::optional<std::string> expected;  // its value on the remote as fetched (nullopt: must not exist)
};

struct Written {
  std::string commit;       // the event commit (the existing one when `noop`)
  bool noop = false;        // the identical event was already in the log
  Event event;              // as written (id, at and defs filled in)
  std::string notes_warning;  // the event landed but the notes view could not be updated
  bool pending = false;     // --offline: kept in `pending_ref` until `sync` publishes it
  std::string pending_ref;
  std::string remote;       // the remote the event was pushed to (empty: local-only queue, or pending)
  std::vector<std::string> warnings;
};

// How a write travels, beyond the event itself.
struct WriteOptions {
  // With a remote: also move policy.base on the remote to this commit, in the same atomic push
  // as the event (leased on <remote>/<base> as fetched), and judge the event under it, so that a
  // merge is never recorded without landing nor lands without being recorded. It must contain
  // <remote>/<base>; when the remote's base moves to something it does not contain, the write
  // fails with NON_FAST_FORWARD instead of retrying (what was judged must be judged again).
  // Offline it is refused (USAGE); in a local-only queue the local branch already is the base.
  std::string advance_base;
  // With a remote: other branches moved on the remote in the same atomic push as the event,
  // each leased on `expected` (promote moves policy.release this way). Offline it is refused.
  std::vector<BranchMove> also_move;
};

// refs/agent-queue/pending/<actor>: the local-only chain of an actor's --offline events.
std::string pending_ref(const std::string& actor);

class Queue {
 public:
  // Opens the repository (see Repo::open). Reads nothing else yet.
  static Result<Queue> open(Env& env);
  // Opens the repository at `path` (discovery from there, ignoring the environment).
  static Result<Queue> open_at(const std::string& path, Env& env = Env::standard());

  Queue(Queue&&) noexcept;
  Queue& operator=(Queue&&) noexcept;
  ~Queue();

  Repo& repo();
  const Repo& repo() const;
  std::optional<std::string> log_tip() const;  // of the local log ref (writers' ref)

  // The remote the queue replicates through: policy.remote when this repository configures it
  // (remote.<name>.url); empty for a local-only queue. Known after load() or
  // prepare_uninitialised().
  const std::string& remote() const;
  // policy.remote as the definitions name it (may name a remote this repository lacks).
  const std::string& policy_remote() const;
  // --offline: writes go to refs/agent-queue/pending/<actor> until `sync` publishes them.
  void set_offline(bool offline);
  // False where the repository must not be written (hooks: pre-receive runs in quarantine):
  // signature verification still runs and reads the cache, but stores nothing.
  void set_cache_writes(bool write);
  // Notices gathered while loading (a corrupt cache moved aside, CACHE_CORRUPT), for commands to print.
  const std::vector<std::string>& warnings() const;
  // With a remote (and not offline): fetches the queue refs, the notes and the base branch,
  // fast-forwards the local log when it is behind, and judges against the fetched base from
  // now on. A no-op for a local-only queue. Writes run it themselves when it did not run.
  Status catch_up();
  // Fetches; fast-forwards; replays local-only events of the log and `actor`'s pending events
  // onto the remote's tip, re-validating each (rejected ones are kept, see RejectedEvent);
  // regenerates the notes; pushes log and notes atomically with leases, retrying with backoff.
  // Needs load() or, in a repository without a log, prepare_uninitialised().
  // NO_REMOTE without a usable remote; NO_QUEUE when neither side has a queue.
  Result<SyncReport> sync(const std::string& actor);

  // Reads and replays the log (NO_QUEUE when there is none) and loads the definitions.
  Status load(const LoadOptions& options = {});
  // For init: no log yet; judge against `base` (and `<remote>/<base>`).
  Status prepare_uninitialised(const std::string& base, const std::string& remote);

  // Re-reads the tip of policy.base (after this process moved it, as `merge` does).
  Status refresh_base();

  const QueueState& state() const;
  const Definitions& defs() const;
  std::shared_ptr<const Definitions> defs_ptr() const;
  const std::string& defs_commit() const;
  const std::string& base_tip() const;
  const std::vector<LogEntry>& entries() const;
  GitRepoView& view();

  // Called before every attempt with the newest state, to (re)choose fields that depend on
  // it (the lane of a claim, the task of `claim --next`). An error ends the write.
  using Prepare = std::function<Status(Event&, const QueueState&, const Definitions&)>;

  // Writes `e`: fills id (when empty), at and defs; checks it against the newest state and
  // publishes it, re-checking after every lost race:
  // - local-only queue: moves the log with compare-and-swap;
  // - with a remote: builds it on the fetched remote tip and pushes log and notes atomically
  //   with leases; succeeds only once the push landed (LOST_RACE when a race it lost made the
  //   event illegal, REMOTE_* when the remote cannot be used; the local log then follows the
  //   remote's);
  // - offline (with a remote): appends it to pending_ref(actor) (Written::pending).
  Result<Written> write(Event e, const std::vector<Attachment>& attachments = {}, const Prepare& prepare = {},
                        const WriteOptions& options = {});

  struct Impl;

 private:
  Queue();
  std::unique_ptr<Impl> impl_;
};

}  // namespace agentq
