// GitRepoView: RepoView on a real repository, pinned to one tip of policy.base for the
// lifetime of a command so every question gets a consistent answer.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/repo_view.h"
#include "gitstore/repo.h"

namespace agentq {

inline constexpr const char* kDefsPath = ".agentq/queue.yaml";

// The tip of policy.base to judge against: the local branch when it contains `<remote>/<base>`
// (or there is no such tracking ref), else `<remote>/<base>`: a clone that fetched sees the
// newest definitions, and a diverged local branch never hides the ones the log names.
Result<std::string> find_base_tip(const Repo& repo, const std::string& base, const std::string& remote);

// The tip work is measured against (lanes start from it, preflight and merge-ready ask whether
// a commit contains it): `<remote>/<base>` when that tracking ref exists, else the local base
// branch. Unlike find_base_tip, local commits not pushed yet never count: the remote is where
// work lands.
struct BaseTip {
  std::string name;  // "origin/main" or "main"
  std::string tip;   // empty when neither exists
};
BaseTip base_tip_of(const Repo& repo, const std::string& remote, const std::string& base);

// Loads .agentq/queue.yaml from `commit`; errors carry "…queue.yaml@<short>:line:col".
Result<Definitions> load_definitions_at(const Repo& repo, const std::string& commit);

// The paths that differ between two commits' trees, sorted (no rename detection: a rename is
// its old and its new path). Errors when either commit is missing.
Result<std::vector<std::string>> diff_paths(const Repo& repo, const std::string& from, const std::string& to);

// `git patch-id --stable` of the diff from..to: unchanged by a rebase that changes nothing.
Result<std::string> patch_id(const Repo& repo, const std::string& from, const std::string& to);

class QueueVerifier;

class GitRepoView : public RepoView {
 public:
  // Signatures are verified through `verifier` (the queue's, with its cache); without one the
  // view verifies them itself, uncached.
  GitRepoView(const Repo& repo, std::string base_tip, QueueVerifier* verifier = nullptr);
  ~GitRepoView() override;
  GitRepoView(const GitRepoView&) = delete;
  GitRepoView& operator=(const GitRepoView&) = delete;

  Result<std::shared_ptr<const Definitions>> definitions_at(const std::string& commit) override;
  std::optional<int64_t> base_position(const std::string& commit) override;
  bool reachable_from_base(const std::string& commit) override;
  bool commit_exists(const std::string& commit) override;
  std::optional<std::vector<std::string>> changed_files(const std::string& from, const std::string& to) override;
  std::optional<bool> is_ancestor(const std::string& ancestor, const std::string& descendant) override;
  std::optional<bool> path_exists(const std::string& commit, const std::string& path) override;
  SignatureCheck signature(const std::string& commit, const Event& e, const Definitions& d) override;

  // Whether `commit` is on base's first-parent history itself (base_position also accepts a
  // commit base no longer has by its definitions blob, for events judged after a rewind).
  bool on_first_parent(const std::string& commit) { return commit_position(commit).has_value(); }

  const std::string& base_tip() const { return base_tip_; }
  void set_verifier(QueueVerifier* verifier) { verifier_ = verifier; }

  // What a snapshot of the replayed state must know about the answers given so far (see
  // core/snapshot.h): some base_position answer depended on the base tip beyond the
  // first-parent walk (by blob, or none), or some answer may change without any commit
  // changing (objects missing from this clone, a signature that could not be checked here).
  bool base_sensitive() const { return base_sensitive_; }
  bool uncertain() const;

 private:
  const Repo& repo_;
  std::string base_tip_;
  QueueVerifier* verifier_;
  std::unique_ptr<QueueVerifier> own_verifier_;  // when none was given
  std::unordered_map<std::string, Result<std::shared_ptr<const Definitions>>> defs_;
  std::unordered_map<std::string, std::shared_ptr<const Definitions>> defs_by_blob_;
  // First-parent walk from the tip, extended lazily: commit -> -(distance from the tip).
  std::unordered_map<std::string, int64_t> positions_;
  std::string walk_next_;  // the next commit to visit; empty when the walk reached the root
  int64_t walk_depth_ = 0;
  // Definitions blob -> position of the newest first-parent commit carrying it; built on first
  // need (only when an event names a definitions commit that base no longer has).
  std::optional<std::unordered_map<std::string, int64_t>> blob_positions_;
  std::string defs_blob(const std::string& commit) const;
  std::optional<int64_t> commit_position(const std::string& commit);
  // One revwalk from the tip, continued lazily by every reachability query, so all queries
  // together cost at most one walk of base's history (git_graph_descendant_of per query would
  // walk it once per done task).
  struct Walk;
  std::shared_ptr<Walk> walk_;
  std::unordered_set<std::string> reached_;
  bool walk_done_ = false;
  bool base_sensitive_ = false;
  size_t uncertain_ = 0;
};

}  // namespace agentq
