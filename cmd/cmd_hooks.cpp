// git agentq install-hooks / hook NAME: the queue's rules enforced where work moves.
//
// Client hooks (pre-push, pre-merge-commit, reference-transaction) and the server's pre-receive
// judge ref updates by one set of rules, always against the state the update would create:
// - policy.base: every commit the update adds belongs to a merge-ready (or done) task, or is
//   accounted for as the base audit accounts for commits (core/base_gate.h), when
//   policy.protect_base is on;
// - policy.release: the release guard (a promoted SHA that base contains);
// - refs/agent-queue/log: fast-forward only, and no new event illegal under replay (the same
//   Queue::load the validator runs, so signature checks apply the day they land there);
// - refs/notes/agentq (pre-receive): the notes agree with the log.
// Hooks only read: pre-receive runs with the pushed objects in quarantine, and Repo::open
// honours GIT_OBJECT_DIRECTORY and the alternates git sets for it.
#include <iostream>
#include <map>
#include <iterator>
#include <set>
#include <sstream>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/base_gate.h"
#include "gitstore/event_log.h"
#include "gitstore/history.h"
#include "gitstore/hook_install.h"
#include "gitstore/notes.h"
#include "gitstore/remote.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

bool zero_id(const std::string& id) { return id.empty() || id.find_first_not_of('0') == std::string::npos; }

// One line of a hook's input: pre-push gives the local side too, the others old/new/ref.
struct RefChange {
  std::string ref;     // the ref being updated (on the remote, for pre-push)
  std::string old_id;  // empty: created (or unknown)
  std::string new_id;  // empty: deleted
};

std::vector<std::vector<std::string>> read_lines() {
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream in(line);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
    if (!words.empty()) out.push_back(std::move(words));
  }
  return out;
}

