#include "gitstore/ci_check.h"

#include "gitstore/event_log.h"
#include "gitstore/notes.h"
#include "gitstore/remote.h"
#include "gitstore/system.h"

namespace agentq {

CiCheckReport ci_check(Queue& q, const CiCheckOptions& o) {
  CiCheckReport r;
  r.remote = o.remote;
  auto add = [&](std::string name, std::string what) -> AuditSection& {
    AuditSection s;
    s.name = std::move(name);
    s.what = std::move(what);
    r.checks.push_back(std::move(s));
    return r.checks.back();
  };
  bool fetched = true;
  if (!o.remote.empty()) {
    AuditSection& f = add("fetch", "fetch the queue, the notes and the branches from " + o.remote);
    FetchScope scope;
    scope.all_branches = true;  // the base audit and the branch checks need them all
    scope.unshallow = true;     // CI clones are often shallow: the audits need the history
    if (auto refs = fetch_queue(q.repo(), o.remote, "", scope); !refs) {
      f.error = refs.error();
      r.exit_code = 4;
      fetched = false;
    }
  }
  AuditSection& qc = add("queue", "the queue log exists, starts with init, and the definitions load");
  const std::vector<AuditCheck> checks = {AuditCheck::replay,         AuditCheck::notes,
                                          AuditCheck::done_on_base,   AuditCheck::declared,
                                          AuditCheck::base_accounted, AuditCheck::handoff_commits,
                                          AuditCheck::history};
  if (fetched) {
    LoadOptions load;
    load.keep_log = true;
    if (!o.remote.empty()) {
      load.log_ref = tracking_ref(o.remote, kLogRef);
      load.base_remote = o.remote;
    }
    if (auto st = q.load(load); !st) {
      qc.error = st.error();
      r.exit_code = st.error().exit_code() == 2 ? 2 : 4;
    } else {
      r.loaded = true;
    }
  } else {
    qc.ran = false;
  }
  std::string green;
  if (r.loaded && !o.last_green.empty() && path_exists(o.last_green))
    if (auto text = read_file(o.last_green); text && text->size() >= 40) green = text->substr(0, 40);
  if (!r.loaded) {
    for (AuditCheck c : checks) {
      AuditSection& s = add(audit_name(c), "");
      s.ran = false;
    }
  } else {
    const QueueState& s = q.state();
    r.log_tip = s.tip;
    r.base = s.base;
    r.base_tip = q.base_tip();
    r.events = s.events;
    AuditOptions a;
    a.checks = checks;
    // Without a last green run there is no history to compare with (this clone's own seen tips
    // say nothing about origin): the check passes.
    if (green.empty()) a.checks.pop_back();
    a.notes_tip = q.repo().ref(o.remote.empty() ? std::string(kNotesRef) : tracking_ref(o.remote, kNotesRef));
    a.must_contain = green;
    a.record_seen = false;
    for (AuditSection& sec : audit(q, a)) {
      // ci-check judges what is there now: an illegal event a human voided is no failure.
      std::vector<Finding> open;
      for (Finding& f : sec.findings)
        if (!f.voided) open.push_back(std::move(f));
      sec.findings = std::move(open);
      if (sec.name == audit_name(AuditCheck::history)) sec.what = "the queue still contains the tip of the last green run";
      r.checks.push_back(std::move(sec));
    }
    if (green.empty()) add(audit_name(AuditCheck::history), "the queue still contains the tip of the last green run");
  }
  bool ok = true;
  for (const AuditSection& c : r.checks) ok &= c.ran && c.open() == 0;
  if (!ok && r.exit_code == 0) r.exit_code = 1;
  if (ok && r.loaded && !o.last_green.empty())
    if (auto st = write_file_atomic(o.last_green, q.state().tip + "\n"); !st) r.warnings.push_back(st.error().message);
  return r;
}

}  // namespace agentq
