// Replication (doc/commands.md, "Replication: writes with a remote"): the remote is the single
// linearization point. Every published write and every sync follows the same steps:
//
//   fetch -> fast-forward the local log when it is behind -> build the new events on the
//   remote's tip (re-checking each against the remote's state) -> derive the notes from the
//   remote's notes -> one atomic push of log and notes, each leased on the value it was built
//   on -> only then move the local refs.
//
// Crash safety follows from that order. Until the push lands nothing but unreachable objects
// and tracking refs exist; once it landed, the remote holds the events, and every later step
// (rejected files, local log, local notes, pending chain) is repeated by the next sync, which
// recognises already-published events by their id (same id, same content = the same event).

#include <algorithm>

#include "core/ids.h"
#include "core/notes_view.h"
#include "gitstore/notes.h"
#include "gitstore/pending.h"
#include "gitstore/queue_impl.h"
#include "gitstore/rejected.h"
#include "gitstore/retry.h"
#include "gitstore/seen_tips.h"
#include "gitstore/signing.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

// Where the local log stands against the remote's.
struct Divergence {
  std::optional<std::string> start;  // the commit new events go on (nullopt: no log anywhere yet)
  std::vector<LogEntry> replay;      // local-only events to re-create on `start` (the logs diverged)
  size_t ahead = 0;                  // local-only events already built on the remote's tip (kept as they are)
};

Result<Divergence> divergence(const Repo& repo, const std::optional<std::string>& local,
                              const std::optional<std::string>& remote) {
  Divergence d;
  d.start = remote;
  if (!local || (remote && (*local == *remote || repo.is_ancestor(*local, *remote)))) return d;
  if (!remote || repo.is_ancestor(*remote, *local)) {
    auto slice = read_log(repo, *local, remote.value_or(""));
    if (!slice) return fail(slice.error());
    d.start = local;
    d.ahead = slice->entries.size();
    return d;
  }
  // Diverged. Two unrelated logs (two init events) have no merge base: all of ours is local-only.
  auto base = repo.merge_base(*local, *remote);
  auto slice = read_log(repo, *local, base ? *base : std::string());
  if (!slice) return fail(slice.error());
  d.replay = std::move(slice->entries);
  return d;
}

// A claim the remote already gave away lost a race; other refusals keep their own code.
Error replay_refusal(const Event& e, const Error& why) {
  if (e.type != EventType::claim || why.exit_code() != 3 || why.code == Code::DUPLICATE_EVENT_ID) return why;
  Error lost = why;
  lost.code = Code::LOST_RACE;
  lost.message = "the claim of " + e.task + " lost a race on the remote: " + why.message;
  lost.fix = "claim again ('git agentq ready' lists what is free)";
  return lost;
}

// A write whose push lost a race and that the newer state refuses: it lost that race.
Error lost_race(const Error& why) {
  if (why.exit_code() != 3 || why.code == Code::LOST_RACE || why.code == Code::DUPLICATE_EVENT_ID) return why;
  Error lost = why;
  lost.code = Code::LOST_RACE;
  lost.message = "lost the race: another clone wrote first, and now " + why.message + " (" +
                 std::string(code_name(why.code)) + ")";
  return lost;
}

// Why a write was refused, told the way that helps: a lost race as such, and an owner event
// fenced while this actor still has offline events (its claim may be among them) with the way out.
Error refusal_of_write(const Queue::Impl& q, const Event& e, const Error& why, bool lost) {
  Error out = lost ? lost_race(why) : why;
  if (why.code == Code::CLAIM_FENCED && !e.actor.empty() && q.repo->ref(pending_ref(e.actor)))
    out.fix = e.actor + " has offline events that are not published yet: run 'git agentq sync' first";
  return out;
}

struct Outgoing {
  LogEntry entry;
  std::string source;  // the ref it is on
};

// The new event of a write command.
struct Fresh {
  Event event;
  const std::vector<Attachment>* attachments;
  const Queue::Prepare* prepare;
};

