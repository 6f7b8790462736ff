#include "gitstore/import.h"

#include "gitstore/git_repo_view.h"
#include "gitstore/remote.h"

namespace agentq {

Result<DefsCommit> commit_import(Queue& q, const ImportPlan& plan, const std::string& file, bool offline) {
  Repo& repo = q.repo();
  const std::string base = plan.defs.policy.base;
  if (q.log_tip()) {
    AGENTQ_TRY(q.load());
    auto current = repo.read_path(q.base_tip(), kDefsPath);
    if (!current) return fail(current.error());
    if (!*current || **current != plan.yaml)
      return fail(Error::usage("the queue is already running with other definitions; import is for switching "
                               "from a YAML queue")
                      .hint("edit .agentq/queue.yaml and use the queue's commands instead"));
  }
  auto committed = commit_definitions(repo, base, plan.yaml,
                                      "agentq: import " + file + " (" + std::to_string(plan.defs.tasks.size()) + " tasks)");
  if (!committed) return fail(committed.error());
  const std::string remote = plan.defs.policy.remote;
  if (committed->changed && !remote.empty() && !offline && remote_configured(repo, remote))
    AGENTQ_TRY(push_branch(repo, remote, base));
  return committed;
}

Result<ImportWrites> write_import_events(Queue& q, const ImportPlan& plan) {
  ImportWrites out;
  for (const Event& e : plan.events) {
    auto w = q.write(e);
    if (!w)
      return fail(Error(w.error().code, "event " + e.id + " (" + subject_line(e) + "): " + w.error().message,
                        w.error().where, "fix the cause and run the same import again: written events are kept"));
    (w->noop ? out.already : out.written) += 1;
    out.pending |= w->pending;
  }
  return out;
}

}  // namespace agentq
