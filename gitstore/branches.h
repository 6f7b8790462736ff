// Creating, moving and deleting branches through the git executable, so that git's own checks
// (a branch checked out elsewhere) and the reference-transaction hooks see every change.
#pragma once

#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// `git branch --no-track BRANCH START` unless the branch exists. True when it was created.
Result<bool> ensure_branch(const Repo& repo, const std::string& branch, const std::string& start);

// `git branch -D BRANCH`.
Status delete_branch(const Repo& repo, const std::string& branch);

// Points refs/heads/`branch` at `commit`. With `checkout`, also switches the current worktree
// to it (`git switch -C`). BRANCH_IN_USE when another worktree has it checked out.
Status move_branch(const Repo& repo, const std::string& branch, const std::string& commit, bool checkout);

}  // namespace agentq