struct Built {
  std::optional<std::string> tip;  // the log tip to publish
  std::vector<Event> published;
  std::vector<Event> dropped;
  std::vector<RejectedEvent> rejected;
  std::optional<Written> fresh;
  std::vector<LogEntry> handover;  // other actors' events this build cannot re-sign
};

// Moves the local log to `target` once the remote has it. `seen` is what the local log was
// when the target was built: only then may a target that does not contain it replace it (its
// events were replayed into the target; the old tip stays in the reflog).
Status settle_local_log(Repo& repo, const std::optional<std::string>& seen, const std::string& target,
                        const std::string& message, std::vector<std::string>* warnings) {
  auto attempt = [&](int) -> Result<std::optional<bool>> {
    const auto current = repo.ref(kLogRef);
    if (current && (*current == target || repo.is_ancestor(target, *current))) return std::optional<bool>(true);
    if (current != seen && current && !repo.is_ancestor(*current, target)) {
      warnings->push_back(std::string(kLogRef) + " gained local events during the sync; 'git agentq sync' publishes them");
      return std::optional<bool>(true);
    }
    auto cas = compare_and_swap(repo, kLogRef, target, current, message);
    if (!cas) return fail(cas.error());
    return *cas == CasOutcome::moved ? std::optional<bool>(true) : std::nullopt;
  };
  auto done = with_retries<bool>(retry_policy(repo.env()), attempt,
                                 Error(Code::NON_FAST_FORWARD, std::string(kLogRef) + " kept moving while it was being updated",
                                       {}, "run 'git agentq sync'"));
  if (!done) return fail(done.error());
  return {};
}

// Points the local notes at the remote's (derived data: every clone computes the same commits),
// unless they already contain them.
Status adopt_notes(Repo& repo, const std::optional<std::string>& notes) {
  if (!notes) return {};
  auto attempt = [&](int) -> Result<std::optional<bool>> {
    const auto current = repo.ref(kNotesRef);
    if (current && (*current == *notes || repo.is_ancestor(*notes, *current))) return std::optional<bool>(true);
    auto cas = compare_and_swap(repo, kNotesRef, *notes, current, "agentq: notes of the published log");
    if (!cas) return fail(cas.error());
    return *cas == CasOutcome::moved ? std::optional<bool>(true) : std::nullopt;
  };
  auto done = with_retries<bool>(retry_policy(repo.env()), attempt,
                                 Error(Code::NON_FAST_FORWARD, std::string(kNotesRef) + " kept moving", {}, "run 'git agentq sync'"));
  if (!done) return fail(done.error());
  return {};
}

bool identity_failure(Code c) {
  return c == Code::SIGNER_MISMATCH || c == Code::UNSIGNED_EVENT || c == Code::SIGNING_FAILED;
}

// Builds the events to publish on `d.start`: the local-only ones re-checked in order, then the
// fresh one. Commits are written, no ref moves. Re-created events are re-signed when their
// definitions require it, which only their own actor can do: `actor` is the one signing here;
// other actors' events go to Built::handover instead (see hand_over_pending).
Result<Built> build(Queue::Impl& q, const Divergence& d, const std::vector<Outgoing>& local, Fresh* fresh,
                    const std::string& actor) {
  AGENTQ_TRY(q.advance_to(d.start));
  // Replaying local events changes the state they are judged by; the queue's own state must
  // stay the remote's, for the next attempt.
  QueueState trial;
  if (!local.empty()) trial = q.state;
  QueueState& s = local.empty() ? q.state : trial;
  Built b;
  b.tip = d.start;
  for (const Outgoing& o : local) {
    RejectedEvent r;
    r.commit = o.entry.commit;
    r.source = o.source;
    if (!o.entry.event) {
      r.why = o.entry.error;
      b.rejected.push_back(std::move(r));
      continue;
    }
    Event e = as_published_now(*o.entry.event, *q.view);
    const bool own = !actor.empty() && e.actor == actor;
    if (!own) {
      auto seen = already_recorded(s, e);
      if (seen && *seen) {
        b.dropped.push_back(e);
        continue;
      }
      auto defs = definitions_for(s, e, *q.view);
      if (seen && defs && (*defs)->policy.require_signed) {
        b.handover.push_back(o.entry);
        continue;
      }
    }
    auto admitted = admit(q, s, e, own);
    if (!admitted) {
      // This clone cannot sign as the actor: nothing is published, nothing is lost.
      if (own && identity_failure(admitted.error().code)) return fail(admitted.error());
      r.event = *o.entry.event;
      r.why = replay_refusal(e, admitted.error());
      b.rejected.push_back(std::move(r));
      continue;
    }
    if (admitted->noop) {
      b.dropped.push_back(e);
      continue;
    }
    auto tree = event_tree(*q.repo, o.entry.commit);
    if (!tree) return fail(tree.error());
    auto commit = create_event_commit_with_tree(*q.repo, e, b.tip, *tree, admitted->signer);
    if (!commit) return fail(commit.error());
    apply_event(s, e, *commit);
    b.tip = *commit;
    b.published.push_back(e);
  }
  if (fresh) {
    Event& e = fresh->event;
    auto admitted = admit_new(q, s, e, *fresh->prepare);
    if (!admitted) return fail(admitted.error());
    Written w = written_so_far(*admitted, e);
    if (!w.noop) {
      auto commit = create_event_commit(*q.repo, e, b.tip, *fresh->attachments, admitted->signer);
      if (!commit) return fail(commit.error());
      w.commit = *commit;
      b.tip = *commit;
    }
    b.fresh = std::move(w);
  }
  return b;
}

