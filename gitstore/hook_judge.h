// What the hooks judge: the queue's rules applied where work moves, always against the state
// the ref update would create. Client hooks (pre-push, pre-merge-commit, reference-transaction)
// and the server's pre-receive share one set of rules:
// - policy.base: every commit the update adds belongs to a merge-ready (or done) task, or is
//   accounted for as the base audit accounts for commits (core/base_gate.h), when
//   policy.protect_base is on; definitions that do not load never reach base;
// - policy.release: the release guard (a promoted SHA that base contains);
// - refs/agent-queue/log: fast-forward only, and no new event illegal under replay (the same
//   Queue::load the validator runs, so signature checks apply the day they land there);
// - refs/notes/agentq (pre-receive): the notes agree with the log.
// Each judge opens the repository with `env` (its clock and settings). Hooks only read:
// pre-receive runs with the pushed objects in quarantine, and Repo::open honours
// GIT_OBJECT_DIRECTORY and the alternates git sets for it. Rendering (and the next
// steps a refusal suggests) is the caller's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "gitstore/env.h"

namespace agentq {

// One line of a hook's input.
struct RefChange {
  std::string ref;     // the ref being updated (on the remote, for pre-push)
  std::string old_id;  // empty: created (or unknown)
  std::string new_id;  // empty: deleted
};

struct HookVerdict {
  bool guarded = false;  // the update touched a ref the queue guards (else everything passes)
  std::vector<Error> refusals;
  std::vector<Error> notices;
  std::vector<std::string> blocked_tasks;  // open tasks whose work was refused
  std::string base;         // policy.base, for the hints
  std::string refused_ref;  // reference-transaction: the first ref refused
  bool head_on_refused = false;  // reference-transaction: HEAD is the refused branch

  bool ok() const { return refusals.empty(); }
};

// Whether origin accepts `ref` by name: in refs/agent-queue* and refs/notes/agentq* only the
// log and the notes; every other ref is the host's business.
bool queue_ref_allowed(std::string_view ref);

// A 40-hex id of zeros (git's "no such ref") as empty.
std::string hook_object_id(const std::string& id);

// pre-push REMOTE: `changes` name refs on the remote (the third and fourth fields of git's lines).
Result<HookVerdict> judge_pre_push(Env& env, const std::string& remote, const std::vector<RefChange>& changes);
// pre-merge-commit: the commits git is merging (GITHEAD_<id>, or MERGE_HEAD) into the branch.
Result<HookVerdict> judge_pre_merge_commit(Env& env);
// reference-transaction prepared.
Result<HookVerdict> judge_reference_transaction(Env& env, const std::vector<RefChange>& changes);
// pre-receive on origin.
Result<HookVerdict> judge_pre_receive(Env& env, const std::vector<RefChange>& changes);

}  // namespace agentq
