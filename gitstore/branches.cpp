#include "gitstore/branches.h"

#include "gitstore/process.h"
#include "gitstore/worktrees.h"

namespace agentq {

Result<bool> ensure_branch(const Repo& repo, const std::string& branch, const std::string& start) {
  if (repo.ref("refs/heads/" + branch)) return false;
  auto r = run_git_checked({"branch", "--no-track", "--end-of-options", branch, start}, git_cwd(repo), "cannot create branch " + branch);
  if (!r) return fail(r.error());
  return true;
}

Status delete_branch(const Repo& repo, const std::string& branch) {
  auto r = run_git_checked({"branch", "-D", "--end-of-options", branch}, git_cwd(repo), "cannot delete branch " + branch);
  if (!r) return fail(r.error());
  return {};
}

Status move_branch(const Repo& repo, const std::string& branch, const std::string& commit, bool checkout) {
  auto holder = worktree_holding(repo, "refs/heads/" + branch);
  if (!holder) return fail(holder.error());
  const bool here = *holder && !repo.workdir().empty() && same_path(**holder, repo.workdir());
  if (*holder && !here)
    return fail(Error(Code::BRANCH_IN_USE, "branch " + branch + " is checked out in " + **holder, {},
                      "run this in that worktree, or switch it to another branch"));
  std::vector<std::string> args = checkout || here ? std::vector<std::string>{"switch", "--quiet", "--no-track", "-C", branch, commit}
                                                   : std::vector<std::string>{"branch", "--no-track", "-f", "--end-of-options", branch, commit};
  auto r = run_git_checked(args, git_cwd(repo), "cannot move " + branch);
  if (!r) return fail(r.error());
  return {};
}

}  // namespace agentq