// Moves the events build() could not re-sign to their owners' pending chains, before the push:
// repeating it is harmless (ids already there are skipped), so a crash loses nothing.
Status hand_over(Queue::Impl& q, const Built& b, std::vector<std::string>* warnings) {
  if (b.handover.empty()) return {};
  auto actors = hand_over_pending(*q.repo, b.handover);
  if (!actors) return fail(actors.error());
  for (const std::string& a : *actors)
    warnings->push_back("events by " + a + " need " + a + "'s signature: kept in " + pending_ref(a) + " until " + a +
                        " runs 'git agentq sync'");
  return {};
}

// Local-only events that already sit on the remote's tip are published as they are, unless
// the remote's view of the base branch refuses one of them (e.g. it names a definitions commit
// that was never pushed): then they are replayed like diverged ones.
Status check_ahead(Queue::Impl& q, Divergence& d, const std::optional<std::string>& remote_tip) {
  if (!d.ahead) return {};
  auto slice = read_log(*q.repo, *d.start, remote_tip.value_or(""));
  if (!slice) return fail(slice.error());
  // A definitions commit the remote's base does not contain is judged here by its YAML blob
  // (it is in this object database), but the remote never receives that commit and would find
  // the event invalid: such events are re-created under the remote's base instead.
  const auto& their_base = q.remote_refs.base;
  bool foreign_defs = false;
  for (const LogEntry& entry : slice->entries)
    if (their_base && entry.event && !entry.event->defs.empty() && entry.event->defs != *their_base &&
        !q.repo->is_ancestor(entry.event->defs, *their_base))
      foreign_defs = true;
  if (!foreign_defs) {
    AGENTQ_TRY(q.advance_to(remote_tip));
    const size_t before = q.state.illegal.size();
    AGENTQ_TRY(q.advance_to(d.start));
    if (q.state.illegal.size() == before) return {};
  }
  d.replay = std::move(slice->entries);
  d.start = remote_tip;
  d.ahead = 0;
  return {};
}

Result<Divergence> plan(Queue::Impl& q, const std::optional<std::string>& local) {
  auto d = divergence(*q.repo, local, q.remote_refs.log);
  if (!d) return d;
  AGENTQ_TRY(check_ahead(q, *d, q.remote_refs.log));
  return d;
}

std::vector<Outgoing> outgoing(const std::vector<LogEntry>& entries, const std::string& source) {
  std::vector<Outgoing> out;
  for (const LogEntry& e : entries) out.push_back({e, source});
  return out;
}

