// The repository side of lanes: where lane worktrees live, creating and removing them through
// the git executable (libgit2's git_worktree_add names the branch after the directory and
// cannot reuse an existing branch the way `git worktree add PATH BRANCH` does), per-worktree
// configuration (`git config --worktree`: libgit2 ignores config.worktree), saving
// uncommitted work as a patch, the facts preflight needs, and the per-worktree tick snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/board.h"
#include "core/definitions.h"
#include "core/error.h"
#include "gitstore/verify.h"
#include "gitstore/repo.h"

namespace agentq {

struct WorktreeEntry {
  std::string path;
  std::string head;    // commit id; empty when unborn
  std::string branch;  // refs/heads/…; empty when detached
  bool bare = false;
};

// `git worktree list --porcelain`: the main worktree first.
Result<std::vector<WorktreeEntry>> list_worktrees(const Repo& repo);

// Where lanes go: <root>/<prefix>-<name>. `root` is policy.worktree_root resolved against the
// main worktree (the coordinator's checkout, whichever worktree runs the command); `prefix` is
// policy.worktree_prefix or the main worktree's directory name.
struct LaneLayout {
  std::string main;  // the main worktree (or the bare repository's directory)
  std::string root;
  std::string prefix;
  std::string path_of(const std::string& dir) const { return root + "/" + dir; }
};
Result<LaneLayout> lane_layout(const Repo& repo, const Definitions& d);

// The tip lanes start from and are judged against: <remote>/<base> when that tracking ref
// exists, else the local base branch.
struct BaseTip {
  std::string name;  // "origin/main" or "main"
  std::string tip;   // empty when neither exists
};
BaseTip base_tip_of(const Repo& repo, const std::string& remote, const std::string& base);

// `git fetch <remote> +refs/heads/<branch>:refs/remotes/<remote>/<branch>` — into a named
// tracking ref, never only FETCH_HEAD. Returns the fetched commit (nullopt: the remote has no
// such branch).
Result<std::optional<std::string>> fetch_branch(const Repo& repo, const std::string& remote, const std::string& branch);

// `git branch --no-track BRANCH START` unless the branch exists. True when it was created.
Result<bool> ensure_branch(const Repo& repo, const std::string& branch, const std::string& start);

// `git worktree add PATH BRANCH` unless a worktree of this repository is already at PATH.
// True when it was created. GIT_ERROR when PATH exists and is not one of our worktrees;
// BRANCH_IN_USE when another worktree has the branch checked out.
Result<bool> ensure_worktree(const Repo& repo, const std::string& path, const std::string& branch);

// `git config --worktree KEY VALUE` in the worktree at `path`, enabling
// extensions.worktreeConfig first (repository format 0 honours it, and libgit2 keeps opening
// the repository).
Status set_worktree_config(const Repo& repo, const std::string& path, const std::string& key, const std::string& value);
// `git config --get KEY` as seen from the worktree at `path`; with `worktree_only`, only that
// worktree's own config.worktree.
Result<std::optional<std::string>> config_at(const std::string& path, const std::string& key, bool worktree_only = false);

// `git status --porcelain` in the worktree at `path`.
Result<std::vector<std::string>> dirty_at(const std::string& path);

// The commits reachable from `tip` but from none of `hide` (tips that do not exist are
// skipped), newest first.
Result<std::vector<std::string>> commits_not_on(const Repo& repo, const std::string& tip,
                                                const std::vector<std::string>& hide);
// How many commits `a` has that `b` lacks, and the other way round.
Result<std::pair<size_t, size_t>> ahead_behind(const Repo& repo, const std::string& a, const std::string& b);
// The committer time of a commit, as RFC 3339; empty when unknown.
std::string commit_time(const Repo& repo, const std::string& commit);

// Saves the uncommitted work of the worktree at `path` (changes to tracked files and untracked,
// not ignored, files) as a binary patch against its HEAD under <common dir>/agentq/saved/, named
// after `label`. The worktree, its index and its files are left exactly as they were (the patch
// is built in a temporary index). nullopt when there is nothing to save; else the patch's path.
Result<std::optional<std::string>> save_uncommitted(const Repo& repo, const std::string& path, const std::string& label);

// `git worktree remove [--force --force] PATH`, then `git worktree prune`.
Status remove_worktree(const Repo& repo, const std::string& path, bool force);
// `git worktree prune`: forgets worktrees whose directory is gone.
void prune_worktrees(const Repo& repo);
// `git branch -D BRANCH`.
Status delete_branch(const Repo& repo, const std::string& branch);

// Points refs/heads/`branch` at `commit`. With `checkout`, also switches the current worktree
// to it (`git switch -C`). BRANCH_IN_USE when another worktree has it checked out.
Status move_branch(const Repo& repo, const std::string& branch, const std::string& commit, bool checkout);

// The hooks directory (honouring core.hooksPath) and the `names` whose hook there lacks the
// marker line `# installed by git-agentq install-hooks`.
struct HooksCheck {
  std::string dir;
  std::vector<std::string> missing;
};
Result<HooksCheck> check_hooks(const Repo& repo, const std::vector<std::string>& names);

// The configured signing key (user.signingkey, per worktree) as a public key text: a literal
// key (`key::` prefix allowed), or the public key of the ssh key file it names (a .pub file,
// else the private key's .pub sibling, else `ssh-keygen -y`). For OpenPGP it is the key id as
// configured. Empty when none is configured.
Result<std::string> configured_signing_key(const Repo& repo);
// openpgp_fingerprint (of an armored public key) lives in gitstore/verify.h, included above.

// The last tick's snapshot, kept per worktree (<git dir>/agentq/tick.json). An empty snapshot
// when there was none (or it cannot be read: it is only a convenience).
TickSnapshot read_tick(const Repo& repo);
Status write_tick(const Repo& repo, const TickSnapshot& t);

// Replaces this process with `argv` (launching a terminal multiplexer in the foreground).
// Returns only on failure.
Status exec_program(const std::vector<std::string>& argv);
// True when `program` is found on PATH.
bool on_path(const std::string& program);

}  // namespace agentq
