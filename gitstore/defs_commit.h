// Committing new definitions to the base branch (import): the one place git-agentq itself
// moves policy.base without a merge. Through the git executable, like a user would.
#pragma once

#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

struct DefsCommit {
  std::string commit;    // the tip of base afterwards
  bool changed = false;  // false: base already held exactly this .agentq/queue.yaml
};

// Commits `yaml` as .agentq/queue.yaml on top of refs/heads/<base> (a temporary index, so the
// work tree is not touched unless base is checked out here, in which case that one file is
// brought up to date; uncommitted changes to it are refused with WORKTREE_DIRTY).
Result<DefsCommit> commit_definitions(Repo& repo, const std::string& base, const std::string& yaml,
                                      const std::string& message);

// `git push <remote> <branch>` (fast-forward only). REMOTE_REJECTED with git's message.
Status push_branch(Repo& repo, const std::string& remote, const std::string& branch);

}  // namespace agentq
