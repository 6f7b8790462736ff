#include "gitstore/queue.h"

#include "core/notes_view.h"
#include "gitstore/notes.h"
#include "gitstore/system.h"

namespace agentq {

struct Queue::Impl {
  std::optional<Repo> repo;
  std::unique_ptr<GitRepoView> view;
  QueueState state;
  std::string state_tip;  // the log commit `state` was replayed up to
  std::shared_ptr<const Definitions> defs;
  std::string defs_commit;
  std::vector<LogEntry> entries;
  bool keep_log = false;
};

Queue::Queue() : impl_(std::make_unique<Impl>()) {}
Queue::Queue(Queue&&) noexcept = default;
Queue& Queue::operator=(Queue&&) noexcept = default;
Queue::~Queue() = default;

Result<Queue> Queue::open() {
  auto repo = Repo::open();
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

Status Queue::prepare_uninitialised(const std::string& base, const std::string& remote) {
  auto tip = find_base_tip(repo(), base, remote);
  if (!tip) return fail(tip.error());
  impl_->view = std::make_unique<GitRepoView>(repo(), *tip);
  auto d = impl_->view->definitions_at(*tip);
  if (!d) return fail(d.error());
  impl_->defs = *d;
  impl_->defs_commit = *tip;
  impl_->state = QueueState{};
  impl_->state_tip.clear();
  return {};
}

Status Queue::load(const LoadOptions& options) {
  auto tip = repo().ref(options.log_ref);
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
      options.base_remote.empty() ? find_base_tip(repo(), init.base, init.remote)
                                  : repo().resolve_commit("refs/remotes/" + options.base_remote + "/" + init.base);
  if (!base_tip)
    return fail(Error(Code::GIT_ERROR, "the base branch is missing: " + base_tip.error().message));
  impl_->view = std::make_unique<GitRepoView>(repo(), *base_tip);

  const std::string defs_rev = options.defs_rev.empty() ? *base_tip : options.defs_rev;
  auto defs_commit = repo().resolve_commit(defs_rev);
  if (!defs_commit) return fail(defs_commit.error());
  auto d = impl_->view->definitions_at(*defs_commit);
  if (!d) return fail(d.error());
  impl_->defs = *d;
  impl_->defs_commit = *defs_commit;

  impl_->state = QueueState{};
  for (const LogEntry& entry : slice->entries) replay_entry(impl_->state, entry, *impl_->view);
  impl_->state_tip = *tip;
  if (options.keep_log) impl_->entries = std::move(slice->entries);
  return {};
}

Status Queue::refresh_base() {
  auto tip = find_base_tip(repo(), impl_->state.base, impl_->state.remote);
  if (!tip) return fail(tip.error());
  impl_->view = std::make_unique<GitRepoView>(repo(), *tip);
  return {};
}

Status Queue::advance_to(const std::string& tip) {
  if (tip == impl_->state_tip) return {};
  auto slice = read_log(repo(), tip, impl_->state_tip);
  if (!slice) return fail(slice.error());
  if (!impl_->state_tip.empty() && !slice->reached_stop) {
    // The log was rewritten under us: replay it whole.
    auto whole = read_log(repo(), tip);
    if (!whole) return fail(whole.error());
    impl_->state = QueueState{};
    impl_->entries.clear();
    slice = std::move(whole);
  }
  for (const LogEntry& entry : slice->entries) replay_entry(impl_->state, entry, *impl_->view);
  if (impl_->keep_log)
    impl_->entries.insert(impl_->entries.end(), slice->entries.begin(), slice->entries.end());
  impl_->state_tip = tip;
  return {};
}

Result<Written> Queue::write(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare) {
  if (!impl_->view) return fail(Error::git("queue not loaded"));
  if (e.id.empty()) e.id = new_uuid();
  constexpr int kAttempts = 200;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto tip = log_tip();
    if (!tip && e.type != EventType::init)
      return fail(Error(Code::NO_QUEUE, std::string(kLogRef) + " disappeared", {}, "run 'git agentq init'"));
    if (tip) AGENTQ_TRY(advance_to(*tip));
    e.at = now_rfc3339();
    e.defs = impl_->view->base_tip();
    if (prepare) AGENTQ_TRY(prepare(e, impl_->state, *impl_->defs));
    auto dup = already_recorded(impl_->state, e);
    if (!dup) return fail(dup.error());
    if (*dup) {
      Written w;
      w.noop = true;
      w.event = e;
      w.commit = impl_->state.id_commits.at(e.id);
      return w;
    }
    auto defs = definitions_for(impl_->state, e, *impl_->view);
    if (!defs) return fail(defs.error());
    AGENTQ_TRY(check_event(impl_->state, e, **defs, *impl_->view));

    auto commit = create_event_commit(repo(), e, tip, attachments, nullptr);
    if (!commit) return fail(commit.error());
    auto cas = compare_and_swap(repo(), kLogRef, *commit, tip, "agentq: " + subject_line(e));
    if (!cas) return fail(cas.error());
    if (*cas == CasOutcome::lost) {
      // Another writer moved the log: back off (bounded, jittered), re-read, re-check.
      sleep_ms(random_between(1, std::min(5L << std::min(attempt, 5), 100L)));
      continue;
    }
    AGENTQ_TRY(advance_to(*commit));
    Written w;
    w.commit = *commit;
    w.event = e;
    if (!named_commits(e).empty()) {
      // Catch the notes up to the log as it is now, which may already hold later events.
      auto notes = update_notes(repo(), log_tip().value_or(*commit));
      if (!notes) w.notes_warning = notes.error().message;
    }
    return w;
  }
  return fail(Error(Code::NON_FAST_FORWARD,
                    std::string(kLogRef) + " kept moving under " + std::to_string(kAttempts) + " attempts to write",
                    {}, "try again"));
}

}  // namespace agentq
