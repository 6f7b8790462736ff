// ci-check: the whole-queue consistency check CI runs on origin. Fetches the queue, the notes
// and the branches from the remote (the refspecs sync uses, plus every branch), validates
// everything, cross-checks the base branch both ways (done ⇒ merged, merged ⇒ accounted for),
// and fails closed: a remote that cannot be reached, definitions that cannot be read, a missing
// queue ref are failures, never a pass. Rendering (text, JSON, JUnit) is the caller's.
#pragma once

#include <string>
#include <vector>

#include "gitstore/audit.h"
#include "gitstore/queue.h"

namespace agentq {

struct CiCheckOptions {
  std::string remote;      // empty: judge the local refs
  std::string last_green;  // a file holding the queue tip of the last green run (empty: none)
};

struct CiCheckReport {
  std::string remote;
  // fetch (with a remote), queue, then the audit's sections; a section that could not run
  // because an earlier one failed has ran == false.
  std::vector<AuditSection> checks;
  bool loaded = false;  // the queue and its definitions loaded
  int exit_code = 0;    // 0 ok, 1 findings, 2 definitions that do not load, 4 environment
  std::string log_tip, base, base_tip;
  uint64_t events = 0;
  std::vector<std::string> warnings;  // e.g. the last-green file could not be written

  bool ok() const { return exit_code == 0; }
};

// Runs every check on `q` (opened, not loaded). A green run records the queue tip in
// `last_green`.
CiCheckReport ci_check(Queue& q, const CiCheckOptions& o);

}  // namespace agentq
