// The base audit: every first-parent commit on the base branch since the queue began must be
// accounted for — by a done task, an override, a definitions change signed by a human actor,
// or a policy exemption.
// (CI's "merged ⇒ accounted for", the converse of "done ⇒ merged".)
#pragma once

#include <optional>
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
  // For a commit that changes the definitions: the human actor, declared in the definitions
  // of its first parent, whose key signed it (empty: unsigned, or no such actor's key).
  std::string defs_signer;
};

// Whether `c` changes .agentq/queue.yaml.
bool changes_definitions(const BaseCommit& c);

// The definitions rule: a commit that changes .agentq/queue.yaml reaches base only signed by a
// human actor the definitions before it declare (defs_signer), or as a task's work (which the
// callers account first). DEFS_UNAUTHORISED otherwise; nullopt when it passes.
std::optional<ReadyItem> defs_unauthorised(const BaseCommit& c, const Definitions& d);

struct BaseAudit {
  std::vector<ReadyItem> untracked;  // UNTRACKED_BASE_COMMIT, one per commit
  std::vector<ReadyItem> overridden; // commits let through by an override (reported, not failures)
};

// `commits`: first-parent commits of base after the queue's init, newest first.
// `govern_defs`: apply the definitions rule (defs_unauthorised) too.
BaseAudit audit_base(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& commits,
                     bool govern_defs = true);

}  // namespace agentq