struct Verdict {
  std::vector<Error> refusals;
  std::vector<Error> notices;
  std::vector<std::string> blocked_tasks;  // open tasks whose work was refused
};

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
                Verdict& v) {
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

void judge_release_tip(Queue& q, const std::string& target, Verdict& v) {
  if (auto item = judge_release(q.state(), q.defs(), target, q.repo().is_ancestor(target, q.base_tip())))
    v.refusals.push_back(Error(item->code, item->message, Location::in_commit(target, "commit"), item->fix));
}

// `q` is loaded at the new log tip: the events after `old_id` must all be legal.
void judge_log(Queue& q, const RefChange& c, Verdict& v) {
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
  for (const Finding& f : q.state().illegal)
    if (!f.voided && fresh.count(f.commit)) v.refusals.push_back(finding_error(f));
}

void judge_notes(Queue& q, const RefChange& c, Verdict& v) {
  auto findings = check_notes(q.repo(), q.entries(), c.new_id.empty() ? std::nullopt : std::optional<std::string>(c.new_id));
  if (!findings) {
    v.refusals.push_back(findings.error());
    return;
  }
  for (const Finding& f : *findings) v.refusals.push_back(finding_error(f));
}

// Loads the queue as an update would leave it: the log at `log_tip`, base at `base_tip`
// (empty: the refs as they are).
Result<Queue> load_state(const std::string& log_tip, const std::string& base_tip) {
  auto q = Queue::open();
  if (!q) return fail(q.error());
  q->set_cache_writes(false);  // hooks write nothing (pre-receive runs in quarantine)
  LoadOptions o;
  o.keep_log = true;
  o.log_tip = log_tip;
  o.base_tip = base_tip;
  AGENTQ_TRY(q->load(o));
  return std::move(*q);
}

int report(Context& ctx, const std::string& hook, const std::string& what, const Verdict& v,
           const std::vector<std::string>& next) {
  if (ctx.out.json_mode) {
    json refusals = json::array(), notices = json::array();
    for (const Error& e : v.refusals) refusals.push_back(error_json(e));
    for (const Error& e : v.notices) notices.push_back(error_json(e));
    ctx.out.emit(json{{"ok", v.refusals.empty()}, {"hook", hook}, {"refusals", refusals}, {"notices", notices}});
    return v.refusals.empty() ? 0 : 1;
  }
  for (const Error& e : v.notices) ctx.out.diagnostic(e, "notice");
  if (v.refusals.empty()) return 0;
  for (const Error& e : v.refusals) ctx.out.diagnostic(e);
  // Diagnostics print even with -q: a refusal nobody sees is a mystery. The summary ends with
  // what to do next, one hint line each.
  std::string hints;
  for (const std::string& line : next) hints += (hints.empty() ? "" : "\nhint: ") + line;
  ctx.out.diagnostic(Error(v.refusals.front().code, "git-agentq " + hook + " refused " + what, {}, hints), "error");
  return 1;
}

std::string first_task(const Verdict& v) { return v.blocked_tasks.empty() ? "TASK" : v.blocked_tasks.front(); }

// --- pre-push ------------------------------------------------------------------------------

int hook_pre_push(Context& ctx, const std::vector<std::string>& args) {
  const std::string remote = args.empty() ? "" : args[0];
  std::map<std::string, RefChange> by_ref;
  for (const auto& w : read_lines()) {
    if (w.size() < 4) continue;
    RefChange c{w[2], zero_id(w[3]) ? "" : w[3], zero_id(w[1]) ? "" : w[1]};
    by_ref[c.ref] = c;
  }
  const auto log = by_ref.find(kLogRef);
  const std::string log_new = log != by_ref.end() ? log->second.new_id : "";
  // The log as pushed (one load in the common case, a write publishing log and notes).
  auto first = load_state(log_new, "");
  if (!first && first.error().code == Code::NO_QUEUE) return 0;  // no queue here: nothing to guard
  if (!first) return ctx.out.error(first.error());
  const std::string base_ref = "refs/heads/" + first->state().base;
  const std::string release = first->defs().policy.release;
  const std::string release_ref = release.empty() ? "" : "refs/heads/" + release;
  const auto base = by_ref.find(base_ref);
  const auto rel = release_ref.empty() ? by_ref.end() : by_ref.find(release_ref);
  if (base == by_ref.end() && log == by_ref.end() && rel == by_ref.end()) return 0;  // other refs pass untouched
  // ...and base as pushed, when the push moves it: judge the state the push leaves on the remote.
  Result<Queue> q = std::move(first);
  if (base != by_ref.end() && !base->second.new_id.empty() && base->second.new_id != q->base_tip()) {
    q = load_state(log_new, base->second.new_id);
    if (!q) return ctx.out.error(q.error());
  }
  Verdict v;
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
  return report(ctx, "pre-push", "the push to " + (remote.empty() ? std::string("the remote") : remote), v,
                {"nothing was pushed",
                 "land work on " + q->state().base + " through the queue: 'git agentq merge-ready " + first_task(v) +
                     "' says what is missing, 'git agentq merge " + first_task(v) + "' merges and pushes",
                 "an emergency? a human records it: 'git agentq override " + first_task(v) + " --reason TEXT'"});
}

// --- pre-merge-commit ----------------------------------------------------------------------

int hook_pre_merge_commit(Context& ctx) {
  auto q = Queue::open();
  if (!q) return ctx.out.error(q.error());
  if (!q->log_tip()) return 0;
  if (auto st = q->load(LoadOptions{}); !st) return ctx.out.error(st.error());
  const std::string base = q->state().base, base_ref = "refs/heads/" + base;
  if (q->repo().head_branch() != base_ref) return 0;  // a merge into another branch
  // git merge names the commits it merges in GITHEAD_<id> variables (MERGE_HEAD is written only
  // after this hook); a merge completed by `git commit` has MERGE_HEAD instead.
  std::vector<std::string> heads;
  for (const std::string& name : env_names_with_prefix("GITHEAD_")) heads.push_back(name.substr(8));
  if (heads.empty())
    if (auto text = read_file(q->repo().git_dir() + "MERGE_HEAD")) {
      std::istringstream in(*text);
      for (std::string id; in >> id;) heads.push_back(id);
    }
  if (heads.empty()) return 0;
  auto head = q->repo().ref("HEAD");
  std::vector<std::string> hide = {head.value_or("")};
  if (auto t = q->repo().ref(tracking_ref(q->defs().policy.remote, base_ref)); t && !q->defs().policy.remote.empty())
    hide.push_back(*t);
  Verdict v;
  for (const std::string& id : heads)
    if (q->repo().has_object(id)) judge_base(*q, "", id, hide, v);
  return report(ctx, "pre-merge-commit", "this merge into " + base, v,
                {"the merge is not committed: 'git merge --abort' puts the tree back",
                 "land the work with 'git agentq merge " + first_task(v) + "' once 'git agentq merge-ready " + first_task(v) +
                     "' passes"});
}

// --- reference-transaction -----------------------------------------------------------------

int hook_reference_transaction(Context& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "prepared") return 0;  // judged once, before anything is committed
  std::vector<RefChange> lines;
  for (const auto& w : read_lines())
    if (w.size() >= 3) lines.push_back({w[2], zero_id(w[0]) ? "" : w[0], zero_id(w[1]) ? "" : w[1]});
  auto q = Queue::open();
  if (!q) return ctx.out.error(q.error());
  if (!q->log_tip()) return 0;
  if (auto st = q->load(LoadOptions{}); !st) return ctx.out.error(st.error());
  const std::string base = q->state().base, base_ref = "refs/heads/" + base, remote = q->defs().policy.remote;
  const std::string release = q->defs().policy.release, release_ref = release.empty() ? "" : "refs/heads/" + release;
  Verdict v;
  std::string refused_ref;
  for (const RefChange& c : lines) {
    if (c.ref != base_ref && (release_ref.empty() || c.ref != release_ref)) continue;
    if (c.new_id.empty()) continue;  // a deletion lands nothing
    // The old value git passes may be all zeros (the caller gave none): judge against the ref.
    const auto current = q->repo().ref(c.ref);
    if (current && *current == c.new_id) continue;  // pack-refs, gc, `git reset --merge HEAD`
    const size_t before = v.refusals.size();
    if (c.ref == base_ref) {
      std::vector<std::string> hide = {current.value_or("")};
      if (!remote.empty())
        if (auto t = q->repo().ref(tracking_ref(remote, base_ref))) hide.push_back(*t);  // already on the remote
      judge_base(*q, "", c.new_id, hide, v);
    } else {
      judge_release_tip(*q, c.new_id, v);
    }
    if (v.refusals.size() > before && refused_ref.empty()) refused_ref = c.ref;
  }
  if (v.refusals.empty()) return report(ctx, "reference-transaction", "", v, {});
  const std::string branch = refused_ref.substr(std::string("refs/heads/").size());
  std::vector<std::string> next;
  const std::string action = env("GIT_REFLOG_ACTION").value_or("");
  const bool merged_tree = q->repo().head_branch() == refused_ref &&
                           (action.rfind("merge", 0) == 0 || action.rfind("pull", 0) == 0);
  if (merged_tree) {
    // git updates the index and the work tree of a fast-forward before the ref transaction:
    // only the branch stayed where it was.
    next.push_back("git has already updated the index and the work tree; only " + branch + " stayed where it was");
    next.push_back("restore them with: git reset --merge HEAD   (keeps untracked files)");
  } else {
    next.push_back(branch + " did not move");
  }
  if (refused_ref == base_ref)
    next.push_back("land the work with 'git agentq merge " + first_task(v) + "' once 'git agentq merge-ready " +
                   first_task(v) + "' passes");
  else
    next.push_back("a human release owner promotes a commit of " + base + ": 'git agentq promote SHA --risks TEXT --rollback TEXT'");
  return report(ctx, "reference-transaction", "moving " + branch, v, next);
}