// The notes for `tip`, derived from the remote's notes (nullopt: none). A notes failure never
// blocks publishing the log: it is reported and the notes stay as they are.
std::optional<std::string> notes_for(Queue::Impl& q, const std::optional<std::string>& tip,
                                     std::vector<std::string>* warnings) {
  const auto& theirs = q.remote_refs.notes;
  if (!tip) return theirs;
  auto built = build_notes(*q.repo, *tip, theirs);
  if (!built) {
    warnings->push_back("the notes view was not updated: " + built.error().message);
    return theirs;
  }
  if (built->tip.empty()) return theirs;
  return built->tip;
}

// Events on `tip` that `before` lacks (for the report).
uint64_t count_new(const Repo& repo, const std::optional<std::string>& before, const std::optional<std::string>& tip) {
  if (!tip || tip == before) return 0;
  std::string stop;
  if (before) {
    auto base = repo.merge_base(*before, *tip);
    if (base) stop = *base;
  }
  auto slice = read_log(repo, *tip, stop);
  return slice ? slice->entries.size() : 0;
}

std::vector<RefUpdate> updates_for(const Queue::Impl& q, const Built& b, const std::optional<std::string>& notes) {
  std::vector<RefUpdate> updates;
  if (b.tip && b.tip != q.remote_refs.log) updates.push_back({kLogRef, *b.tip, q.remote_refs.log});
  if (notes && notes != q.remote_refs.notes) updates.push_back({kNotesRef, *notes, q.remote_refs.notes});
  return updates;
}

// After the push landed (or there was nothing to push): keep the rejected events, then move
// the local log and notes. Each step is repeated by the next sync if this one dies.
Status land(Queue::Impl& q, Built& b, const std::optional<std::string>& local_seen, const std::optional<std::string>& notes,
            const std::string& message, std::vector<std::string>* warnings) {
  for (RejectedEvent& r : b.rejected) {
    auto file = keep_rejected(*q.repo, r, q.remote, q.remote_refs.log.value_or(""));
    if (!file) return fail(file.error());
    r.file = *file;
  }
  q.remote_refs.log = b.tip;
  q.remote_refs.notes = notes;
  // The remote has the events now: whatever fails below is only a local copy lagging behind,
  // which the next fetch repairs. Failing the command here would make its caller retry an
  // event that landed.
  auto lagging = [&](const Status& st) {
    if (!st) warnings->push_back("published, but this repository's copy lags behind until the next sync: " + st.error().message);
  };
  if (b.tip) lagging(settle_local_log(*q.repo, local_seen, *b.tip, message, warnings));
  lagging(adopt_notes(*q.repo, notes));
  lagging(q.advance_to(q.repo->ref(kLogRef)));
  // This clone has now seen these tips legitimately (a diverged local log was replayed onto the
  // remote's: that rewrite is sync's own), so later rewrites are measured from them.
  if (q.cache_writes) {
    if (b.tip) lagging(write_seen_tip(*q.repo, "remote-" + q.remote, *b.tip));
    if (auto local = q.repo->ref(kLogRef)) lagging(write_seen_tip(*q.repo, "log", *local));
  }
  return {};
}

}  // namespace

Status Queue::Impl::catch_up() {
  if (remote.empty() || offline) return {};
  auto refs = fetch_queue(*repo, remote, base);
  if (!refs) return fail(refs.error());
  remote_refs = *refs;
  fetched = true;
  if (refs->base) AGENTQ_TRY(repin_base(*refs->base));
  auto local = repo->ref(kLogRef);
  if (refs->log && local && *local != *refs->log && repo->is_ancestor(*local, *refs->log)) {
    // Only a copy of what the remote has: when it cannot move now (a lock), writes still build
    // on the remote's tip and the next fetch moves it.
    std::vector<std::string> lagging;
    if (auto st = settle_local_log(*repo, local, *refs->log, "agentq: fast-forward to " + remote, &lagging); !st)
      lagging.push_back("the local " + std::string(kLogRef) + " stays behind " + remote + " for now: " + st.error().message);
    for (std::string& w : lagging) load_warnings.push_back(std::move(w));
    local = repo->ref(kLogRef);
  }
  if (local && local == refs->log)
    if (auto st = adopt_notes(*repo, refs->notes); !st)
      load_warnings.push_back("the local " + std::string(kNotesRef) + " stays behind " + remote + " for now: " +
                              st.error().message);
  if (local && !state_tip.empty()) AGENTQ_TRY(advance_to(local));
  return {};
}

