#include "gitstore/worktrees.h"

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "gitstore/handles.h"
#include "gitstore/process.h"

namespace agentq {

std::string git_cwd(const Repo& repo) { return repo.workdir().empty() ? repo.git_dir() : repo.workdir(); }

Result<ScratchWorktree> ScratchWorktree::create(const Repo& repo, const std::string& commit) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "agentq-check-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return fail(Error::io("cannot create a temporary directory", tmpl));
  // git worktree add wants a path that does not exist yet.
  const std::string path = tmpl + "/tree";
  auto r = run_git({"worktree", "add", "--detach", "--quiet", path, commit}, git_cwd(repo));
  if (!r) return fail(r.error());
  if (r->exit_code != 0) {
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
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
  std::filesystem::remove_all(std::filesystem::path(path_).parent_path(), ec);
  (void)run_git({"worktree", "prune"}, git_cwd_);
}

Result<std::vector<std::string>> dirty_paths(const Repo& repo) {
  if (repo.is_bare()) return fail(Error(Code::GIT_ERROR, "a bare repository has no work tree"));
  auto r = run_git({"status", "--porcelain"}, repo.workdir());
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error(Code::GIT_ERROR, "git status failed: " + r->err));
  std::vector<std::string> out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

Result<std::vector<std::string>> commits_between(const Repo& repo, const std::string& from, const std::string& to) {
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, repo.raw()) != 0) return fail(git::last_error("cannot walk history"));
  git::RevwalkPtr walk(w);
  git_oid a, b;
  if (!git::parse_oid(from, &a) || !git::parse_oid(to, &b)) return fail(Error::git("bad commit id"));
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  if (git_revwalk_push(w, &b) != 0 || git_revwalk_hide(w, &a) != 0) return fail(git::last_error("cannot walk history"));
  std::vector<std::string> out;
  git_oid next;
  while (git_revwalk_next(&next, w) == 0) out.push_back(git::oid_str(next));
  return out;
}

Result<std::optional<std::string>> worktree_holding(const Repo& repo, const std::string& branch) {
  auto r = run_git({"worktree", "list", "--porcelain"}, git_cwd(repo));
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error(Code::GIT_ERROR, "git worktree list failed: " + r->err));
  std::istringstream in(r->out);
  std::string current;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("worktree ", 0) == 0) current = line.substr(9);
    else if (line == "branch " + branch) return std::optional<std::string>(current);
  }
  return std::optional<std::string>();
}

}  // namespace agentq
