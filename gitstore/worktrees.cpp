#include "gitstore/worktrees.h"

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "gitstore/process.h"
#include "gitstore/system.h"

namespace agentq {
namespace fs = std::filesystem;

std::string git_cwd(const Repo& repo) { return repo.workdir().empty() ? repo.git_dir() : repo.workdir(); }

Result<ScratchWorktree> ScratchWorktree::create(const Repo& repo, const std::string& commit) {
  std::string tmpl = (fs::temp_directory_path() / "agentq-check-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return fail(Error::io("cannot create a temporary directory", tmpl));
  // git worktree add wants a path that does not exist yet.
  const std::string path = tmpl + "/tree";
  auto r = run_git({"worktree", "add", "--detach", "--quiet", "--end-of-options", path, commit}, git_cwd(repo));
  if (!r) return fail(r.error());
  if (r->exit_code != 0) {
    std::error_code ec;
    fs::remove_all(tmpl, ec);
    return fail(Error(Code::GIT_ERROR, "git worktree add failed: " + r->err));
  }
  return ScratchWorktree(git_cwd(repo), path);
}

ScratchWorktree::ScratchWorktree(ScratchWorktree&& o) noexcept : git_cwd_(std::move(o.git_cwd_)), path_(std::move(o.path_)) {
  o.path_.clear();
}

ScratchWorktree::~ScratchWorktree() {
  if (path_.empty()) return;
  // The checkout is ours alone (a fresh detached tree): forcing its removal loses nothing.
  (void)run_git({"worktree", "remove", "--force", "--force", path_}, git_cwd_);
  std::error_code ec;
  fs::remove_all(fs::path(path_).parent_path(), ec);
  (void)run_git({"worktree", "prune"}, git_cwd_);
}

std::string normal_path(const std::string& p) {
  std::string s = fs::path(p).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  auto ca = fs::weakly_canonical(a, ec1), cb = fs::weakly_canonical(b, ec2);
  if (!ec1 && !ec2) return ca == cb;
  return normal_path(a) == normal_path(b);
}

Result<std::vector<WorktreeEntry>> list_worktrees(const Repo& repo) {
  auto r = run_git_checked({"worktree", "list", "--porcelain"}, git_cwd(repo), "git worktree list failed");
  if (!r) return fail(r.error());
  std::vector<WorktreeEntry> out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("worktree ", 0) == 0) out.push_back({line.substr(9), {}, {}, false});
    else if (out.empty()) continue;
    else if (line.rfind("HEAD ", 0) == 0) out.back().head = line.substr(5);
    else if (line.rfind("branch ", 0) == 0) out.back().branch = line.substr(7);
    else if (line == "bare") out.back().bare = true;
  }
  return out;
}

const WorktreeEntry* worktree_at(const std::vector<WorktreeEntry>& worktrees, const std::string& path) {
  for (const auto& w : worktrees)
    if (same_path(w.path, path)) return &w;
  return nullptr;
}

Result<std::optional<std::string>> worktree_holding(const Repo& repo, const std::string& branch) {
  auto wts = list_worktrees(repo);
  if (!wts) return fail(wts.error());
  for (const auto& w : *wts)
    if (w.branch == branch) return std::optional<std::string>(w.path);
  return std::optional<std::string>();
}

Result<std::vector<std::string>> dirty_at(const std::string& path) {
  auto r = run_git_checked({"status", "--porcelain"}, path, "git status failed in " + path);
  if (!r) return fail(r.error());
  std::vector<std::string> out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

Result<std::vector<std::string>> dirty_paths(const Repo& repo) {
  if (repo.is_bare()) return fail(Error(Code::GIT_ERROR, "a bare repository has no work tree"));
  return dirty_at(repo.workdir());
}

Result<bool> ensure_worktree(const Repo& repo, const std::string& path, const std::string& branch) {
  auto wts = list_worktrees(repo);
  if (!wts) return fail(wts.error());
  if (worktree_at(*wts, path)) {
    if (path_exists(path)) return false;
    prune_worktrees(repo);
    wts = list_worktrees(repo);
    if (!wts) return fail(wts.error());
  }
  if (path_exists(path))
    return fail(Error(Code::GIT_ERROR, path + " exists and is not a worktree of this repository", {},
                      "move it away, or set policy.worktree_root / worktree_prefix"));
  for (const auto& w : *wts)
    if (w.branch == "refs/heads/" + branch)
      return fail(Error(Code::BRANCH_IN_USE, "branch " + branch + " is checked out in " + w.path, {},
                        "switch that worktree to another branch, or remove it"));
  auto r = run_git_checked({"worktree", "add", "--quiet", "--end-of-options", path, branch}, git_cwd(repo), "git worktree add " + path + " failed");
  if (!r) return fail(r.error());
  return true;
}

Status remove_worktree(const Repo& repo, const std::string& path, bool force) {
  std::vector<std::string> args{"worktree", "remove"};
  if (force) args.insert(args.end(), {"--force", "--force"});
  args.push_back(path);
  auto r = run_git_checked(args, git_cwd(repo), "git worktree remove " + path + " failed");
  if (!r) return fail(r.error());
  prune_worktrees(repo);
  return {};
}

void prune_worktrees(const Repo& repo) { (void)run_git({"worktree", "prune"}, git_cwd(repo)); }

}  // namespace agentq