namespace {

// WriteOptions::advance_base: the base the event is judged under, and the push that moves it.
Result<std::optional<RefUpdate>> base_move(Queue::Impl& q, const std::string& target) {
  if (target.empty()) return std::optional<RefUpdate>();
  const auto& theirs = q.remote_refs.base;
  if (theirs && !q.repo->is_ancestor(*theirs, target))
    return fail(Error(Code::NON_FAST_FORWARD,
                      q.remote + "/" + q.base + " is at " + short_id(*theirs) + ", which " + short_id(target) +
                          " does not contain",
                      {}, "fetch, and check and merge again"));
  AGENTQ_TRY(q.repin_base(target));
  if (theirs == target) return std::optional<RefUpdate>();
  return std::optional<RefUpdate>(RefUpdate{"refs/heads/" + q.base, target, theirs});
}

}  // namespace

Result<Written> Queue::Impl::write_published(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare,
                                             const WriteOptions& options) {
  bool lost = false;
  auto attempt = [&](int) -> Result<std::optional<Written>> {
    if (!fetched) AGENTQ_TRY(catch_up());
    fetched = false;  // whatever happens now, the next attempt needs a fresh look
    auto move_base = base_move(*this, options.advance_base);
    if (!move_base) return fail(move_base.error());
    const auto local = repo->ref(kLogRef);
    auto d = plan(*this, local);
    if (!d) return fail(d.error());
    Fresh fresh{e, &attachments, &prepare};
    auto b = build(*this, *d, outgoing(d->replay, kLogRef), &fresh, e.actor);
    if (!b) return fail(refusal_of_write(*this, e, b.error(), lost));
    Written w = *b->fresh;
    AGENTQ_TRY(hand_over(*this, *b, &w.warnings));
    const auto notes = notes_for(*this, b->tip, &w.warnings);
    auto updates = updates_for(*this, *b, notes);
    if (*move_base) updates.push_back(**move_base);
    for (const BranchMove& m : options.also_move)
      if (m.expected != m.target) updates.push_back(RefUpdate{"refs/heads/" + m.branch, m.target, m.expected});
    if (!updates.empty()) {
      auto pushed = push_queue(*repo, remote, updates);
      if (!pushed) return fail(pushed.error());
      if (*pushed == PushOutcome::stale) {
        lost = true;
        return std::optional<Written>();
      }
    }
    if (*move_base) remote_refs.base = (*move_base)->target;
    AGENTQ_TRY(land(*this, *b, local, notes, "agentq: " + subject_line(w.event), &w.warnings));
    for (const RejectedEvent& r : b->rejected)
      w.warnings.push_back("an older local event could not be published (" + std::string(code_name(r.why.code)) +
                           ": " + r.why.message + "); it is kept in " + r.file);
    w.remote = remote;
    return std::optional<Written>(std::move(w));
  };
  const RetryPolicy p = retry_policy(repo->env());
  return with_retries<Written>(p, attempt,
                               Error(Code::NON_FAST_FORWARD,
                                     remote + " kept moving: every one of " + std::to_string(p.attempts) +
                                         " attempts to push lost to another writer",
                                     {}, "try again (nothing was published)"));
}

