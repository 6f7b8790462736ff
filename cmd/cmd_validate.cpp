// git agentq validate: full replay of the log against the definitions each event names, plus
// the cross-checks of gitstore/audit.h. Exit 1 when anything is wrong, 2 when the definitions
// cannot be loaded.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/audit.h"
#include "gitstore/notes.h"

namespace agentq::cli {

int run_validate(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const QueueState& s = q->state();
  AuditOptions a;
  a.checks = {AuditCheck::replay, AuditCheck::notes, AuditCheck::done_on_base, AuditCheck::declared,
              AuditCheck::history, AuditCheck::defs_authorised};
  a.notes_tip = q->repo().ref(kNotesRef);
  std::vector<Finding> findings;
  for (AuditSection& sec : audit(*q, a)) {
    if (sec.error) return ctx.out.error(*sec.error);
    findings.insert(findings.end(), sec.findings.begin(), sec.findings.end());
  }
  // Loading's warnings (q->warnings()) were told by the driver, right after the load.
  size_t open = 0;
  for (const auto& f : findings) open += f.voided ? 0 : 1;

  if (ctx.out.json_mode) {
    json j;
    j["ok"] = open == 0;
    j["events"] = s.events;
    j["log_tip"] = s.tip;
    j["base_tip"] = q->base_tip();
    j["defs"] = q->defs_commit();
    json items = json::array();
    for (const auto& f : findings) items.push_back(finding_json(f));
    j["findings"] = items;
    ctx.out.emit(j);
    return open ? 1 : 0;
  }
  for (const auto& f : findings) {
    if (f.voided) ctx.out.line(ctx.out.dim("voided[" + std::string(code_name(f.code)) + "]: " + finding_error(f).str()));
    else ctx.out.diagnostic(finding_error(f));
  }
  if (open) {
    ctx.out.note(std::to_string(open) + " finding(s) in " + std::to_string(s.events) + " events");
    return 1;
  }
  ctx.out.line(ctx.out.green("ok") + ": " + std::to_string(s.events) + " events, " + std::to_string(q->defs().tasks.size()) +
               " tasks, log " + short_id(s.tip) + ", base " + short_id(q->base_tip()));
  return 0;
}

}  // namespace agentq::cli
