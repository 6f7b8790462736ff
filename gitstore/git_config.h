// Settings that may be per-worktree (agentq.actor, user.signingkey, gpg.*): read and written
// through the `git config` command, because libgit2 ignores config.worktree.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// `git config --get KEY` as seen from the worktree at `path`; with `worktree_only`, only that
// worktree's own config.worktree. nullopt when it is not set.
Result<std::optional<std::string>> config_at(const std::string& path, const std::string& key, bool worktree_only = false);
// The same, run in the repository's work tree (or git dir when bare).
Result<std::optional<std::string>> git_config_get(const Repo& repo, const std::string& key);

// `git config --worktree KEY VALUE` in the worktree at `path`, enabling
// extensions.worktreeConfig first (repository format 0 honours it, and libgit2 keeps opening
// the repository).
Status set_worktree_config(const Repo& repo, const std::string& path, const std::string& key, const std::string& value);

// The acting actor: `flag` (--actor) > AGENTQ_ACTOR > agentq.actor. Empty when none is set.
Result<std::string> resolve_actor(const Repo& repo, const std::string& flag);

}  // namespace agentq
