#include "gitstore/queue.h"

#include <algorithm>
#include <span>

#include "core/ids.h"
#include "core/notes_view.h"
#include "gitstore/notes.h"
#include "gitstore/queue_impl.h"
#include "gitstore/retry.h"
#include "gitstore/snapshot_store.h"
#include "gitstore/system.h"

namespace agentq {

Queue::Queue() : impl_(std::make_unique<Impl>()) {}
Queue::Queue(Queue&&) noexcept = default;
Queue& Queue::operator=(Queue&&) noexcept = default;
Queue::~Queue() = default;

Result<Queue> Queue::open(Env& env) {
  auto repo = Repo::open(env);
  if (!repo) return fail(repo.error());
  Queue q;
  q.impl_->repo.emplace(std::move(*repo));
  return q;
}

Result<Queue> Queue::open_at(const std::string& path, Env& env) {
  auto repo = Repo::open_at(path, env);
  if (!repo) return fail(repo.error());
  Queue q;
  q.impl_->repo.emplace(std::move(*repo));
  return q;
}

Repo& Queue::repo() { return *impl_->repo; }
const Repo& Queue::repo() const { return *impl_->repo; }
std::optional<std::string> Queue::log_tip() const { return impl_->repo->ref(kLogRef); }
const QueueState& Queue::state() const { return impl_->state; }
const Definitions& Queue::defs() const { return *impl_->defs; }
std::shared_ptr<const Definitions> Queue::defs_ptr() const { return impl_->defs; }
const std::string& Queue::defs_commit() const { return impl_->defs_commit; }
const std::string& Queue::base_tip() const { return impl_->view->base_tip(); }
const std::vector<LogEntry>& Queue::entries() const { return impl_->entries; }
GitRepoView& Queue::view() { return *impl_->view; }
const std::string& Queue::remote() const { return impl_->remote; }
const std::string& Queue::policy_remote() const { return impl_->policy_remote; }
void Queue::set_offline(bool offline) { impl_->offline = offline; }
void Queue::set_cache_writes(bool write) {
  impl_->cache_writes = write;
  impl_->verifier.reset();
  if (impl_->view) impl_->view->set_verifier(impl_->verifier_for_reads());
}
const std::vector<std::string>& Queue::warnings() const { return impl_->load_warnings; }
Status Queue::catch_up() { return impl_->catch_up(); }
Result<SyncReport> Queue::sync(const std::string& actor) { return impl_->sync(actor); }

std::string pending_ref(const std::string& actor) { return std::string(kQueueNamespace) + "pending/" + actor; }

namespace {

void use_remote(Queue::Impl& impl, const std::string& base, const std::string& policy_remote) {
  impl.base = base;
  impl.policy_remote = policy_remote;
  impl.remote = remote_configured(*impl.repo, policy_remote) ? policy_remote : std::string();
}

}  // namespace

Status Queue::prepare_uninitialised(const std::string& base, const std::string& remote) {
  auto tip = find_base_tip(repo(), base, remote);
  if (!tip) return fail(tip.error());
  impl_->view = std::make_unique<GitRepoView>(repo(), *tip, impl_->verifier_for_reads());
  auto d = impl_->view->definitions_at(*tip);
  if (!d) return fail(d.error());
  impl_->defs = *d;
  impl_->defs_commit = *tip;
  impl_->state = QueueState{};
  impl_->state_tip.clear();
  impl_->root_base = base;
  impl_->root_remote = remote;
  impl_->base_sensitive = false;
  impl_->snapshot_ok = true;
  use_remote(*impl_, base, impl_->defs->policy.remote);
  return {};
}

namespace {

void add_warning(std::vector<std::string>& warnings, const std::string& w) {
  if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
}

}  // namespace

Status Queue::load(const LoadOptions& options) {
  auto tip = options.log_tip.empty() ? repo().ref(options.log_ref) : std::optional<std::string>(options.log_tip);
  if (!tip)
    return fail(Error(Code::NO_QUEUE, "no queue here: " + options.log_ref + " does not exist", {},
                      "run 'git agentq init' (or 'git agentq sync' in a clone of a repository that has one)"));
  Impl& m = *impl_;
  m.keep_log = options.keep_log;
  m.snapshot_slot = options.log_ref;
  m.snapshot_ok = true;
  m.base_sensitive = false;
  m.saved_tip.clear();
  m.saved_base.clear();

  // The snapshot, when there is one this build wrote, saves replaying what it already holds:
  // only the events after its tip are read (all of them when the caller keeps the log) and
  // replayed onto it.
  SnapshotRead read = read_snapshot(repo(), m.snapshot_slot, m.cache_writes);
  for (const std::string& w : read.warnings) add_warning(m.load_warnings, w);
  std::optional<Snapshot> snap = std::move(read.snapshot);
  if (snap) {
    m.saved_tip = snap->info.log_tip;
    m.saved_base = snap->info.base_tip;
  }
  std::vector<LogEntry> all;  // the whole log, once read
  bool have_all = false;
  std::vector<LogEntry> tail;  // the entries after the snapshot's tip (when it is used and the log is not kept)
  size_t skip = 0;             // with the whole log read: how many entries the snapshot holds
  auto read_all = [&]() -> Status {
    if (have_all) return {};
    auto slice = read_log(repo(), *tip);
    if (!slice) return fail(slice.error());
    all = std::move(slice->entries);
    have_all = true;
    return {};
  };
  if (snap) {
    bool contained = false;
    if (options.keep_log) {
      AGENTQ_TRY(read_all());
      for (size_t i = 0; i < all.size() && !contained; ++i)
        if (all[i].commit == snap->info.log_tip) contained = true, skip = i + 1;
    } else {
      auto slice = read_log(repo(), *tip, snap->info.log_tip);
      if (!slice) return fail(slice.error());
      contained = slice->reached_stop;
      if (contained) {
        tail = std::move(slice->entries);
      } else {
        all = std::move(slice->entries);
        have_all = true;
      }
    }
    if (!contained) {
      // An append-only log always contains an earlier tip: this one was rewritten (or the
      // snapshot belongs to a history this repository no longer has). Never trusted.
      add_warning(m.load_warnings, "the queue snapshot at " + short_id(snap->info.log_tip) + " is not contained in " +
                                       options.log_ref + " (" + short_id(*tip) +
                                       "): the log was rewritten; replayed it from its first event");
      snap.reset();
      skip = 0;
    }
  }
  if (!snap) {
    AGENTQ_TRY(read_all());
    const LogEntry& root = all.front();
    if (!root.event || root.event->type != EventType::init)
      return fail(Error(Code::EVENT_INVALID, "the queue log does not start with an init event",
                        Location::in_commit(root.commit, kLogRef)));
    m.root_base = root.event->base;
    m.root_remote = root.event->remote;
  } else {
    m.root_base = snap->info.root_base;
    m.root_remote = snap->info.root_remote;
  }
  Result<std::string> base_tip =
      !options.base_tip.empty()     ? Result<std::string>(options.base_tip)
      : options.base_remote.empty() ? find_base_tip(repo(), m.root_base, m.root_remote)
                                    : repo().resolve_commit("refs/remotes/" + options.base_remote + "/" + m.root_base);
  if (!base_tip)
    return fail(Error(Code::GIT_ERROR, "the base branch is missing: " + base_tip.error().message));
  m.view = std::make_unique<GitRepoView>(repo(), *base_tip, m.verifier_for_reads());

  const std::string defs_rev = options.defs_rev.empty() ? *base_tip : options.defs_rev;
  auto defs_commit = repo().resolve_commit(defs_rev);
  if (!defs_commit) return fail(defs_commit.error());
  auto d = m.view->definitions_at(*defs_commit);
  if (!d) return fail(d.error());
  m.defs = *d;
  m.defs_commit = *defs_commit;

  // A base that moved on keeps every verdict the snapshot holds when the old tip is on the new
  // one's first-parent history and no verdict looked further than that walk: the definitions
  // commits events named stay where they were, in the same order.
  if (snap && snap->info.base_tip != *base_tip &&
      (snap->info.base_sensitive || !m.view->on_first_parent(snap->info.base_tip))) {
    snap.reset();
    skip = 0;
    tail.clear();
    AGENTQ_TRY(read_all());
  }
  if (snap) {
    m.state = std::move(snap->state);
    m.state_tip = snap->info.log_tip;
    m.base_sensitive = snap->info.base_sensitive;
  } else {
    m.state = QueueState{};
    m.state_tip.clear();
  }
  if (have_all) m.replay_tail(std::span<const LogEntry>(all).subspan(skip), *tip);
  else m.replay_tail(tail, *tip);
  if (options.keep_log) m.entries = std::move(all);
  else m.entries.clear();
  use_remote(m, m.root_base, m.defs->policy.remote);
  return {};
}

void Queue::Impl::replay_tail(std::span<const LogEntry> tail, const std::string& tip) {
  for (const LogEntry& entry : tail) replay_entry(state, entry, *view);
  flush_verifier();
  base_sensitive |= view->base_sensitive();
  state_tip = tip;
  save_snapshot();
}

void Queue::Impl::save_snapshot() {
  if (!cache_writes || !snapshot_ok || state_tip.empty() || !view || view->uncertain()) return;
  if (saved_tip == state_tip && saved_base == view->base_tip()) return;
  // The file follows its ref's own history (not the remote tips a write or sync replays on the
  // way), so a snapshot the ref no longer contains means the ref was rewritten.
  if (repo->ref(snapshot_slot) != state_tip) return;
  SnapshotInfo info;
  info.key = snapshot_key();
  info.log_tip = state_tip;
  info.base_tip = view->base_tip();
  info.root_base = root_base;
  info.root_remote = root_remote;
  info.base_sensitive = base_sensitive || view->base_sensitive();
  if (auto st = write_snapshot(*repo, snapshot_slot, info, state); !st) {
    add_warning(load_warnings, "the queue snapshot was not updated: " + st.error().message);
    return;
  }
  saved_tip = state_tip;
  saved_base = info.base_tip;
}

Status Queue::refresh_base() {
  auto tip = find_base_tip(repo(), impl_->state.base, impl_->state.remote);
  if (!tip) return fail(tip.error());
  return impl_->repin_base(*tip);
}

Status Queue::Impl::advance_to(const std::optional<std::string>& tip) {
  if (!tip) {
    state = QueueState{};
    entries.clear();
    state_tip.clear();
    return {};
  }
  if (*tip == state_tip) return {};
  auto slice = read_log(*repo, *tip, state_tip);
  if (!slice) return fail(slice.error());
  if (state_tip.empty() || !slice->reached_stop) {
    // No state yet, or the log was rewritten under us: replay it whole.
    if (!state_tip.empty()) {
      auto whole = read_log(*repo, *tip);
      if (!whole) return fail(whole.error());
      slice = std::move(whole);
    }
    state = QueueState{};
    entries.clear();
    state_tip.clear();
    base_sensitive = false;
    const LogEntry& root = slice->entries.front();
    snapshot_ok = root.event && root.event->type == EventType::init;
    if (snapshot_ok) {
      root_base = root.event->base;
      root_remote = root.event->remote;
    }
  }
  replay_tail(slice->entries, *tip);
  if (keep_log) entries.insert(entries.end(), slice->entries.begin(), slice->entries.end());
  return {};
}

Status Queue::Impl::repin_base(const std::string& tip) {
  if (view && view->base_tip() == tip) return {};
  auto fresh = std::make_unique<GitRepoView>(*repo, tip, verifier_for_reads());
  if (view && !state_tip.empty()) {
    // What the state holds was judged against the old tip: a snapshot may name the new one only
    // where that changes no verdict (see load).
    base_sensitive |= view->base_sensitive();
    if (view->uncertain() || base_sensitive || !fresh->on_first_parent(view->base_tip())) snapshot_ok = false;
  }
  auto d = fresh->definitions_at(tip);
  if (!d) return fail(d.error());
  view = std::move(fresh);
  defs = *d;
  defs_commit = tip;
  return {};
}

QueueVerifier* Queue::Impl::verifier_for_reads() {
  if (!verifier) {
    VerifyOptions o;
    o.write_cache = cache_writes;
    verifier = std::make_unique<QueueVerifier>(*repo, o);
  }
  return verifier.get();
}

Signing* Queue::Impl::signing_for_writes() {
  if (!signing) signing = std::make_unique<Signing>(*repo);
  return signing.get();
}

void Queue::Impl::flush_verifier() {
  if (!verifier) return;
  for (const std::string& w : verifier->warnings()) add_warning(load_warnings, w);
  if (auto st = verifier->flush(); !st) add_warning(load_warnings, "the signature cache was not updated: " + st.error().message);
}

Result<Admitted> admit(Queue::Impl& q, const QueueState& s, const Event& e, bool sign) {
  Signing* signing = sign ? q.signing_for_writes() : nullptr;
  auto j = judge_new_event(s, e, *q.view, signing);
  if (!j) return fail(j.error());
  Admitted a;
  a.noop = j->noop;
  if (a.noop) a.existing = s.id_commits.at(e.id);
  if (signing && !j->noop) {
    auto signer = signing->signer(*j->defs);
    if (!signer) return fail(signer.error());
    a.signer = *signer;
  }
  return a;
}

Written written_so_far(const Admitted& a, const Event& e) {
  Written w;
  w.event = e;
  w.noop = a.noop;
  if (a.noop) w.commit = a.existing;
  return w;
}

Result<Admitted> admit_new(Queue::Impl& q, const QueueState& s, Event& e, const Queue::Prepare& prepare) {
  e.at = q.repo->env().now_rfc3339();
  e.defs = q.view->base_tip();
  if (prepare) AGENTQ_TRY(prepare(e, s, *q.defs));
  return admit(q, s, e, true);
}

Result<Written> Queue::write(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare,
                             const WriteOptions& options) {
  if (!impl_->view) return fail(Error::git("queue not loaded"));
  if (e.id.empty()) e.id = new_uuid();
  if (!impl_->remote.empty() && impl_->offline) {
    if (!options.advance_base.empty() || !options.also_move.empty())
      return fail(Error::usage("moving " + impl_->base + " on " + impl_->remote + " cannot be done offline"));
    return impl_->write_pending(std::move(e), attachments, prepare);
  }
  if (!impl_->remote.empty()) return impl_->write_published(std::move(e), attachments, prepare, options);
  auto w = impl_->write_local(std::move(e), attachments, prepare);
  if (w && !impl_->policy_remote.empty() && w->event.type != EventType::init)
    w->warnings.push_back("policy.remote is '" + impl_->policy_remote +
                          "' but this repository has no such remote: the event stays in this repository (git remote "
                          "add " + impl_->policy_remote + " URL, then 'git agentq sync')");
  return w;
}

Result<Written> Queue::Impl::write_local(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare) {
  auto attempt = [&](int) -> Result<std::optional<Written>> {
    auto tip = repo->ref(kLogRef);
    if (!tip && e.type != EventType::init)
      return fail(Error(Code::NO_QUEUE, std::string(kLogRef) + " disappeared", {}, "run 'git agentq init'"));
    if (tip) AGENTQ_TRY(advance_to(*tip));
    // Gather what the judgement needs, judge once, then sign and write.
    auto admitted = admit_new(*this, state, e, prepare);
    if (!admitted) return fail(admitted.error());
    Written w = written_so_far(*admitted, e);
    if (w.noop) return std::optional<Written>(std::move(w));
    auto commit = create_event_commit(*repo, e, tip, attachments, admitted->signer);
    if (!commit) return fail(commit.error());
    auto cas = compare_and_swap(*repo, kLogRef, *commit, tip, "agentq: " + subject_line(e));
    if (!cas) return fail(cas.error());
    if (*cas == CasOutcome::lost) return std::optional<Written>();  // another writer moved the log
    AGENTQ_TRY(advance_to(*commit));
    w.commit = *commit;
    if (!named_commits(e).empty()) {
      // Catch the notes up to the log as it is now, which may already hold later events.
      auto notes = update_notes(*repo, repo->ref(kLogRef).value_or(*commit));
      if (!notes) w.notes_warning = notes.error().message;
    }
    return std::optional<Written>(std::move(w));
  };
  const RetryPolicy p = retry_policy(repo->env());
  return with_retries<Written>(p, attempt,
                               Error(Code::NON_FAST_FORWARD,
                                     std::string(kLogRef) + " kept moving under " + std::to_string(p.attempts) +
                                         " attempts to write",
                                     {}, "try again"));
}

}  // namespace agentq
