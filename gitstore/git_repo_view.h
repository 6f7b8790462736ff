// GitRepoView: RepoView on a real repository, pinned to one tip of policy.base for the
// lifetime of a command so every question gets a consistent answer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/repo_view.h"
#include "gitstore/repo.h"

namespace agentq {

inline constexpr const char* kDefsPath = ".agentq/queue.yaml";

// The tip of policy.base to judge against: the local branch, or `<remote>/<base>` when the
// local branch is missing or behind it (so a clone that fetched sees the newest definitions).
Result<std::string> find_base_tip(const Repo& repo, const std::string& base, const std::string& remote);

// Loads .agentq/queue.yaml from `commit`; errors carry "…queue.yaml@<short>:line:col".
Result<Definitions> load_definitions_at(const Repo& repo, const std::string& commit);

class GitRepoView : public RepoView {
 public:
  GitRepoView(const Repo& repo, std::string base_tip);

  Result<std::shared_ptr<const Definitions>> definitions_at(const std::string& commit) override;
  std::optional<int64_t> base_position(const std::string& commit) override;
  bool reachable_from_base(const std::string& commit) override;
  bool commit_exists(const std::string& commit) override;

  const std::string& base_tip() const { return base_tip_; }

 private:
  const Repo& repo_;
  std::string base_tip_;
  std::unordered_map<std::string, Result<std::shared_ptr<const Definitions>>> defs_;
  std::unordered_map<std::string, std::shared_ptr<const Definitions>> defs_by_blob_;
  // First-parent walk from the tip, extended lazily: commit -> -(distance from the tip).
  std::unordered_map<std::string, int64_t> positions_;
  std::string walk_next_;  // the next commit to visit; empty when the walk reached the root
  int64_t walk_depth_ = 0;
  // One revwalk from the tip, continued lazily by every reachability query, so all queries
  // together cost at most one walk of base's history (git_graph_descendant_of per query would
  // walk it once per done task).
  struct Walk;
  std::shared_ptr<Walk> walk_;
  std::unordered_set<std::string> reached_;
  bool walk_done_ = false;
};

}  // namespace agentq
