#include "gitstore/git_config.h"

#include "core/strings.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq {

Result<std::optional<std::string>> config_at(const std::string& path, const std::string& key, bool worktree_only) {
  auto r = worktree_only ? run_git({"config", "--worktree", "--get", key}, path) : run_git({"config", "--get", key}, path);
  if (!r) return fail(r.error());
  // Without extensions.worktreeConfig git refuses --worktree: then nothing is set per worktree.
  if (r->exit_code == 1 || (worktree_only && r->exit_code != 0)) return std::optional<std::string>();
  if (r->exit_code != 0) return fail(git_failed("git config --get " + key + " failed", *r));
  return std::optional<std::string>(chomp(r->out));
}

Result<std::optional<std::string>> git_config_get(const Repo& repo, const std::string& key) {
  return config_at(git_cwd(repo), key);
}

Status set_worktree_config(const Repo& repo, const std::string& path, const std::string& key, const std::string& value) {
  auto ext = git_config_get(repo, "extensions.worktreeConfig");
  if (!ext) return fail(ext.error());
  if (!*ext || (**ext != "true" && **ext != "1")) {
    auto r = run_git_checked({"config", "extensions.worktreeConfig", "true"}, git_cwd(repo),
                             "cannot enable extensions.worktreeConfig");
    if (!r) return fail(r.error());
  }
  auto r = run_git_checked({"config", "--worktree", key, value}, path, "git config --worktree " + key + " failed in " + path);
  if (!r) return fail(r.error());
  return {};
}

Result<std::string> resolve_actor(const Repo& repo, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const auto& e = repo.env().settings().actor) return *e;
  auto cfg = git_config_get(repo, "agentq.actor");
  if (!cfg) return fail(cfg.error());
  return cfg->value_or("");
}

}  // namespace agentq
