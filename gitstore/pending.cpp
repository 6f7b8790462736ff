#include "gitstore/pending.h"

#include <git2.h>

#include <algorithm>
#include <set>

#include "gitstore/event_log.h"
#include "gitstore/handles.h"
#include "gitstore/queue_impl.h"
#include "gitstore/retry.h"
#include "gitstore/system.h"

namespace agentq {

Result<std::vector<LogEntry>> read_pending(const Repo& repo, const std::string& ref) {
  auto tip = repo.ref(ref);
  if (!tip) return std::vector<LogEntry>{};
  auto slice = read_log(repo, *tip);
  if (!slice) return fail(slice.error());
  return std::move(slice->entries);
}

std::vector<std::pair<std::string, size_t>> pending_chains(const Repo& repo) {
  std::vector<std::pair<std::string, size_t>> out;
  const std::string prefix = pending_ref("");
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_glob_new(&raw, repo.raw(), (prefix + "*").c_str()) != 0) return out;
  git::RefIteratorPtr it(raw);
  const char* name = nullptr;
  while (git_reference_next_name(&name, it.get()) == 0) {
    auto entries = read_pending(repo, name);
    out.emplace_back(std::string(name).substr(prefix.size()), entries ? entries->size() : 0);
  }
  return out;
}

Event as_published_now(const Event& e, const GitRepoView& view) {
  Event now = e;
  now.defs = view.base_tip();
  return now;
}

void apply_pending(QueueState& s, const std::vector<LogEntry>& pending, GitRepoView& view) {
  for (const LogEntry& entry : pending) {
    if (!entry.event) continue;
    const Event e = as_published_now(*entry.event, view);
    auto j = judge_new_event(s, e, view, nullptr);
    if (j && !j->noop) apply_event(s, e, entry.commit);
  }
}

namespace {

// The events after `seen` on `tip`, re-chained without the ones before: nullopt when one of
// them cannot be re-created (then the chain is left as it is).
Result<std::optional<std::string>> rechain(Repo& repo, const std::string& tip, const std::string& seen) {
  auto later = read_log(repo, tip, seen);
  if (!later) return fail(later.error());
  std::optional<std::string> parent;
  for (const LogEntry& entry : later->entries) {
    if (!entry.event) return std::optional<std::string>();
    auto tree = event_tree(repo, entry.commit);
    if (!tree) return fail(tree.error());
    auto c = create_event_commit_with_tree(repo, *entry.event, parent, *tree, nullptr);
    if (!c) return fail(c.error());
    parent = *c;
  }
  return parent;
}

}  // namespace

Status trim_pending(Repo& repo, const std::string& ref, const std::string& seen) {
  auto attempt = [&](int) -> Result<std::optional<bool>> {
    auto current = repo.ref(ref);
    if (!current) return std::optional<bool>(true);
    if (*current == seen) {
      auto del = delete_ref_matching(repo, ref, seen);
      if (!del) return fail(del.error());
      return *del == CasOutcome::moved ? std::optional<bool>(true) : std::nullopt;
    }
    // Someone rewrote the chain: it is theirs now.
    if (!repo.is_ancestor(seen, *current)) return std::optional<bool>(true);
    auto rest = rechain(repo, *current, seen);
    if (!rest) return fail(rest.error());
    if (!*rest) return std::optional<bool>(true);
    auto cas = compare_and_swap(repo, ref, **rest, current, "agentq: keep the events written during sync");
    if (!cas) return fail(cas.error());
    return *cas == CasOutcome::moved ? std::optional<bool>(true) : std::nullopt;
  };
  auto done = with_retries<bool>(retry_policy(repo.env()), attempt,
                                 Error(Code::NON_FAST_FORWARD, ref + " kept moving while sync trimmed it", {},
                                       "run 'git agentq sync' again"));
  if (!done) return fail(done.error());
  return {};
}

