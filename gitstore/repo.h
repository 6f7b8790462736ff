// Repo: an open repository. Opens the way git does: GIT_DIR, GIT_OBJECT_DIRECTORY and the
// other environment variables when set (hooks run with them, and pre-receive's quarantine
// needs them), otherwise discovery upward from the current directory (`-C` is a chdir first,
// as in git). Linked worktrees and bare repositories work.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/env.h"

typedef struct git_repository git_repository;

namespace agentq {

class Repo {
 public:
  // `env` (the clock, waits and settings everything below asks for) must outlive the Repo.
  static Result<Repo> open(Env& env);
  // Discovery from `path` (ignores the environment): benchmarks and tools.
  static Result<Repo> open_at(const std::string& path, Env& env = Env::standard());

  Repo(Repo&&) noexcept;
  Repo& operator=(Repo&&) noexcept;
  ~Repo();

  Env& env() const { return *env_; }
  std::string git_dir() const;     // this worktree's git dir, with a trailing slash
  std::string common_dir() const;  // shared by every worktree, with a trailing slash
  std::string workdir() const;     // empty for a bare repository
  bool is_bare() const;
  // Shared state (cache, rejected events): <common dir>/agentq
  std::string shared_state_dir() const;
  // Per-worktree state (claim ids): <git dir>/agentq
  std::string worktree_state_dir() const;

  // The object id a ref points at (symbolic refs resolved); nullopt when it does not exist.
  std::optional<std::string> ref(const std::string& name) const;
  // Resolves a revision (any rev-parse spelling) to a full commit id.
  Result<std::string> resolve_commit(const std::string& rev) const;
  // The content of `path` in `commit`'s tree; nullopt when there is no such file.
  Result<std::optional<std::string>> read_path(const std::string& commit, const std::string& path) const;
  // True when `ancestor` is reachable from `descendant` (or equal to it).
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const;
  bool has_object(const std::string& id) const;
  // The merge base of two commits.
  Result<std::string> merge_base(const std::string& a, const std::string& b) const;
  // The current branch's full ref name (refs/heads/…), or empty when detached/unborn.
  std::string head_branch() const;

  // Shared (repository-level) configuration through libgit2. Per-worktree settings are read
  // with GitConfig (libgit2 ignores config.worktree).
  std::optional<std::string> config_get(const std::string& key) const;
  std::vector<std::string> config_get_all(const std::string& key) const;
  Status config_set(const std::string& key, const std::string& value);
  // Adds `value` to a multi-valued key unless it is already there.
  Status config_add_unique(const std::string& key, const std::string& value);

  git_repository* raw() const;  // gitstore-internal

 private:
  Repo();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Env* env_ = nullptr;
};

}  // namespace agentq
