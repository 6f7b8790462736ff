// Walks of branch history the audits need.
#pragma once

#include <string>
#include <vector>

#include "core/base_audit.h"
#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

struct FirstParentWalk {
  std::vector<BaseCommit> commits;  // newest first, `stop` excluded
  bool reached_stop = false;        // false: `stop` is not on the first-parent history of `tip`
};

// The first-parent commits from `tip` back to (not including) `stop`, each with its parents,
// author email and the paths it changed against its first parent.
Result<FirstParentWalk> first_parent_since(const Repo& repo, const std::string& tip, const std::string& stop);

}  // namespace agentq

namespace agentq {

// The commits reachable from `tip` and from none of `hide` (ids this repository lacks are
// ignored), newest first, each with its parents, author email and the paths it changed against
// its first parent: what a ref update from one of `hide` to `tip` adds.
Result<std::vector<BaseCommit>> commits_added(const Repo& repo, const std::string& tip, const std::vector<std::string>& hide);

}  // namespace agentq
