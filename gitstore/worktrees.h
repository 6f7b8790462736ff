// Work trees: the scratch checkouts checks run in, the work trees of this repository and what
// they hold, adding and removing them. Through the git executable: libgit2's git_worktree_add
// names the branch after the directory, cannot reuse an existing branch the way `git worktree
// add PATH BRANCH` does, and cannot create a detached worktree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// A detached worktree of `commit` in a fresh temporary directory, removed with its
// administrative files when the object goes away. Checks run here, never in the user's
// possibly dirty tree.
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

struct WorktreeEntry {
  std::string path;
  std::string head;    // commit id; empty when unborn
  std::string branch;  // refs/heads/…; empty when detached
  bool bare = false;
};

// `git worktree list --porcelain`: the main worktree first.
Result<std::vector<WorktreeEntry>> list_worktrees(const Repo& repo);
// The entry of `worktrees` at `path`, or null.
const WorktreeEntry* worktree_at(const std::vector<WorktreeEntry>& worktrees, const std::string& path);
// The work tree that has `branch` (refs/heads/…) checked out, if any.
Result<std::optional<std::string>> worktree_holding(const Repo& repo, const std::string& branch);
// True when `a` and `b` are the same directory as the file system sees it (symlinked temporary
// directories included); compared as normalised text when either cannot be resolved.
bool same_path(const std::string& a, const std::string& b);
// `p` lexically normalised, without a trailing '/'.
std::string normal_path(const std::string& p);

// `git status --porcelain` in the work tree at `path`, one line per changed or untracked path:
// empty when clean ("work tree clean" means exactly that).
Result<std::vector<std::string>> dirty_at(const std::string& path);
// The same for the current work tree. Errors for a bare repository.
Result<std::vector<std::string>> dirty_paths(const Repo& repo);

// `git worktree add PATH BRANCH` unless a worktree of this repository is already at PATH (one
// whose directory was deleted by hand is forgotten and made again). True when it was created.
// GIT_ERROR when PATH exists and is not one of our worktrees; BRANCH_IN_USE when another
// worktree has the branch checked out.
Result<bool> ensure_worktree(const Repo& repo, const std::string& path, const std::string& branch);
// `git worktree remove [--force --force] PATH`, then `git worktree prune`.
Status remove_worktree(const Repo& repo, const std::string& path, bool force);
// `git worktree prune`: forgets worktrees whose directory is gone.
void prune_worktrees(const Repo& repo);

// Where git commands for this repository run: the work tree, or the git dir when bare.
std::string git_cwd(const Repo& repo);

}  // namespace agentq
