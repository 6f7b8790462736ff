#include "gitstore/queue.h"

#include <algorithm>

#include "core/notes_view.h"
#include "gitstore/notes.h"
#include "gitstore/queue_impl.h"
#include "gitstore/retry.h"
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
  use_remote(*impl_, base, impl_->defs->policy.remote);
  return {};
}

Status Queue::load(const LoadOptions& options) {
  auto tip = options.log_tip.empty() ? repo().ref(options.log_ref) : std::optional<std::string>(options.log_tip);
  if (!tip)
    return fail(Error(Code::NO_QUEUE, "no queue here: " + options.log_ref + " does not exist", {},
                      "run 'git agentq init' (or 'git agentq sync' in a clone of a repository that has one)"));
  impl_->keep_log = options.keep_log;
  auto slice = read_log(repo(), *tip);
  if (!slice) return fail(slice.error());
  const LogEntry& root = slice->entries.front();
  if (!root.event || root.event->type != EventType::init)
    return fail(Error(Code::EVENT_INVALID, "the queue log does not start with an init event",
                      Location::in_commit(root.commit, kLogRef)));
  const Event& init = *root.event;
  Result<std::string> base_tip =
      !options.base_tip.empty()     ? Result<std::string>(options.base_tip)
      : options.base_remote.empty() ? find_base_tip(repo(), init.base, init.remote)
                                    : repo().resolve_commit("refs/remotes/" + options.base_remote + "/" + init.base);
  if (!base_tip)
    return fail(Error(Code::GIT_ERROR, "the base branch is missing: " + base_tip.error().message));
  impl_->view = std::make_unique<GitRepoView>(repo(), *base_tip, impl_->verifier_for_reads());

  const std::string defs_rev = options.defs_rev.empty() ? *base_tip : options.defs_rev;
  auto defs_commit = repo().resolve_commit(defs_rev);
  if (!defs_commit) return fail(defs_commit.error());
  auto d = impl_->view->definitions_at(*defs_commit);
  if (!d) return fail(d.error());
  impl_->defs = *d;
  impl_->defs_commit = *defs_commit;

  impl_->state = QueueState{};
  for (const LogEntry& entry : slice->entries) replay_entry(impl_->state, entry, *impl_->view);
  impl_->flush_verifier();
  impl_->state_tip = *tip;
  if (options.keep_log) impl_->entries = std::move(slice->entries);
  use_remote(*impl_, init.base, impl_->defs->policy.remote);
  return {};
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
  }
  for (const LogEntry& entry : slice->entries) replay_entry(state, entry, *view);
  flush_verifier();
  if (keep_log) entries.insert(entries.end(), slice->entries.begin(), slice->entries.end());
  state_tip = *tip;
  return {};
}

Status Queue::Impl::repin_base(const std::string& tip) {
  if (view && view->base_tip() == tip) return {};
  auto fresh = std::make_unique<GitRepoView>(*repo, tip, verifier_for_reads());
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
  for (const std::string& w : verifier->warnings())
    if (std::find(load_warnings.begin(), load_warnings.end(), w) == load_warnings.end()) load_warnings.push_back(w);
  if (auto st = verifier->flush(); !st) {
    const std::string w = "the signature cache was not updated: " + st.error().message;
    if (std::find(load_warnings.begin(), load_warnings.end(), w) == load_warnings.end()) load_warnings.push_back(w);
  }
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
