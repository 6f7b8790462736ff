#include "gitstore/audit.h"

#include "core/base_audit.h"
#include "core/base_gate.h"
#include "core/consistency.h"
#include "core/ids.h"
#include "gitstore/defs_authority.h"
#include "gitstore/history.h"
#include "gitstore/notes.h"
#include "gitstore/remote.h"
#include "gitstore/seen_tips.h"

namespace agentq {
namespace {

Finding from_item(const ReadyItem& i) {
  Finding f;
  f.code = i.code;
  f.message = i.message;
  f.fix = i.fix;
  f.commit = i.commit;
  return f;
}

Finding from_error(const Error& e) {
  Finding f;
  f.code = e.code;
  f.message = e.message;
  f.fix = e.fix;
  f.commit = e.where.commit;
  f.in_log = e.where.ref.find("agent-queue/") != std::string::npos;
  f.task = e.where.task;
  return f;
}

const char* what_of(AuditCheck c) {
  switch (c) {
    case AuditCheck::replay: return "every event is legal under the definitions it names (signatures, identity, rules)";
    case AuditCheck::notes: return "refs/notes/agentq agrees with the log";
    case AuditCheck::done_on_base: return "every done task's commit is on the base branch";
    case AuditCheck::declared: return "every task open in the log is still declared in the definitions";
    case AuditCheck::base_accounted: return "every first-parent commit on base since init belongs to a task";
    case AuditCheck::handoff_commits: return "every open task's handoff commit exists";
    case AuditCheck::branches: return "every claimed task's branch exists and no branch is held by two tasks";
    case AuditCheck::history: return "the queue still contains the tips seen before (no rewritten history)";
    case AuditCheck::defs_authorised:
      return "every change of the definitions on base is signed by a human actor or a task's work";
  }
  return "";
}

void base_accounted(Queue& q, AuditSection& out) {
  const QueueState& s = q.state();
  auto walk = first_parent_since(q.repo(), q.base_tip(), s.init_defs);
  if (!walk) {
    out.error = walk.error();
    return;
  }
  if (!walk->reached_stop) {
    Finding f;
    f.code = Code::NON_FAST_FORWARD;
    f.message = s.base + " no longer contains the commit the queue started on (" + short_id(s.init_defs) +
                "): its history was rewritten";
    f.fix = "restore " + s.base + " from a clone that has it";
    out.findings.push_back(std::move(f));
  }
  fill_defs_signers(q, walk->commits);
  const BaseAudit audit = audit_base(s, q.defs(), walk->commits);
  for (const ReadyItem& i : audit.untracked) out.findings.push_back(from_item(i));
  for (const ReadyItem& i : audit.overridden) out.notices.push_back(from_item(i));
}

void defs_authorised(Queue& q, AuditSection& out) {
  const QueueState& s = q.state();
  if (s.init_defs.empty()) return;
  auto walk = first_parent_since(q.repo(), q.base_tip(), s.init_defs);
  if (!walk) {
    out.error = walk.error();
    return;
  }
  fill_defs_signers(q, walk->commits);
  for (const GateRefusal& r : judge_defs_changes(s, q.defs(), walk->commits)) out.findings.push_back(from_item(r.why));
}

void history(Queue& q, const AuditOptions& o, AuditSection& out) {
  const QueueState& s = q.state();
  if (!o.must_contain.empty()) {
    if (!q.repo().is_ancestor(o.must_contain, s.tip)) {
      Finding f;
      f.code = Code::NON_FAST_FORWARD;
      f.message = "the queue no longer contains " + short_id(o.must_contain) +
                  ", the tip of the last green run: its history was rewritten (force-push)";
      f.fix = "restore refs/agent-queue/log from a clone that has " + short_id(o.must_contain);
      out.findings.push_back(std::move(f));
    }
    return;
  }
  // A log that lost a tip this clone saw before was rewritten: the local ref, and the remote's
  // as the last fetch brought it (a plain `git fetch` force-updates tracking refs silently).
  auto check = [&](const std::string& name, const std::optional<std::string>& tip, const std::string& what) {
    if (auto st = check_seen_tip(q.repo(), name, tip, what); !st) {
      out.findings.push_back(from_error(st.error()));
      return;
    }
    // The cache is an optimisation of tamper evidence only: a failure to record is not a finding.
    if (tip && o.record_seen) (void)write_seen_tip(q.repo(), name, *tip);
  };
  check("log", s.tip, kLogRef);
  if (!q.remote().empty()) {
    const std::string tracking = tracking_ref(q.remote(), kLogRef);
    if (auto t = q.repo().ref(tracking)) check("remote-" + q.remote(), t, tracking);
  }
}

}  // namespace

size_t AuditSection::open() const {
  size_t n = error ? 1 : 0;
  for (const Finding& f : findings) n += f.voided ? 0 : 1;
  return n;
}

std::string audit_name(AuditCheck c) {
  switch (c) {
    case AuditCheck::replay: return "replay";
    case AuditCheck::notes: return "notes";
    case AuditCheck::done_on_base: return "done-on-base";
    case AuditCheck::declared: return "declared";
    case AuditCheck::base_accounted: return "base-accounted";
    case AuditCheck::handoff_commits: return "handoff-commits";
    case AuditCheck::branches: return "branches";
    case AuditCheck::history: return "queue-history";
    case AuditCheck::defs_authorised: return "defs-authorised";
  }
  return "";
}

std::vector<AuditSection> audit(Queue& q, const AuditOptions& o) {
  std::vector<AuditSection> out;
  const QueueState& s = q.state();
  for (AuditCheck c : o.checks) {
    AuditSection sec;
    sec.name = audit_name(c);
    sec.what = what_of(c);
    switch (c) {
      case AuditCheck::replay:
        sec.findings = s.illegal;
        break;
      case AuditCheck::notes:
        if (auto notes = check_notes(q.repo(), q.entries(), o.notes_tip)) sec.findings = std::move(*notes);
        else sec.error = notes.error();
        break;
      case AuditCheck::done_on_base:
        sec.findings = done_not_on_base(s, q.view());
        break;
      case AuditCheck::declared:
        sec.findings = undeclared_tasks(s, q.defs());
        break;
      case AuditCheck::base_accounted:
        base_accounted(q, sec);
        break;
      case AuditCheck::handoff_commits:
        sec.findings = missing_handoff_commits(s, q.view());
        break;
      case AuditCheck::branches:
        sec.findings = branch_findings(s, [&](const std::string& branch) {
          return q.repo().ref("refs/heads/" + branch) ||
                 (!o.remote.empty() && q.repo().ref(tracking_ref(o.remote, "refs/heads/" + branch)));
        });
        break;
      case AuditCheck::history:
        history(q, o, sec);
        break;
      case AuditCheck::defs_authorised:
        defs_authorised(q, sec);
        break;
    }
    out.push_back(std::move(sec));
  }
  return out;
}

}  // namespace agentq
