// Walks of branch history: what the audits need, and the commit counts and lists that handoff,
// tick and the lanes report.
#pragma once

#include <string>
#include <utility>
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

// The commits in from..to, oldest first.
Result<std::vector<std::string>> commits_between(const Repo& repo, const std::string& from, const std::string& to);

// The commits reachable from `tip` but from none of `hide` (tips that do not exist are
// skipped), newest first.
Result<std::vector<std::string>> commits_not_on(const Repo& repo, const std::string& tip,
                                                const std::vector<std::string>& hide);

// How many commits `a` has that `b` lacks, and the other way round.
Result<std::pair<size_t, size_t>> ahead_behind(const Repo& repo, const std::string& a, const std::string& b);

// The committer time of a commit, as RFC 3339; empty when unknown.
std::string commit_time(const Repo& repo, const std::string& commit);

}  // namespace agentq