// --- pre-receive (origin) ------------------------------------------------------------------

int hook_pre_receive(Context& ctx) {
  std::map<std::string, RefChange> by_ref;
  for (const auto& w : read_lines())
    if (w.size() >= 3) by_ref[w[2]] = RefChange{w[2], zero_id(w[0]) ? "" : w[0], zero_id(w[1]) ? "" : w[1]};
  const auto log = by_ref.find(kLogRef), notes = by_ref.find(kNotesRef);
  const bool log_pushed = log != by_ref.end() && !log->second.new_id.empty();
  auto first = Queue::open();
  if (!first) return ctx.out.error(first.error());
  if (!first->log_tip() && !log_pushed) {
    // No queue on this origin, and none arriving: nothing to guard but the log itself.
    Verdict v;
    if (log != by_ref.end()) judge_log(*first, log->second, v);
    return report(ctx, "pre-receive", "the push", v, {});
  }
  // The log as it will be; then base as pushed, when the push moves it.
  Result<Queue> q = load_state(log_pushed ? log->second.new_id : "", "");
  if (!q) return ctx.out.error(q.error());
  const std::string base_ref = "refs/heads/" + q->state().base;
  const std::string release = q->defs().policy.release;
  const std::string release_ref = release.empty() ? "" : "refs/heads/" + release;
  const auto base = by_ref.find(base_ref);
  const auto rel = release_ref.empty() ? by_ref.end() : by_ref.find(release_ref);
  if (log == by_ref.end() && notes == by_ref.end() && base == by_ref.end() && rel == by_ref.end()) return 0;
  Verdict v;
  if (base != by_ref.end() && base->second.new_id.empty()) {
    v.refusals.push_back(Error(Code::NON_FAST_FORWARD, "deleting " + base_ref + ", the queue's base branch",
                               Location::in_commit(base->second.old_id, base_ref), "never delete the base branch"));
    return report(ctx, "pre-receive", "the push", v, {});
  }
  if (base != by_ref.end() && base->second.new_id != q->base_tip()) {
    q = load_state(log_pushed ? log->second.new_id : "", base->second.new_id);
    if (!q) return ctx.out.error(q.error());
  }
  if (log != by_ref.end()) judge_log(*q, log->second, v);
  if (notes != by_ref.end()) judge_notes(*q, notes->second, v);
  if (base != by_ref.end()) judge_base(*q, base->second.old_id, base->second.new_id, {base->second.old_id}, v);
  if (rel != by_ref.end() && !rel->second.new_id.empty()) judge_release_tip(*q, rel->second.new_id, v);
  return report(ctx, "pre-receive", "the push (nothing was updated)", v,
                {"write events with git agentq, which checks them first; land base work with 'git agentq merge " +
                 first_task(v) + "'"});
}

}  // namespace

