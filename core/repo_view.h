// RepoView: the questions replay and the rules ask of the repository. gitstore implements it
// on a real repository; unit tests use a fake, so every rule is tested without git.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/error.h"
#include "core/event.h"
#include "core/signature.h"

namespace agentq {

class RepoView {
 public:
  virtual ~RepoView() = default;

  // The definitions at a commit (its .agentq/queue.yaml). Implementations cache by commit.
  virtual Result<std::shared_ptr<const Definitions>> definitions_at(const std::string& commit) = 0;
  // The position of definitions commit `commit` on base's first-parent history (larger is
  // newer), or nullopt when base never carried its definitions. A commit base no longer has
  // (after a rewind) takes the position of the newest base commit with the same
  // .agentq/queue.yaml content. Events name their definitions commit, never an older one.
  virtual std::optional<int64_t> base_position(const std::string& commit) = 0;
  // True when `commit` is an ancestor of (or equal to) the tip of policy.base.
  virtual bool reachable_from_base(const std::string& commit) = 0;
  // True when the object exists in the repository.
  virtual bool commit_exists(const std::string& commit) = 0;

  // The next three answer nullopt when the objects are missing (garbage collection drops
  // rebased-away commits; a fresh or shallow clone may lack old ones): replay then skips the
  // check rather than fail a history it cannot see.

  // The paths changed between two commits (sorted, no rename detection).
  virtual std::optional<std::vector<std::string>> changed_files(const std::string& from, const std::string& to) = 0;
  // True when `ancestor` is reachable from `descendant` (or equal).
  virtual std::optional<bool> is_ancestor(const std::string& ancestor, const std::string& descendant) = 0;
  // True when `path` is a file in `commit`'s tree.
  virtual std::optional<bool> path_exists(const std::string& commit, const std::string& path) = 0;

  // The signature of log commit `commit`, which holds event `e`, verified cryptographically:
  // `good` with the signer's key, else why not. `d` are the definitions `e` is judged under (an
  // OpenPGP signature is checked against the key they declare for e.actor); whether the key is
  // the actor's is replay's judgement. Replay asks only for events whose definitions set
  // policy.require_signed, so an unsigned queue never pays for it.
  virtual SignatureCheck signature(const std::string& commit, const Event& e, const Definitions& d) = 0;
};

}  // namespace agentq
