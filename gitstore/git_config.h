// Settings that may be per-worktree (agentq.actor, user.signingkey, gpg.*): read through the
// `git config` command, because libgit2 ignores config.worktree.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// `git config --get KEY` run in the repository's work tree (or git dir when bare).
Result<std::optional<std::string>> git_config_get(const Repo& repo, const std::string& key);

// The acting actor: `flag` (--actor) > AGENTQ_ACTOR > agentq.actor. Empty when none is set.
Result<std::string> resolve_actor(const Repo& repo, const std::string& flag);

}  // namespace agentq
