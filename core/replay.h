// Replay: folding the event log, in chain order, into queue state.
//
// Every event is judged against the state before it and under the definitions it names. An
// illegal event (possible only where origin runs no pre-receive hook) is recorded as a Finding
// with its commit and reason code and skipped, so one bad event never hides the rest; writers
// run the same checks before they write, so writers and the validator always agree.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/event.h"
#include "core/repo_view.h"
#include "core/signature.h"
#include "core/state.h"

namespace agentq {

// One commit of refs/agent-queue/log as the log reader delivers it.
struct LogEntry {
  std::string commit;
  std::optional<Event> event;  // nullopt when the commit message could not be decoded
  Error error;                 // why it could not be decoded (or a structural problem)
  // Why the commit is not what a writer makes of its event (its message is not the canonical
  // subject and body, its tree not the attachments the event names); empty when it is. Set by
  // the log reader, which has the raw object; judged after the event's own rules, so a forged
  // event is reported for what is wrong with it first.
  std::string form_error;
};

// The attachment paths a writer puts in the tree of event `e`'s commit (empty: the empty tree).
std::vector<std::string> attachment_paths(const Event& e);

// The definitions `e` is judged under: `e.defs` must lie on base's first-parent history and be
// no older than the previous event's.
Result<std::shared_ptr<const Definitions>> definitions_for(const QueueState& s, const Event& e, RepoView& repo);

// True when an event with the same id and the same content is already in the log: writing it
// again is a no-op. The same id with other content is DUPLICATE_EVENT_ID.
Result<bool> already_recorded(const QueueState& s, const Event& e);

// Identity first (actor, role, signature), then the state rules. `d` must be the event's
// definitions (see definitions_for). Under policy.require_signed, `sig` is what replay got from
// RepoView::signature or, for an event about to be written, the writer's identity (the key it
// will sign with); anything but `good` is refused. Null only for a writer that does not sign
// (the event is judged again, signature included, whenever the log is replayed).
Status check_event(const QueueState& s, const Event& e, const Definitions& d, RepoView& repo,
                   const SignatureCheck* sig = nullptr);

// The one judgement a writer makes of a new event against state `s`, before it signs and
// writes it: idempotency (`noop`: the identical event is already in the log), the definitions it
// names, then with `signer` the writer's identity first (writer_identity: a wrong key is
// SIGNER_MISMATCH whatever else is wrong), then check_event. Without `signer` the signature is
// not judged (an event another actor signs later). The validator re-judges every event the
// same way on replay, so writers and the validator always agree.
struct Judgement {
  bool noop = false;
  std::shared_ptr<const Definitions> defs;  // what it was judged under (null when noop)
};
Result<Judgement> judge_new_event(const QueueState& s, const Event& e, RepoView& repo, SignerView* signer);

// Applies an event that passed check_event.
void apply_event(QueueState& s, const Event& e, const std::string& commit);

// Folds one log entry into the state: legal events are applied, illegal ones become findings.
// Where the event's definitions set policy.require_signed, its signature is asked of `repo`.
void replay_entry(QueueState& s, const LogEntry& entry, RepoView& repo);

// Folds a whole log (oldest first).
QueueState replay(const std::vector<LogEntry>& log, RepoView& repo);

}  // namespace agentq
