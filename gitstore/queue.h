// Queue: the repository-side service the commands use. It reads and replays the log, loads
// the definitions, and writes events: every write is checked against the newest state and
// published with compare-and-swap, re-read and re-checked when another writer got there first.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/replay.h"
#include "core/state.h"
#include "gitstore/event_log.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/repo.h"

namespace agentq {

struct LoadOptions {
  std::string defs_rev;    // --defs REV: the definitions shown and cross-checked (default: base tip)
  bool keep_log = false;   // keep the decoded entries (validate, log)
  // Judge other refs than the local ones (ci-check validates what the remote has, without
  // touching local refs): the log ref, and an exact ref for policy.base.
  std::string log_ref = kLogRef;
  std::string base_remote;  // non-empty: the base tip is exactly refs/remotes/<base_remote>/<base>
};

struct Written {
  std::string commit;       // the event commit (the existing one when `noop`)
  bool noop = false;        // the identical event was already in the log
  Event event;              // as written (id, at and defs filled in)
  std::string notes_warning;  // the event landed but the notes view could not be updated
};

class Queue {
 public:
  // Opens the repository (see Repo::open). Reads nothing else yet.
  static Result<Queue> open();

  Queue(Queue&&) noexcept;
  Queue& operator=(Queue&&) noexcept;
  ~Queue();

  Repo& repo();
  const Repo& repo() const;
  std::optional<std::string> log_tip() const;  // of the local log ref (writers' ref)

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

  // Writes `e`: fills id (when empty), at and defs; checks it against the newest state;
  // commits; moves the log with compare-and-swap, retrying after re-validation.
  Result<Written> write(Event e, const std::vector<Attachment>& attachments = {}, const Prepare& prepare = {});

 private:
  Queue();
  Status advance_to(const std::string& tip);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agentq
