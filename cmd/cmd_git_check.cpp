// git agentq git-check: the queue against the real branches (the runbook's
// agent_queue_git_consistency): done tasks' commits are on base, claimed tasks' branches exist,
// no branch is held by two tasks, open handoff commits exist. Exit 1 on findings.
#include <map>

#include "cmd/command.h"
#include "cmd/common.h"

namespace agentq::cli {

int run_git_check(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const QueueState& s = q->state();
  const std::string remote = q->defs().policy.remote;
  std::vector<Error> findings;
  std::map<std::string, std::vector<std::string>> branch_holders;
  for (const auto& [id, t] : s.tasks) {
    if (t.status == TaskStatus::done && !t.done_commit.empty() && !q->view().reachable_from_base(t.done_commit))
      findings.push_back(Error(Code::NOT_MERGED, "done task " + id + " names " + short_id(t.done_commit) +
                                                      ", which is not on " + s.base, {},
                               "restore the commit on " + s.base + " (was the branch force-pushed?)")
                             .in_task(id));
    if (!holds_lane(t.status)) continue;
    if (!t.branch.empty()) {
      branch_holders[t.branch].push_back(id);
      const bool exists = q->repo().ref("refs/heads/" + t.branch) ||
                          (!remote.empty() && q->repo().ref("refs/remotes/" + remote + "/" + t.branch));
      if (!exists)
        findings.push_back(Error(Code::BRANCH_MISSING, id + " is " + std::string(to_string(t.status)) + " on branch " +
                                                           t.branch + ", which does not exist",
                                 {}, "create or fetch " + t.branch + ", or unclaim " + id)
                               .in_task(id));
    }
    if (t.handoff && !q->repo().has_object(t.handoff->commit))
      findings.push_back(Error(Code::COMMIT_MISSING, "the handoff commit " + short_id(t.handoff->commit) + " of " + id +
                                                         " is not in this repository",
                               {}, "fetch " + t.handoff->branch + " (or hand off again)")
                             .in_task(id));
  }
  for (const auto& [branch, ids] : branch_holders) {
    if (ids.size() < 2) continue;
    std::string list;
    for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
    findings.push_back(Error(Code::BRANCH_IN_USE, "branch " + branch + " is held by " + std::to_string(ids.size()) +
                                                      " tasks: " + list,
                             {}, "give each task its own lane branch"));
  }
  if (ctx.out.json_mode) {
    json list = json::array();
    for (const auto& f : findings) list.push_back(error_json(f));
    ctx.out.emit(json{{"ok", findings.empty()}, {"findings", list}});
  } else {
    for (const auto& f : findings) ctx.out.diagnostic(f);
    if (findings.empty())
      ctx.out.line(ctx.out.green("ok") + ": the queue agrees with the branches");
  }
  return findings.empty() ? 0 : 1;
}

}  // namespace agentq::cli
