#include "gitstore/refresh.h"

#include <algorithm>
#include <sstream>

#include "core/ids.h"
#include "core/rules.h"
#include "core/strings.h"
#include "gitstore/claim_store.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace {

// Rebases `from`'s commits since `onto`'s history onto `onto` in a scratch worktree detached at
// `from`; returns the new tip. On a conflict the rebase is aborted (the scratch tree goes with
// it) and REBASE_CONFLICT names the paths.
Result<std::string> rebase_in_scratch(const Repo& repo, const std::string& task, const std::string& branch,
                                      const std::string& from, const std::string& onto, const std::string& onto_name) {
  auto tree = ScratchWorktree::create(repo, from);
  if (!tree) return fail(tree.error());
  auto r = run_git({"rebase", "--quiet", onto}, tree->path());
  if (!r) return fail(r.error());
  if (r->exit_code != 0) {
    auto unmerged = run_git({"diff", "--name-only", "--diff-filter=U"}, tree->path());
    std::vector<std::string> paths;
    if (unmerged && unmerged->exit_code == 0) {
      std::istringstream lines(unmerged->out);
      for (std::string line; std::getline(lines, line);)
        if (!line.empty()) paths.push_back(line);
    }
    (void)run_git({"rebase", "--abort"}, tree->path());
    Error e(Code::REBASE_CONFLICT,
            "rebasing " + branch + " (" + short_id(from) + ") onto " + onto_name + " (" + short_id(onto) +
                ") conflicts" + (paths.empty() ? ": " + trim_end(r->err.empty() ? r->out : r->err) : " in " + join(paths)),
            {}, "rebase " + branch + " onto " + onto_name + " by hand in its worktree, resolve, commit, then 'git agentq check " +
                    task + "' and 'git agentq handoff " + task + "'");
    e.where.task = task;
    return fail(e);
  }
  auto head = run_git_checked({"rev-parse", "HEAD"}, tree->path(), "cannot read the rebased commit");
  if (!head) return fail(head.error());
  return trim(head->out);
}

}  // namespace

