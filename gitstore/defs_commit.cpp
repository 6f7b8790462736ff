#include "gitstore/defs_commit.h"

#include <cstdio>

#include "core/strings.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/process.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

Result<std::string> git_out(const std::string& cwd, const std::vector<std::string>& args, const std::string& index = {},
                            const std::optional<std::string>& input = std::nullopt) {
  ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.stdin_data = input;
  if (!index.empty()) spec.env = {{"GIT_INDEX_FILE", index}};
  auto r = run_process(spec);
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error::git("git " + args.front() + " failed: " + trim_end(r->err)));
  return trim_end(r->out);
}

}  // namespace

Result<DefsCommit> commit_definitions(Repo& repo, const std::string& base, const std::string& yaml,
                                      const std::string& message) {
  const std::string cwd = repo.is_bare() ? repo.git_dir() : repo.workdir();
  const std::string ref = "refs/heads/" + base;
  auto old = repo.ref(ref);
  if (!old)
    return fail(Error(Code::GIT_ERROR, "the base branch " + base + " does not exist", {},
                      "create it (or name another with policy.base) and import again"));
  auto current = repo.read_path(*old, kDefsPath);
  if (!current) return fail(current.error());
  if (*current && **current == yaml) return DefsCommit{*old, false};

  const bool checked_out = !repo.is_bare() && repo.head_branch() == ref;
  if (checked_out) {
    auto dirty = git_out(cwd, {"status", "--porcelain", "--", kDefsPath});
    if (!dirty) return fail(dirty.error());
    if (!dirty->empty())
      return fail(Error(Code::WORKTREE_DIRTY, std::string(kDefsPath) + " has uncommitted changes", {},
                        "commit or stash them, then import again"));
  }
  AGENTQ_TRY(make_dirs(repo.shared_state_dir()));
  const std::string index = repo.shared_state_dir() + "/import.index";
  auto blob = git_out(cwd, {"hash-object", "-w", "--stdin"}, {}, yaml);
  if (!blob) return fail(blob.error());
  AGENTQ_TRY(git_out(cwd, {"read-tree", *old}, index));
  AGENTQ_TRY(git_out(cwd, {"update-index", "--add", "--cacheinfo", "100644," + *blob + "," + kDefsPath}, index));
  auto tree = git_out(cwd, {"write-tree"}, index);
  (void)std::remove(index.c_str());
  if (!tree) return fail(tree.error());
  auto commit = git_out(cwd, {"commit-tree", *tree, "-p", *old, "-m", message});
  if (!commit) return fail(commit.error());
  AGENTQ_TRY(git_out(cwd, {"update-ref", "-m", "agentq import", ref, *commit, *old}));
  if (checked_out) AGENTQ_TRY(git_out(cwd, {"checkout", "HEAD", "--", kDefsPath}));
  return DefsCommit{*commit, true};
}

Status push_branch(Repo& repo, const std::string& remote, const std::string& branch) {
  const std::string cwd = repo.is_bare() ? repo.git_dir() : repo.workdir();
  auto r = run_git({"push", "--quiet", "--end-of-options", remote, "refs/heads/" + branch + ":refs/heads/" + branch}, cwd);
  if (!r) return fail(r.error());
  if (r->exit_code != 0)
    return fail(Error(Code::REMOTE_REJECTED, "cannot push " + branch + " to " + remote + ": " + trim_end(r->err), {},
                      "bring " + branch + " up to date with " + remote + "/" + branch + " and import again"));
  return {};
}

}  // namespace agentq
