#include "gitstore/hook_judge.h"

#include <map>
#include <set>
#include <sstream>

#include "core/base_gate.h"
#include "core/ids.h"
#include "gitstore/audit.h"
#include "gitstore/event_log.h"
#include "gitstore/history.h"
#include "gitstore/notes.h"
#include "gitstore/queue.h"
#include "gitstore/remote.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

Error finding_as_error(const Finding& f, bool event) {
  Error e(f.code, f.message, {}, f.fix);
  if (!f.commit.empty()) e.where = Location::in_commit(f.commit, event ? kLogRef : "commit");
  e.where.task = f.task;
  return e;
}

Error gate_error(const GateRefusal& g) {
  Error e(g.why.code, g.why.message, Location::in_commit(g.commit, "commit"), g.why.fix);
  e.where.task = g.task;
  return e;
}

// What the update adds to base when it moves to `target`: commits in none of `hide`. The queue's
// own start (the init event's base tip) is always hidden: history before the queue needs no task.
// The gate's policy (protect_base, exempt) is the one base had before the update (`before`):
// judged under the pushed definitions, a commit could exempt itself.
void judge_base(Queue& q, const std::string& before, const std::string& target, std::vector<std::string> hide,
                HookVerdict& v) {
  std::shared_ptr<const Definitions> defs = q.defs_ptr();
  if (!before.empty() && before != q.base_tip() && q.repo().has_object(before))
    if (auto d = q.view().definitions_at(before)) defs = *d;
  // Definitions that do not load never reach base: every later command (and hook) would fail.
  if (auto next = q.view().definitions_at(target); !next) {
    Error e = next.error();
    e.message = "the definitions at " + short_id(target) + " do not load: " + e.message;
    e.fix = "fix .agentq/queue.yaml ('git agentq validate --defs " + short_id(target) + "' shows the error)";
    v.refusals.push_back(e);
    return;
  }
  if (!defs->policy.protect_base) return;
  hide.push_back(q.state().init_defs);
  auto added = commits_added(q.repo(), target, hide);
  if (!added) {
    v.refusals.push_back(added.error());
    return;
  }
  GateResult g = judge_base_commits(q.state(), *defs, *added);
  std::set<std::string> seen;
  for (const GateRefusal& r : g.refused) {
    v.refusals.push_back(gate_error(r));
    if (!r.task.empty() && seen.insert(r.task).second) {
      v.blocked_tasks.push_back(r.task);
      // Everything the task still needs, once, after its first commit.
      for (size_t i = 1; i < r.task_items.size(); ++i) {
        Error e(r.task_items[i].code, r.task_items[i].message, {}, r.task_items[i].fix);
        e.where.task = r.task;
        v.refusals.push_back(e);
      }
    }
  }
  for (const ReadyItem& i : g.overridden)
    v.notices.push_back(Error(i.code, i.message, Location::in_commit(i.commit, "commit"), i.fix));
}

void judge_release_tip(Queue& q, const std::string& target, HookVerdict& v) {
  if (auto item = judge_release(q.state(), q.defs(), target, q.repo().is_ancestor(target, q.base_tip())))
    v.refusals.push_back(Error(item->code, item->message, Location::in_commit(target, "commit"), item->fix));
}

// `q` is loaded at the new log tip: the events after `old_id` must all be legal.
void judge_log(Queue& q, const RefChange& c, HookVerdict& v) {
  if (c.new_id.empty()) {
    v.refusals.push_back(Error(Code::NON_FAST_FORWARD, "deleting " + std::string(kLogRef) + " would erase the queue's history",
                               Location::in_commit(c.old_id, kLogRef), "never delete the queue log"));
    return;
  }
  if (!c.old_id.empty() && !q.repo().is_ancestor(c.old_id, c.new_id)) {
    v.refusals.push_back(Error(Code::NON_FAST_FORWARD,
                               short_id(c.new_id) + " does not contain " + short_id(c.old_id) +
                                   ": the queue log is append-only, its history cannot be rewritten",
                               Location::in_commit(c.new_id, kLogRef),
                               "fetch and run 'git agentq sync' (it replays local events onto the current log)"));
    return;
  }
  // The new events: the log from the new tip back to the old one (one walk, not a
  // reachability query per event).
  auto slice = read_log(q.repo(), c.new_id, c.old_id);
  if (!slice) {
    v.refusals.push_back(slice.error());
    return;
  }
  std::set<std::string> fresh;
  for (const LogEntry& e : slice->entries) fresh.insert(e.commit);
  AuditOptions o;
  o.checks = {AuditCheck::replay};
  const std::vector<AuditSection> sections = audit(q, o);
  for (const Finding& f : sections.front().findings)
    if (!f.voided && fresh.count(f.commit)) v.refusals.push_back(finding_as_error(f, true));
}