Result<std::vector<std::string>> hand_over_pending(Repo& repo, const std::vector<LogEntry>& entries) {
  std::vector<std::string> actors;
  for (const LogEntry& entry : entries) {
    if (!entry.event || entry.event->actor.empty()) continue;
    if (std::find(actors.begin(), actors.end(), entry.event->actor) == actors.end()) actors.push_back(entry.event->actor);
  }
  for (const std::string& actor : actors) {
    const std::string ref = pending_ref(actor);
    auto attempt = [&](int) -> Result<std::optional<bool>> {
      const auto tip = repo.ref(ref);
      auto have = read_pending(repo, ref);
      if (!have) return fail(have.error());
      std::set<std::string> ids;
      for (const LogEntry& p : *have)
        if (p.event) ids.insert(p.event->id);
      std::optional<std::string> parent = tip;
      for (const LogEntry& entry : entries) {
        if (!entry.event || entry.event->actor != actor || ids.count(entry.event->id)) continue;
        auto tree = event_tree(repo, entry.commit);
        if (!tree) return fail(tree.error());
        auto c = create_event_commit_with_tree(repo, *entry.event, parent, *tree, nullptr);
        if (!c) return fail(c.error());
        parent = *c;
      }
      if (parent == tip) return std::optional<bool>(true);
      auto cas = compare_and_swap(repo, ref, *parent, tip, "agentq: events sync could not re-sign");
      if (!cas) return fail(cas.error());
      return *cas == CasOutcome::moved ? std::optional<bool>(true) : std::nullopt;
    };
    auto done = with_retries<bool>(retry_policy(repo.env()), attempt,
                                   Error(Code::NON_FAST_FORWARD, ref + " kept moving", {}, "run 'git agentq sync' again"));
    if (!done) return fail(done.error());
  }
  return actors;
}

Result<Written> Queue::Impl::write_pending(Event e, const std::vector<Attachment>& attachments, const Prepare& prepare) {
  if (e.actor.empty()) return fail(Error::usage("--offline needs an actor"));
  const std::string ref = pending_ref(e.actor);
  int valid = 0;
  if (git_reference_name_is_valid(&valid, ref.c_str()) != 0 || !valid)
    return fail(Error::usage("actor '" + e.actor + "' cannot name a git ref, so it cannot write offline"));
  auto attempt = [&](int) -> Result<std::optional<Written>> {
    AGENTQ_TRY(advance_to(repo->ref(kLogRef)));
    const auto tip = repo->ref(ref);
    auto pending = read_pending(*repo, ref);
    if (!pending) return fail(pending.error());
    QueueState trial = state;
    apply_pending(trial, *pending, *view);
    // Pending events are signed too (so `git verify-commit` works on them); sync re-creates
    // and re-signs them when it publishes them under the definitions of that moment.
    auto admitted = admit_new(*this, trial, e, prepare);
    if (!admitted) return fail(admitted.error());
    Written w = written_so_far(*admitted, e);
    w.pending_ref = ref;
    if (w.noop) {
      for (const LogEntry& p : *pending) w.pending |= p.commit == w.commit;
      return std::optional<Written>(std::move(w));
    }
    auto commit = create_event_commit(*repo, e, tip, attachments, admitted->signer);
    if (!commit) return fail(commit.error());
    auto cas = compare_and_swap(*repo, ref, *commit, tip, "agentq: pending " + subject_line(e));
    if (!cas) return fail(cas.error());
    if (*cas == CasOutcome::lost) return std::optional<Written>();
    // The command shows the state as it will be once published; the next read replays afresh.
    apply_event(trial, e, *commit);
    state = std::move(trial);
    state_tip.clear();
    w.commit = *commit;
    w.pending = true;
    return std::optional<Written>(std::move(w));
  };
  const RetryPolicy p = retry_policy(repo->env());
  return with_retries<Written>(
      p, attempt,
      Error(Code::NON_FAST_FORWARD, ref + " kept moving under " + std::to_string(p.attempts) + " attempts to write", {},
            "try again"));
}

}  // namespace agentq
