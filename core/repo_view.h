// RepoView: the questions replay and the rules ask of the repository. gitstore implements it
// on a real repository; unit tests use a fake, so every rule is tested without git.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/definitions.h"
#include "core/error.h"

namespace agentq {

class RepoView {
 public:
  virtual ~RepoView() = default;

  // The definitions at a commit (its .agentq/queue.yaml). Implementations cache by commit.
  virtual Result<std::shared_ptr<const Definitions>> definitions_at(const std::string& commit) = 0;
  // The position of `commit` on base's first-parent history (0 = the root), or nullopt when it
  // is not on it. Events name their definitions commit, and may never name an older one.
  virtual std::optional<int64_t> base_position(const std::string& commit) = 0;
  // True when `commit` is an ancestor of (or equal to) the tip of policy.base.
  virtual bool reachable_from_base(const std::string& commit) = 0;
  // True when the object exists in the repository.
  virtual bool commit_exists(const std::string& commit) = 0;
};

}  // namespace agentq