void judge_notes(Queue& q, const RefChange& c, HookVerdict& v) {
  AuditOptions o;
  o.checks = {AuditCheck::notes};
  o.notes_tip = c.new_id.empty() ? std::nullopt : std::optional<std::string>(c.new_id);
  const AuditSection s = audit(q, o).front();
  if (s.error) v.refusals.push_back(*s.error);
  for (const Finding& f : s.findings) v.refusals.push_back(finding_as_error(f, false));
}

using RefChanges = std::map<std::string, RefChange>;

RefChanges by_ref_name(const std::vector<RefChange>& changes) {
  RefChanges by_ref;
  for (const RefChange& c : changes) by_ref[c.ref] = c;
  return by_ref;
}

// The changes of an update to the branches the queue guards (end() when unchanged).
struct GuardedChanges {
  std::string base_ref;
  RefChanges::const_iterator base, release;
};

GuardedChanges guarded_changes(Queue& q, const RefChanges& by_ref) {
  GuardedChanges g;
  g.base_ref = "refs/heads/" + q.state().base;
  const std::string& release = q.defs().policy.release;
  g.base = by_ref.find(g.base_ref);
  g.release = release.empty() ? by_ref.end() : by_ref.find("refs/heads/" + release);
  return g;
}

// Loads the queue as an update would leave it: the log at `log_tip`, base at `base_tip`
// (empty: the refs as they are).
Result<Queue> load_state(Env& env, const std::string& log_tip, const std::string& base_tip) {
  auto q = Queue::open(env);
  if (!q) return fail(q.error());
  q->set_cache_writes(false);  // hooks write nothing (pre-receive runs in quarantine)
  LoadOptions o;
  o.keep_log = true;
  o.log_tip = log_tip;
  o.base_tip = base_tip;
  AGENTQ_TRY(q->load(o));
  return std::move(*q);
}

}  // namespace

std::string hook_object_id(const std::string& id) {
  return id.empty() || id.find_first_not_of('0') == std::string::npos ? std::string() : id;
}

Result<HookVerdict> judge_pre_push(Env& env, const std::string& remote, const std::vector<RefChange>& changes) {
  const RefChanges by_ref = by_ref_name(changes);
  const auto log = by_ref.find(kLogRef);
  const std::string log_new = log != by_ref.end() ? log->second.new_id : "";
  HookVerdict v;
  // The log as pushed (one load in the common case, a write publishing log and notes).
  auto first = load_state(env, log_new, "");
  if (!first && first.error().code == Code::NO_QUEUE) return v;  // no queue here: nothing to guard
  if (!first) return fail(first.error());
  const auto [base_ref, base, rel] = guarded_changes(*first, by_ref);
  v.base = first->state().base;
  if (base == by_ref.end() && log == by_ref.end() && rel == by_ref.end()) return v;  // other refs pass untouched
  v.guarded = true;
  // ...and base as pushed, when the push moves it: judge the state the push leaves on the remote.
  Result<Queue> q = std::move(first);
  if (base != by_ref.end() && !base->second.new_id.empty() && base->second.new_id != q->base_tip()) {
    q = load_state(env, log_new, base->second.new_id);
    if (!q) return fail(q.error());
  }
  if (log != by_ref.end()) judge_log(*q, log->second, v);
  if (base != by_ref.end() && !base->second.new_id.empty()) {
    std::vector<std::string> hide = {base->second.old_id};
    if (auto t = q->repo().ref(tracking_ref(remote, base_ref))) hide.push_back(*t);
    // The remote's base before the push: what it had, or what this clone last saw of it.
    std::string before = base->second.old_id;
    if (before.empty() || !q->repo().has_object(before)) before = hide.size() > 1 ? hide[1] : "";
    judge_base(*q, before, base->second.new_id, hide, v);
  }
  if (rel != by_ref.end() && !rel->second.new_id.empty()) judge_release_tip(*q, rel->second.new_id, v);
  return v;
}

