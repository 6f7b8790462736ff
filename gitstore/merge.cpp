#include "gitstore/merge.h"

#include "core/ids.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace {

// Moves base to `target` through git (so reference-transaction hooks see it): `merge --ff-only`
// where it is checked out, update-ref (leased on `old`) elsewhere.
Status fast_forward(Queue& q, const std::string& ref, const std::string& old, const std::string& target,
                    bool checked_out, const std::string& message) {
  auto r = checked_out ? run_git({"merge", "--ff-only", "--quiet", target}, q.repo().workdir())
                       : run_git({"update-ref", "-m", message, ref, target, old}, git_cwd(q.repo()));
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error(Code::GIT_ERROR, "cannot fast-forward " + ref.substr(11) + ": " + r->err));
  return {};
}

// Puts base back after a merge whose event could not be written: `git reset --keep` where it is
// checked out (the tree was clean and keeps any untracked files), update-ref elsewhere.
Status restore_branch(Queue& q, const std::string& ref, const std::string& old, const std::string& now,
                      bool checked_out) {
  auto r = checked_out ? run_git({"reset", "--quiet", "--keep", old}, q.repo().workdir())
                       : run_git({"update-ref", "-m", "agentq: undo merge", ref, old, now}, git_cwd(q.repo()));
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error(Code::GIT_ERROR, r->err));
  return {};
}

// The write failed after base moved: put it back, and when that fails too, say both.
Error undone(Queue& q, const Error& why, const std::string& ref, const std::string& old, const std::string& now,
             bool checked_out) {
  auto st = restore_branch(q, ref, old, now, checked_out);
  if (st) return why;
  Error e = why;
  e.message += "; and " + ref.substr(11) + " could not be put back to " + short_id(old) + ": " + st.error().message;
  e.fix = "restore it by hand: git update-ref " + ref + " " + old + " " + now + (why.fix.empty() ? "" : "; then " + why.fix);
  return e;
}

}  // namespace

RepoFacts repo_facts(Queue& q, const std::string& commit, bool check_worktree) {
  RepoFacts f;
  const BaseTip base = base_tip_of(q.repo(), q.defs().policy.remote, q.state().base);
  f.base_name = base.name;
  if (!base.tip.empty() && !commit.empty()) f.based_on_base = q.repo().is_ancestor(base.tip, commit);
  if (check_worktree && !q.repo().is_bare()) {
    auto dirty = dirty_paths(q.repo());
    if (dirty) {
      f.worktree_clean = dirty->empty();
      for (size_t i = 0; i < dirty->size() && i < 3; ++i) f.dirty += (i ? ", " : "") + (*dirty)[i].substr(3);
      if (dirty->size() > 3) f.dirty += ", …";
    }
  }
  return f;
}

Result<Readiness> merge_readiness(Queue& q, const std::string& task, bool check_worktree) {
  Readiness r;
  r.task = q.defs().task(task);
  if (!r.task) return fail(Error::unknown_task(task));
  const TaskState& ts = q.state().task(task);
  if (ts.handoff) r.commit = ts.handoff->commit;
  r.items = merge_ready_items(q.state(), q.defs(), *r.task, repo_facts(q, r.commit, check_worktree), true);
  return r;
}

std::vector<ReadyItem> done_blockers(Queue& q, const Task& t) {
  return merge_ready_items(q.state(), q.defs(), t, repo_facts(q, "", true), true);
}

Result<MergeResult> land_merge(Queue& q, Event done, bool offline) {
  MergeResult m;
  m.base = q.state().base;
  m.to = done.commit;
  const std::string base_ref = "refs/heads/" + m.base;
  auto old = q.repo().ref(base_ref);
  if (!old) return fail(Error(Code::GIT_ERROR, "the base branch " + m.base + " does not exist here"));
  m.from = *old;
  if (!q.repo().is_ancestor(*old, m.to)) {
    const TaskState& ts = q.state().task(done.task);
    const std::string branch = ts.handoff ? ts.handoff->branch : "BRANCH";
    return fail(Error(Code::NOT_BASED_ON_BASE, short_id(m.to) + " is not a fast-forward of " + m.base, {},
                      "rebase it: 'git rebase " + m.base + " " + branch + "', then check and hand off again"));
  }
  auto holder = worktree_holding(q.repo(), base_ref);
  if (!holder) return fail(holder.error());
  std::string here = q.repo().workdir();
  while (!here.empty() && here.back() == '/') here.pop_back();
  const bool checked_out_here = *holder && **holder == here;
  if (*holder && !checked_out_here)
    return fail(Error(Code::BRANCH_IN_USE, m.base + " is checked out in " + **holder, {},
                      "run 'git agentq merge " + done.task + "' there (the coordinator checkout)"));
  const std::string message = "agentq: merge " + done.task;
  m.remote = q.remote();
  if (!m.remote.empty()) {
    if (offline)
      return fail(Error::usage("merge cannot be offline: " + m.base + ", the log and the notes land on " + m.remote +
                               " together or not at all")
                      .hint("run it without --offline once " + m.remote + " is reachable"));
    // 1. One atomic push moves <remote>/<base> to the handoff commit and records done on the
    //    remote's log (leases on what was fetched). Nothing local has moved yet.
    WriteOptions o;
    o.advance_base = m.to;
    auto w = q.write(done, {}, {}, o);
    if (!w) return fail(w.error());
    m.written = std::move(*w);
    // 2. The remote has it: the local branch follows (the tree was clean; --ff-only keeps it so).
    if (auto st = fast_forward(q, base_ref, *old, m.to, checked_out_here, message); !st)
      m.warnings.push_back(m.base + " and the done event are on " + m.remote + ", but the local " + m.base +
                           " did not move: " + st.error().message + " (run 'git merge --ff-only " + m.remote + "/" +
                           m.base + "')");
    return m;
  }
  // Local-only queue: the local branch is the base. Fast-forward it (through git, so
  // reference-transaction hooks see it), then record done under it; put it back on refusal.
  AGENTQ_TRY(fast_forward(q, base_ref, *old, m.to, checked_out_here, message));
  if (auto st = q.refresh_base(); !st) return fail(undone(q, st.error(), base_ref, *old, m.to, checked_out_here));
  auto w = q.write(done);
  if (!w) return fail(undone(q, w.error(), base_ref, *old, m.to, checked_out_here));
  m.written = std::move(*w);
  return m;
}

}  // namespace agentq
