#include "gitstore/git_config.h"

#include "core/strings.h"
#include "gitstore/process.h"
#include "gitstore/system.h"

namespace agentq {

Result<std::optional<std::string>> git_config_get(const Repo& repo, const std::string& key) {
  const std::string cwd = repo.workdir().empty() ? repo.git_dir() : repo.workdir();
  auto r = run_git({"config", "--get", key}, cwd);
  if (!r) return fail(r.error());
  if (r->exit_code == 1) return std::optional<std::string>();
  if (r->exit_code != 0)
    return fail(Error(Code::GIT_ERROR, "git config --get " + key + " failed: " + r->err));
  return std::optional<std::string>(chomp(r->out));
}

Result<std::string> resolve_actor(const Repo& repo, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (auto e = env("AGENTQ_ACTOR")) return *e;
  auto cfg = git_config_get(repo, "agentq.actor");
  if (!cfg) return fail(cfg.error());
  return cfg->value_or("");
}

}  // namespace agentq
