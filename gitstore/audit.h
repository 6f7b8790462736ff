// The findings of a loaded queue, gathered in one place: validate, ci-check, git-check and
// the hooks report these sections, so each rule is written once and every reporter agrees.
// The rules over the replayed state are core's (core/consistency.h, core/base_audit.h); this
// asks the repository what they need.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gitstore/queue.h"

namespace agentq {

enum class AuditCheck {
  replay,           // every event is legal under the definitions it names
  notes,            // refs/notes/agentq agrees with the log (needs the log kept: LoadOptions::keep_log)
  done_on_base,     // done tasks' commits are still on base (NOT_MERGED)
  declared,         // tasks open in the log are still declared (UNKNOWN_TASK)
  base_accounted,   // every first-parent commit of base since init belongs to a task
  handoff_commits,  // open tasks' handoff commits exist (COMMIT_MISSING)
  branches,         // claimed tasks' branches exist, none held twice (BRANCH_MISSING, BRANCH_IN_USE)
  history,          // the log still contains the tips seen before (NON_FAST_FORWARD)
  defs_authorised,  // every change of the definitions on base since init is authorised (DEFS_UNAUTHORISED)
};

struct AuditSection {
  std::string name;  // stable: ci-check's check names (JSON, JUnit testcases)
  std::string what;  // one line: what it checks
  bool ran = true;
  std::vector<Finding> findings;  // failures; a voided one (Finding::voided) is shown, never counted
  std::vector<Finding> notices;   // reported, never failures (commits let through by an override)
  std::optional<Error> error;     // the check itself could not run (reporters fail closed)

  size_t open() const;  // findings that count
};

struct AuditOptions {
  std::vector<AuditCheck> checks;
  std::optional<std::string> notes_tip;  // notes: the notes commit to compare (nullopt: no notes)
  std::string remote;                    // branches: a branch may exist as <remote>/<branch> instead
  // history: the tip the log must still contain (ci-check's last green run). Empty: the tips
  // this clone saw before (its own log, and the remote's as fetched), which are then recorded.
  std::string must_contain;
  bool record_seen = true;  // history: record the tips seen now (never in hooks or ci-check)
};

// One section per requested check, in the order requested.
std::vector<AuditSection> audit(Queue& q, const AuditOptions& o);

// The section named `name` in `sections` (the checks' names are the AuditCheck names spelled
// as ci-check prints them: "replay", "notes", "done-on-base", …).
std::string audit_name(AuditCheck c);

}  // namespace agentq