Result<Refreshed> refresh_task(Queue& q, const std::string& actor, const std::string& event_id,
                               const RefreshRequest& r, bool offline) {
  const Task* t = q.defs().task(r.task);
  if (!t) return fail(Error::unknown_task(r.task));
  const TaskState& ts = q.state().task(r.task);
  if (!ts.handoff) {
    Error e(Code::HANDOFF_MISSING, r.task + " has not been handed off: there is nothing to refresh", {},
            "hand it off first: git agentq handoff " + r.task);
    e.where.task = r.task;
    return fail(e);
  }
  if (ts.status != TaskStatus::in_review && ts.status != TaskStatus::in_progress) {
    Error e(Code::ILLEGAL_TRANSITION, r.task + " is " + std::string(to_string(ts.status)) + "; only work in progress or in review is refreshed");
    e.where.task = r.task;
    return fail(e);
  }
  const HandoffRecord h = *ts.handoff;  // a copy: writes below replace the state
  Refreshed out;
  out.branch = h.branch;
  out.old_commit = out.new_commit = h.commit;
  const BaseTip base = base_tip_of(q.repo(), q.remote(), q.state().base);
  out.base_name = base.name;
  out.base_tip = base.tip;
  if (base.tip.empty())
    return fail(Error(Code::GIT_ERROR, "the base branch " + base.name + " does not exist here", {},
                      q.remote().empty() ? "fix policy.base" : "git fetch " + q.remote()));

  // Who acts: the owner under the claim this worktree holds, or a coordinator. Anyone else
  // would be refused at the handoff, after the checks ran: say so before doing anything.
  const Acting how = acting_on(q, actor, r.task);
  const Actor* who = q.defs().actor(actor);
  const bool coordinator = who && !coordinator_role_of(q.defs(), *who).empty();
  if (how.owner && how.claim != ts.claim && !coordinator) {
    Error e(Code::CLAIM_FENCED, "claim " + how.claim + " no longer holds " + r.task +
                                    (ts.owner.empty() ? "" : " (it is held by " + ts.owner + " under claim " + ts.claim + ")"),
            {}, "claim the task again with 'git agentq claim " + r.task + "'");
    e.where.task = r.task;
    return fail(e);
  }
  if (!how.owner && !coordinator) {
    Error e(ts.owner == actor ? Code::CLAIM_FENCED : Code::ROLE_MISMATCH,
            ts.owner == actor ? "this worktree does not hold the claim on " + r.task
                              : "actor " + actor + " neither holds the claim on " + r.task + " nor acts as a coordinator",
            {}, ts.owner == actor ? "run it in the worktree that claimed " + r.task + ", or claim it again there"
                                  : r.task + " is refreshed by its owner (" + ts.owner + ") or a coordinator");
    e.where.task = r.task;
    return fail(e);
  }

  if (q.repo().is_ancestor(base.tip, h.commit)) {
    out.noop = true;
    return out;
  }

  // The branch must still be what was handed off: later commits have not been checked or
  // reviewed, and rebasing them under the old handoff's name would hand them off unseen.
  const auto local = q.repo().ref("refs/heads/" + h.branch);
  if (local && *local != h.commit) {
    Error e(Code::ILLEGAL_TRANSITION,
            h.branch + " is at " + short_id(*local) + ", not at the handed-off " + short_id(h.commit), {},
            "hand off its tip first (git agentq check " + r.task + " and git agentq handoff " + r.task +
                "), then refresh; or reset " + h.branch + " to " + short_id(h.commit));
    e.where.task = r.task;
    return fail(e);
  }
  if (local) {
    auto holder = worktree_holding(q.repo(), "refs/heads/" + h.branch);
    if (!holder) return fail(holder.error());
    if (*holder) {
      out.worktree = **holder;
      auto dirty = dirty_at(out.worktree);
      if (!dirty) return fail(dirty.error());
      if (!dirty->empty()) {
        std::vector<std::string> some(dirty->begin(), dirty->begin() + std::min<size_t>(dirty->size(), 3));
        Error e(Code::WORKTREE_DIRTY,
                out.worktree + " (which has " + h.branch + " checked out) has uncommitted changes: " + join(some) +
                    (dirty->size() > 3 ? ", …" : ""),
                {}, "commit or stash them there, then refresh again");
        e.where.task = r.task;
        return fail(e);
      }
    }
  }
  // A clone that never fetched the branch: the handoff pushed it.
  if (!q.repo().resolve_commit(h.commit) && !q.remote().empty() && !offline)
    (void)run_git({"fetch", "--quiet", q.remote(), "refs/heads/" + h.branch}, git_cwd(q.repo()));
  if (!q.repo().resolve_commit(h.commit))
    return fail(Error(Code::COMMIT_MISSING, "the handed-off commit " + short_id(h.commit) + " is not in this repository",
                      {}, "fetch " + h.branch + " from the remote, then refresh again"));

  auto rebased = rebase_in_scratch(q.repo(), r.task, h.branch, h.commit, base.tip, base.name);
  if (!rebased) return fail(rebased.error());
  out.new_commit = *rebased;

  auto checks = AcceptanceRun::prepare(q, actor, r.task, out.new_commit, r.timeout_ms);
  if (!checks) return fail(checks.error());
  size_t failed = 0;
  for (size_t i = 0; i < checks->size(); ++i) {
    auto run = checks->run(i);
    if (!run) return fail(run.error());
    failed += run->pass ? 0 : 1;
    out.checks.push_back(std::move(*run));
  }
  if (failed) {
    Error e(Code::EVIDENCE_FAILED,
            std::to_string(failed) + " of " + std::to_string(out.checks.size()) + " acceptance check(s) failed on " +
                short_id(out.new_commit) + " (" + h.branch + " rebased onto " + base.name + "); " + h.branch +
                " stays at " + short_id(h.commit),
            {}, "rebase by hand, fix it, then 'git agentq check " + r.task + "' and 'git agentq handoff " + r.task + "'");
    e.where.task = r.task;
    out.stopped = e;
    return out;
  }

  HandoffRequest hr;
  hr.task = r.task;
  hr.commit = out.new_commit;
  hr.branch = h.branch;
  hr.risks = h.risks;
  hr.next = h.next;
  hr.root_cause = h.root_cause;
  hr.owning_file = h.owning_file;
  hr.proof_command = h.proof_command;
  auto handed = hand_off(q, actor, event_id, hr, offline);
  if (!handed) return fail(handed.error());
  out.patch_unchanged = !h.patch_id.empty() && handed->event.patch_id == h.patch_id;
  out.handoff = std::move(*handed);

  // Last, the local branch follows, in the worktree that has it (reset --keep keeps anything
  // written there meanwhile, or refuses).
  if (local) {
    auto moved = out.worktree.empty()
                     ? run_git({"update-ref", "refs/heads/" + h.branch, out.new_commit, h.commit}, git_cwd(q.repo()))
                     : run_git({"reset", "--quiet", "--keep", out.new_commit}, out.worktree);
    if (!moved || moved->exit_code != 0)
      out.warning = "handed off " + short_id(out.new_commit) + " but " + h.branch + " could not follow (" +
                    (moved ? trim_end(moved->err) : moved.error().message) + "): run 'git reset --keep " +
                    out.new_commit + "' " + (out.worktree.empty() ? "on " + h.branch : "in " + out.worktree);
  }
  return out;
}

}  // namespace agentq
