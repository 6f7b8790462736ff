// The base audit: every first-parent commit on the base branch since the queue began must be
// accounted for — by a done task, an override, a definitions change, or a policy exemption.
// (CI's "merged ⇒ accounted for", the converse of "done ⇒ merged".)
#pragma once

#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/merge_ready.h"
#include "core/state.h"

namespace agentq {

struct BaseCommit {
  std::string id;
  std::vector<std::string> parents;
  std::string author_email;
  std::vector<std::string> files;  // changed against the first parent
};

struct BaseAudit {
  std::vector<ReadyItem> untracked;  // UNTRACKED_BASE_COMMIT, one per commit
  std::vector<ReadyItem> overridden; // commits let through by an override (reported, not failures)
};

// `commits`: first-parent commits of base after the queue's init, newest first.
BaseAudit audit_base(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& commits);

}  // namespace agentq
