// Work trees: scratch checkouts for running checks, and what the user's work trees hold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// A detached worktree of `commit` in a fresh temporary directory (`git worktree add --detach`:
// libgit2 cannot create a detached worktree), removed with its administrative files when the
// object goes away. Checks run here, never in the user's possibly dirty tree.
class ScratchWorktree {
 public:
  static Result<ScratchWorktree> create(const Repo& repo, const std::string& commit);
  ScratchWorktree(ScratchWorktree&& other) noexcept;
  ScratchWorktree& operator=(ScratchWorktree&&) = delete;
  ~ScratchWorktree();
  const std::string& path() const { return path_; }

 private:
  ScratchWorktree(std::string git_cwd, std::string path) : git_cwd_(std::move(git_cwd)), path_(std::move(path)) {}
  std::string git_cwd_, path_;
};

// `git status --porcelain` of the current work tree: empty when clean ("work tree clean" means
// exactly that, per DESIGN.md). Errors for a bare repository.
Result<std::vector<std::string>> dirty_paths(const Repo& repo);

// The commits in from..to, oldest first.
Result<std::vector<std::string>> commits_between(const Repo& repo, const std::string& from, const std::string& to);

// The work tree that has `branch` (refs/heads/…) checked out, if any.
Result<std::optional<std::string>> worktree_holding(const Repo& repo, const std::string& branch);

// Where git commands for this repository run: the work tree, or the git dir when bare.
std::string git_cwd(const Repo& repo);

}  // namespace agentq
