// git agentq git-check: the queue against the real branches: done tasks' commits are on base,
// claimed tasks' branches exist, no branch is held by two tasks, open handoff commits exist
// (gitstore/audit.h). Exit 1 on findings.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/audit.h"

namespace agentq::cli {

int run_git_check(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  AuditOptions a;
  a.checks = {AuditCheck::done_on_base, AuditCheck::branches, AuditCheck::handoff_commits};
  a.remote = q.defs().policy.remote;
  std::vector<Error> findings;
  for (const AuditSection& sec : audit(q, a)) {
    if (sec.error) findings.push_back(*sec.error);
    for (const Finding& f : sec.findings) findings.push_back(finding_error(f));
  }
  if (ctx.out.json_mode) {
    json list = json::array();
    for (const auto& f : findings) list.push_back(error_json(f));
    ctx.out.emit(json{{"ok", findings.empty()}, {"findings", list}});
  } else {
    for (const auto& f : findings) ctx.out.diagnostic(f);
    if (findings.empty()) ctx.out.line(ctx.out.green("ok") + ": the queue agrees with the branches");
  }
  return findings.empty() ? 0 : 1;
}

}  // namespace agentq::cli