Result<HookVerdict> judge_pre_merge_commit(Env& env) {
  HookVerdict v;
  auto q = Queue::open(env);
  if (!q) return fail(q.error());
  if (!q->log_tip()) return v;
  AGENTQ_TRY(q->load(LoadOptions{}));
  const std::string base = q->state().base, base_ref = "refs/heads/" + base;
  v.base = base;
  if (q->repo().head_branch() != base_ref) return v;  // a merge into another branch
  // git merge names the commits it merges in GITHEAD_<id> variables (MERGE_HEAD is written only
  // after this hook); a merge completed by `git commit` has MERGE_HEAD instead.
  std::vector<std::string> heads;
  for (const std::string& name : env_names_with_prefix("GITHEAD_")) heads.push_back(name.substr(8));
  if (heads.empty())
    if (auto text = read_file(q->repo().git_dir() + "MERGE_HEAD")) {
      std::istringstream in(*text);
      for (std::string id; in >> id;) heads.push_back(id);
    }
  if (heads.empty()) return v;
  v.guarded = true;
  auto head = q->repo().ref("HEAD");
  std::vector<std::string> hide = {head.value_or("")};
  if (auto t = q->repo().ref(tracking_ref(q->defs().policy.remote, base_ref)); t && !q->defs().policy.remote.empty())
    hide.push_back(*t);
  for (const std::string& id : heads)
    if (q->repo().has_object(id)) judge_base(*q, "", id, hide, v);
  return v;
}

Result<HookVerdict> judge_reference_transaction(Env& env, const std::vector<RefChange>& changes) {
  HookVerdict v;
  auto q = Queue::open(env);
  if (!q) return fail(q.error());
  if (!q->log_tip()) return v;
  AGENTQ_TRY(q->load(LoadOptions{}));
  const std::string base = q->state().base, base_ref = "refs/heads/" + base, remote = q->defs().policy.remote;
  const std::string release = q->defs().policy.release, release_ref = release.empty() ? "" : "refs/heads/" + release;
  v.base = base;
  for (const RefChange& c : changes) {
    if (c.ref != base_ref && (release_ref.empty() || c.ref != release_ref)) continue;
    if (c.new_id.empty()) continue;  // a deletion lands nothing
    // The old value git passes may be all zeros (the caller gave none): judge against the ref.
    const auto current = q->repo().ref(c.ref);
    if (current && *current == c.new_id) continue;  // pack-refs, gc, `git reset --merge HEAD`
    v.guarded = true;
    const size_t before = v.refusals.size();
    if (c.ref == base_ref) {
      std::vector<std::string> hide = {current.value_or("")};
      if (!remote.empty())
        if (auto t = q->repo().ref(tracking_ref(remote, base_ref))) hide.push_back(*t);  // already on the remote
      judge_base(*q, "", c.new_id, hide, v);
    } else {
      judge_release_tip(*q, c.new_id, v);
    }
    if (v.refusals.size() > before && v.refused_ref.empty()) v.refused_ref = c.ref;
  }
  v.head_on_refused = !v.refused_ref.empty() && q->repo().head_branch() == v.refused_ref;
  return v;
}

Result<HookVerdict> judge_pre_receive(Env& env, const std::vector<RefChange>& changes) {
  const RefChanges by_ref = by_ref_name(changes);
  const auto log = by_ref.find(kLogRef), notes = by_ref.find(kNotesRef);
  const bool log_pushed = log != by_ref.end() && !log->second.new_id.empty();
  HookVerdict v;
  auto first = Queue::open(env);
  if (!first) return fail(first.error());
  if (!first->log_tip() && !log_pushed) {
    // No queue on this origin, and none arriving: nothing to guard but the log itself.
    if (log != by_ref.end()) {
      v.guarded = true;
      judge_log(*first, log->second, v);
    }
    return v;
  }
  // The log as it will be; then base as pushed, when the push moves it.
  Result<Queue> q = load_state(env, log_pushed ? log->second.new_id : "", "");
  if (!q) return fail(q.error());
  const auto [base_ref, base, rel] = guarded_changes(*q, by_ref);
  v.base = q->state().base;
  if (log == by_ref.end() && notes == by_ref.end() && base == by_ref.end() && rel == by_ref.end()) return v;
  v.guarded = true;
  if (base != by_ref.end() && base->second.new_id.empty()) {
    v.refusals.push_back(Error(Code::NON_FAST_FORWARD, "deleting " + base_ref + ", the queue's base branch",
                               Location::in_commit(base->second.old_id, base_ref), "never delete the base branch"));
    return v;
  }
  if (base != by_ref.end() && base->second.new_id != q->base_tip()) {
    q = load_state(env, log_pushed ? log->second.new_id : "", base->second.new_id);
    if (!q) return fail(q.error());
  }
  if (log != by_ref.end()) judge_log(*q, log->second, v);
  if (notes != by_ref.end()) judge_notes(*q, notes->second, v);
  if (base != by_ref.end()) judge_base(*q, base->second.old_id, base->second.new_id, {base->second.old_id}, v);
  if (rel != by_ref.end() && !rel->second.new_id.empty()) judge_release_tip(*q, rel->second.new_id, v);
  return v;
}

}  // namespace agentq
