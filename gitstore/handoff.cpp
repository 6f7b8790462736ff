#include "gitstore/handoff.h"

#include "core/ids.h"
#include "core/lanes.h"
#include "core/routing.h"
#include "core/rules.h"
#include "gitstore/claim_store.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/history.h"
#include "gitstore/process.h"
#include "gitstore/remote.h"
#include "gitstore/worktrees.h"

namespace agentq {

Result<Handoff> hand_off(Queue& q, const std::string& actor, const std::string& event_id, const HandoffRequest& r,
                         bool offline) {
  const Task* t = q.defs().task(r.task);
  if (!t) return fail(Error::unknown_task(r.task));
  auto commit = q.repo().resolve_commit(r.commit);
  if (!commit) return fail(commit.error());

  const TaskState& ts = q.state().task(r.task);
  Acting how = acting_on(q, actor, r.task);
  Handoff h;
  Event& e = h.event;
  e.type = EventType::handoff;
  e.id = event_id;
  e.task = r.task;
  e.actor = actor;
  e.role = how.role;
  e.claim = how.claim;
  e.lane = ts.lane ? std::optional<int64_t>(ts.lane) : std::nullopt;
  e.commit = *commit;
  e.branch = !r.branch.empty() ? r.branch : ts.branch;
  const std::string lane = lane_branch(q.defs(), t->role, ts.lane ? ts.lane : 1);
  if (e.branch.empty()) {
    std::string head = q.repo().head_branch();
    e.branch = head.rfind("refs/heads/", 0) == 0 ? head.substr(11) : lane;
  }
  // The handoff pushes this branch; it must never be the base or release branch, which only
  // merge and promote move.
  if (e.branch == q.state().base || (!q.defs().policy.release.empty() && e.branch == q.defs().policy.release))
    return fail(Error::usage("cannot hand off on " + e.branch + ": it is a protected branch of the queue")
                    .hint("hand off from the task's branch: --branch " + lane));
  e.risks = r.risks;
  e.next = r.next;
  e.root_cause = r.root_cause;
  e.owning_file = r.owning_file;
  e.proof_command = r.proof_command;

  auto merge_base = q.repo().merge_base(q.base_tip(), *commit);
  if (!merge_base)
    return fail(Error(Code::NOT_BASED_ON_BASE, short_id(*commit) + " shares no history with " + q.state().base));
  e.merge_base = *merge_base;
  auto commits = commits_between(q.repo(), *merge_base, *commit);
  if (!commits) return fail(commits.error());
  e.commits = *commits;
  auto files = diff_paths(q.repo(), *merge_base, *commit);
  if (!files) return fail(files.error());
  e.files = *files;
  auto pid = patch_id(q.repo(), *merge_base, *commit);
  if (!pid) return fail(pid.error());
  e.patch_id = *pid;
  for (const auto& ev : ts.evidence)
    if (ev.commit == *commit) e.evidence.push_back(ev.id);

  // With a remote, reviewers and CI in other clones must be able to fetch the commit. The
  // branch moves in the same atomic push as the event, after the event was judged (a handoff the
  // rules refuse moves nothing), leased on the value just fetched; and it moves only over what
  // it contains, or over this task's last handoff: commits someone else put there are never
  // overwritten.
  const std::string remote = q.defs().policy.remote;
  WriteOptions o;
  if (!remote.empty() && q.repo().config_get("remote." + remote + ".url") && !offline) {
    auto theirs = fetch_branch(q.repo(), remote, e.branch);
    if (!theirs) return fail(theirs.error());
    if (*theirs && **theirs != *commit) {
      const bool contains = q.repo().is_ancestor(**theirs, *commit);
      const bool last_handoff = ts.handoff && ts.handoff->commit == **theirs;
      if (!contains && !last_handoff)
        return fail(Error(Code::NON_FAST_FORWARD,
                          remote + "'s " + e.branch + " is at " + short_id(**theirs) + ", which " + short_id(*commit) +
                              " does not contain: handing off would overwrite those commits",
                          {}, "merge or rebase onto " + remote + "/" + e.branch +
                                  " first, or hand off on another branch (--branch); nothing was written"));
    }
    o.also_move.push_back(BranchMove{e.branch, *commit, *theirs});
  }

  auto w = q.write(e, {}, {}, o);
  if (!w) return fail(w.error());
  h.written = std::move(*w);
  h.reviewers = routed_roles(q.defs(), e.files);
  h.dependencies_done = undone_dependencies(q.state(), *t).empty();
  return h;
}

void fetch_handed_off(Queue& q, const std::string& task, bool offline) {
  const TaskState& ts = q.state().task(task);
  if (!ts.handoff || offline || q.remote().empty() || q.repo().resolve_commit(ts.handoff->commit)) return;
  const std::string& b = ts.handoff->branch;
  (void)run_git({"fetch", "--quiet", q.remote(), "+refs/heads/" + b + ":refs/remotes/" + q.remote() + "/" + b},
                git_cwd(q.repo()));
}

}  // namespace agentq