int run_hook(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string name = in.str("name");
  const std::vector<std::string> rest = in.strs("args");
  if (name == "pre-push") return hook_pre_push(ctx, rest);
  if (name == "pre-merge-commit") return hook_pre_merge_commit(ctx);
  if (name == "reference-transaction") return hook_reference_transaction(ctx, rest);
  if (name == "pre-receive") return hook_pre_receive(ctx);
  return ctx.out.error(Error::usage(name.empty() ? "which hook?" : "git-agentq has no '" + name + "' hook")
                           .hint("pre-push, pre-merge-commit, reference-transaction or pre-receive"));
}

int run_install_hooks(Invocation& in) {
  Context& ctx = in.ctx;
  const bool uninstall = in.has("uninstall");
  Queue* q = &in.queue();
  const bool bare = q->repo().is_bare();
  auto dir = hooks_dir(q->repo());
  if (!dir) return ctx.out.error(dir.error());
  std::vector<std::string> guarded;
  if (!bare && !uninstall) {
    // The reference-transaction shim carries the guarded ref names, so that every other ref
    // costs a shell and nothing more.
    if (auto st = q->load(); !st) return ctx.out.error(st.error());
    guarded.push_back("refs/heads/" + q->state().base);
    if (!q->defs().policy.release.empty()) guarded.push_back("refs/heads/" + q->defs().policy.release);
  }
  std::vector<std::string> names = bare ? server_hooks() : client_hooks();
  if (uninstall) {
    names = client_hooks();
    for (const auto& n : server_hooks()) names.push_back(n);
  }
  auto changes = uninstall ? uninstall_hooks(*dir, names) : install_hooks(*dir, names, guarded);
  if (!changes) return ctx.out.error(changes.error());
  if (ctx.out.json_mode) {
    json list = json::array();
    for (const auto& c : *changes)
      list.push_back(json{{"name", c.name}, {"path", c.path}, {"action", c.action},
                          {"chained", c.chained.empty() ? json(nullptr) : json(c.chained)}});
    ctx.out.emit(json{{"ok", true}, {"dir", *dir}, {"bare", bare}, {"uninstall", uninstall}, {"guarded", guarded},
                      {"hooks", list}});
    return 0;
  }
  for (const auto& c : *changes) {
    if (c.action == "absent") continue;
    std::string line = pad(c.action, 10) + c.path;
    if (!c.chained.empty()) line += uninstall ? " (the hook it chained is back)" : " (runs " + c.chained + " first)";
    if (c.action == "foreign") line += " (not git-agentq's: left alone)";
    ctx.out.line(line);
  }
  if (!uninstall && !bare) ctx.out.line("guarding " + guarded.front() + (guarded.size() > 1 ? " and " + guarded[1] : ""));
  return 0;
}

}  // namespace agentq::cli
