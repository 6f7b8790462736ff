// install-hooks: the small shell shims git runs, which hand over to `git agentq hook NAME`.
//
// Shims go where git looks for hooks (`git rev-parse --git-path hooks`, so core.hooksPath is
// honoured). A hook already installed there is kept as NAME.agentq-chained and run first by
// the shim, with the same arguments and input; its failure still blocks. Installing again
// rewrites the shims (the reference-transaction shim carries the guarded ref names, which follow
// the definitions); uninstalling removes them and puts the chained hooks back.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"

namespace agentq {

// Every shim carries this exact line; `preflight` looks for it to tell whether hooks are installed.
inline constexpr const char* kShimMarker = "# installed by git-agentq install-hooks";
inline constexpr const char* kChainedSuffix = ".agentq-chained";

// The hooks a repository gets: client hooks in a repository with a work tree, pre-receive in a
// bare one (origin).
std::vector<std::string> client_hooks();
std::vector<std::string> server_hooks();

// The directory git runs this repository's hooks from (absolute, normalised).
Result<std::string> hooks_dir(const Repo& repo);

// The text of the shim for hook `name`. `guarded` (reference-transaction only): the full ref
// names the hook judges; every other ref exits the shell without starting git-agentq.
std::string shim_text(const std::string& name, const std::vector<std::string>& guarded);

// True when the file at `path` is a shim this tool wrote.
bool is_shim(const std::string& path);
// The `names` whose hook in `dir` is not a shim this tool wrote.
std::vector<std::string> missing_shims(const std::string& dir, const std::vector<std::string>& names);

struct HookChange {
  std::string name, path;
  std::string action;   // installed | updated | unchanged | removed | absent | foreign (left alone)
  std::string chained;  // the path of the chained hook, when there is one
};

// Writes the shims for `names` into `dir`, chaining what was there. IO_ERROR when a foreign hook
// sits next to an existing chained one (the shim was replaced by hand: nothing is touched).
Result<std::vector<HookChange>> install_hooks(const std::string& dir, const std::vector<std::string>& names,
                                              const std::vector<std::string>& guarded);
// Removes the shims for `names` from `dir` and restores the chained hooks. Foreign hooks stay.
Result<std::vector<HookChange>> uninstall_hooks(const std::string& dir, const std::vector<std::string>& names);

struct HooksInstalled {
  std::string dir;
  bool bare = false;
  std::vector<std::string> guarded;  // refs/heads/<base> and, with policy.release, the release branch
  std::vector<HookChange> changes;
};
// `install-hooks` for this repository: the client hooks in one with a work tree (guarding the
// queue's base and release branches, so the queue is loaded for their names), pre-receive in a
// bare one; with `uninstall`, every kind is removed.
Result<HooksInstalled> install_queue_hooks(Queue& q, bool uninstall);

}  // namespace agentq