Result<SyncReport> Queue::Impl::sync(const std::string& actor) {
  if (policy_remote.empty())
    return fail(Error(Code::NO_REMOTE, "this queue is local-only: policy.remote is not set", {},
                      "name the remote in policy.remote of " + std::string(kDefsPath) + " on " + base));
  if (remote.empty())
    return fail(Error(Code::NO_REMOTE, "policy.remote is '" + policy_remote + "' but this repository has no such remote",
                      {}, "git remote add " + policy_remote + " URL"));
  const std::string own_pending = actor.empty() ? std::string() : pending_ref(actor);
  offline = false;  // sync is how offline events get out
  SyncReport report;
  report.remote = remote;
  const auto before = repo->ref(kLogRef);
  auto attempt = [&](int n) -> Result<std::optional<SyncReport>> {
    AGENTQ_TRY(catch_up());
    fetched = false;
    // A remote log that lost a tip this clone saw was rewritten (force-pushed): replaying our
    // events onto it would quietly accept the rewrite. Refuse before anything moves.
    AGENTQ_TRY(check_seen_tip(*repo, "remote-" + remote, remote_refs.log, remote + "'s " + std::string(kLogRef)));
    auto local = repo->ref(kLogRef);
    if (!local && !remote_refs.log)
      return fail(Error(Code::NO_QUEUE, "neither this repository nor " + remote + " has a queue", {},
                        "run 'git agentq init' (it publishes the queue to " + remote + ")"));
    if (n == 0) {
      // A clone that never ran init gets what init would have configured.
      AGENTQ_TRY(configure_queue_refspecs(*repo, remote));
      AGENTQ_TRY(repo->config_add_unique("notes.displayRef", kNotesRef));
      AGENTQ_TRY(ensure_reflog(*repo, kLogRef));
    }
    if (!local) {
      auto cas = compare_and_swap(*repo, kLogRef, *remote_refs.log, std::nullopt, "agentq: join the queue of " + remote);
      if (!cas) return fail(cas.error());
      if (*cas == CasOutcome::lost) return std::optional<SyncReport>();
      AGENTQ_TRY(adopt_notes(*repo, remote_refs.notes));
      AGENTQ_TRY(advance_to(remote_refs.log));
      report.joined = true;
      local = remote_refs.log;
    }

    const auto pending_seen = own_pending.empty() ? std::nullopt : repo->ref(own_pending);
    auto pending = own_pending.empty() ? Result<std::vector<LogEntry>>{} : read_pending(*repo, own_pending);
    if (!pending) return fail(pending.error());
    auto d = plan(*this, local);
    if (!d) return fail(d.error());
    std::vector<Outgoing> events = outgoing(d->replay, kLogRef);
    for (auto& o : outgoing(*pending, own_pending)) events.push_back(std::move(o));
    auto b = build(*this, *d, events, nullptr, actor);
    if (!b) return fail(b.error());
    std::vector<std::string> warnings;
    AGENTQ_TRY(hand_over(*this, *b, &warnings));
    const auto notes = notes_for(*this, b->tip, &warnings);
    const auto updates = updates_for(*this, *b, notes);
    const bool created = !remote_refs.log && b->tip;
    const auto built_on = remote_refs.log;
    if (!updates.empty()) {
      auto pushed = push_queue(*repo, remote, updates);
      if (!pushed) return fail(pushed.error());
      if (*pushed == PushOutcome::stale) return std::optional<SyncReport>();
    }
    AGENTQ_TRY(land(*this, *b, local, notes, "agentq: sync with " + remote, &warnings));
    // Left untrimmed, the next sync finds these events on the remote and drops them.
    if (pending_seen)
      if (auto st = trim_pending(*repo, own_pending, *pending_seen); !st)
        warnings.push_back(own_pending + " still lists published events: " + st.error().message);

    report.fetched = count_new(*repo, before, built_on);
    report.created = created;
    report.published = std::move(b->published);
    report.dropped = std::move(b->dropped);
    report.rejected = std::move(b->rejected);
    report.warnings = std::move(warnings);
    report.log_tip = repo->ref(kLogRef).value_or("");
    report.notes_tip = repo->ref(kNotesRef).value_or("");
    for (auto& [who, count] : pending_chains(*repo))
      if (who != actor && count) report.pending_elsewhere.emplace_back(who, count);
    if (defs) {
      auto signers = write_allowed_signers(*repo, *defs);
      if (!signers) report.warnings.push_back("the allowed-signers file was not written: " + signers.error().message);
    }
    return std::optional<SyncReport>(std::move(report));
  };
  const RetryPolicy p = retry_policy(repo->env());
  return with_retries<SyncReport>(
      p, attempt,
      Error(Code::NON_FAST_FORWARD,
            remote + " kept moving: every one of " + std::to_string(p.attempts) + " attempts to push lost to another writer",
            {}, "run 'git agentq sync' again (nothing was lost: local events stay local until they land)"));
}

}  // namespace agentq
