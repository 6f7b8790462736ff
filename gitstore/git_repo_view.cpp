#include "gitstore/git_repo_view.h"

#include <algorithm>

#include "core/ids.h"
#include "gitstore/handles.h"
#include "gitstore/verify.h"

namespace agentq {

namespace {

// The base branch as this repository has it, and as the last fetch of `remote` saw it.
struct BaseRefs {
  std::optional<std::string> local, tracking;
};

BaseRefs base_refs(const Repo& repo, const std::string& remote, const std::string& base) {
  BaseRefs b;
  b.local = repo.ref("refs/heads/" + base);
  if (!remote.empty()) b.tracking = repo.ref("refs/remotes/" + remote + "/" + base);
  return b;
}

}  // namespace

BaseTip base_tip_of(const Repo& repo, const std::string& remote, const std::string& base) {
  const BaseRefs b = base_refs(repo, remote, base);
  if (b.tracking) return {remote + "/" + base, *b.tracking};
  if (b.local) return {base, *b.local};
  return {remote.empty() ? base : remote + "/" + base, {}};
}

Result<std::string> find_base_tip(const Repo& repo, const std::string& base, const std::string& remote) {
  const auto [local, tracking] = base_refs(repo, remote, base);
  if (local && tracking) {
    // Local commits on top of the remote's (not pushed yet) are judged locally; otherwise the
    // remote's base wins, behind or diverged: the queue's events name the base every clone
    // fetches, and a diverged local branch may lack their definitions commits.
    if (*local == *tracking || repo.is_ancestor(*tracking, *local)) return *local;
    return *tracking;
  }
  if (local) return *local;
  if (tracking) return *tracking;
  return fail(Error(Code::GIT_ERROR, "the base branch '" + base + "' does not exist here", {},
                    remote.empty() ? "create it, or fix policy.base" : "run 'git fetch " + remote + "'"));
}

Result<Definitions> load_definitions_at(const Repo& repo, const std::string& commit) {
  // The checked-out commit's file is the one in the work tree: name it as a path (path:line:col,
  // so that editors jump to it) and keep the commit in the message; any other commit's file is
  // FILE@COMMIT, which no editor opens.
  const auto head = repo.resolve_commit("HEAD");
  const bool checked_out = head && *head == commit;
  const std::string where = checked_out ? std::string(kDefsPath) : std::string(kDefsPath) + "@" + short_id(commit);
  auto text = repo.read_path(commit, kDefsPath);
  if (!text) return fail(text.error());
  if (!*text)
    return fail(Error(Code::DEF_INVALID, std::string("commit ") + short_id(commit) + " has no " + kDefsPath,
                      Location::in_file(where), "commit the queue definitions to the base branch"));
  auto defs = load_definitions(**text, where);
  if (!defs && checked_out) {
    Error e = defs.error();
    e.message += " (in commit " + short_id(commit) + ")";
    e.where.commit = commit;
    return fail(e);
  }
  return defs;
}

GitRepoView::GitRepoView(const Repo& repo, std::string base_tip, QueueVerifier* verifier)
    : repo_(repo), base_tip_(std::move(base_tip)), verifier_(verifier), walk_next_(base_tip_) {}

GitRepoView::~GitRepoView() = default;

SignatureCheck GitRepoView::signature(const std::string& commit, const Event& e, const Definitions& d) {
  if (!verifier_) {
    VerifyOptions o;
    o.use_cache = false;
    o.write_cache = false;
    own_verifier_ = std::make_unique<QueueVerifier>(repo_, o);
    verifier_ = own_verifier_.get();
  }
  return verifier_->verify(commit, e, d);
}

bool GitRepoView::uncertain() const { return uncertain_ > 0 || (verifier_ && verifier_->uncacheable() > 0); }

Result<std::shared_ptr<const Definitions>> GitRepoView::definitions_at(const std::string& commit) {
  auto it = defs_.find(commit);
  if (it != defs_.end()) return it->second;
  // Most definitions commits share one blob: parse each distinct blob once.
  git_oid oid;
  std::string blob_key;
  if (git::parse_oid(commit, &oid)) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo_.raw(), &oid) == 0) {
      git::CommitPtr cp(c);
      git_tree* t = nullptr;
      if (git_commit_tree(&t, c) == 0) {
        git::TreePtr tp(t);
        git_tree_entry* e = nullptr;
        if (git_tree_entry_bypath(&e, t, kDefsPath) == 0) {
          git::TreeEntryPtr ep(e);
          blob_key = git::oid_str(*git_tree_entry_id(e));
        }
      }
    }
  }
  if (!blob_key.empty()) {
    auto b = defs_by_blob_.find(blob_key);
    if (b != defs_by_blob_.end()) return defs_.emplace(commit, b->second).first->second;
  }
  auto loaded = load_definitions_at(repo_, commit);
  Result<std::shared_ptr<const Definitions>> result =
      loaded ? Result<std::shared_ptr<const Definitions>>(std::make_shared<const Definitions>(std::move(*loaded)))
             : Result<std::shared_ptr<const Definitions>>(fail(loaded.error()));
  if (result && !blob_key.empty()) defs_by_blob_.emplace(blob_key, *result);
  return defs_.emplace(commit, std::move(result)).first->second;
}

std::string GitRepoView::defs_blob(const std::string& commit) const {
  git_oid oid;
  git_commit* c = nullptr;
  if (!git::parse_oid(commit, &oid) || git_commit_lookup(&c, repo_.raw(), &oid) != 0) return {};
  git::CommitPtr cp(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return {};
  git::TreePtr tp(t);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, t, kDefsPath) != 0) return {};
  git::TreeEntryPtr ep(e);
  return git::oid_str(*git_tree_entry_id(e));
}

std::optional<int64_t> GitRepoView::base_position(const std::string& commit) {
  auto by_commit = commit_position(commit);
  if (by_commit) return by_commit;
  base_sensitive_ = true;
  // Not on base (a rewind or force-push dropped it). What matters is whether base carried
  // these definitions: judge by the YAML blob, at the newest base commit that has it. Forged
  // definitions carry a blob base never had; an old blob stays as old as it was.
  const std::string blob = defs_blob(commit);
  if (blob.empty()) return std::nullopt;
  if (!blob_positions_) {
    blob_positions_.emplace();
    std::string cur = base_tip_;
    int64_t depth = 0;
    while (!cur.empty()) {
      std::string b = defs_blob(cur);
      if (!b.empty()) blob_positions_->emplace(b, -depth);  // emplace keeps the newest
      git_oid oid;
      git_commit* c = nullptr;
      std::string next;
      if (git::parse_oid(cur, &oid) && git_commit_lookup(&c, repo_.raw(), &oid) == 0) {
        git::CommitPtr cp(c);
        if (git_commit_parentcount(c) > 0) next = git::oid_str(*git_commit_parent_id(c, 0));
      }
      cur = std::move(next);
      ++depth;
    }
  }
  auto it = blob_positions_->find(blob);
  if (it == blob_positions_->end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> GitRepoView::commit_position(const std::string& commit) {
  auto it = positions_.find(commit);
  if (it != positions_.end()) return it->second;
  while (!walk_next_.empty()) {
    std::string current = walk_next_;
    positions_.emplace(current, -walk_depth_);
    ++walk_depth_;
    walk_next_.clear();
    git_oid oid;
    git_commit* c = nullptr;
    if (git::parse_oid(current, &oid) && git_commit_lookup(&c, repo_.raw(), &oid) == 0) {
      git::CommitPtr cp(c);
      if (git_commit_parentcount(c) > 0) walk_next_ = git::oid_str(*git_commit_parent_id(c, 0));
    }
    if (current == commit) return -(walk_depth_ - 1);
  }
  return std::nullopt;
}

struct GitRepoView::Walk {
  git::RevwalkPtr walk;
};

bool GitRepoView::reachable_from_base(const std::string& commit) {
  if (reached_.count(commit)) return true;
  if (walk_done_) return false;
  if (!walk_) {
    git_revwalk* w = nullptr;
    git_oid tip;
    if (git_revwalk_new(&w, repo_.raw()) != 0 || !git::parse_oid(base_tip_, &tip) || git_revwalk_push(w, &tip) != 0) {
      git_revwalk_free(w);
      return repo_.is_ancestor(commit, base_tip_);
    }
    walk_ = std::make_shared<Walk>();
    walk_->walk.reset(w);
  }
  git_oid next;
  while (git_revwalk_next(&next, walk_->walk.get()) == 0) {
    std::string id = git::oid_str(next);
    bool hit = id == commit;
    reached_.insert(std::move(id));
    if (hit) return true;
  }
  walk_done_ = true;
  return false;
}

bool GitRepoView::commit_exists(const std::string& commit) { return repo_.has_object(commit); }

std::optional<std::vector<std::string>> GitRepoView::changed_files(const std::string& from, const std::string& to) {
  if (!repo_.has_object(from) || !repo_.has_object(to)) {
    ++uncertain_;
    return std::nullopt;
  }
  auto files = diff_paths(repo_, from, to);
  if (!files) {
    ++uncertain_;
    return std::nullopt;
  }
  return *files;
}

std::optional<bool> GitRepoView::is_ancestor(const std::string& ancestor, const std::string& descendant) {
  // Replay asks this for every done event (its commit against its defs) and every handoff.
  // When both commits are on base's first-parent history (fast-forward merges, every defs
  // commit) the memoised walk answers by position; a graph walk per question made validate
  // quadratic in the length of base.
  if (auto pd = commit_position(descendant))
    if (auto pa = commit_position(ancestor)) return *pa <= *pd;
  if (!repo_.has_object(ancestor) || !repo_.has_object(descendant)) {
    ++uncertain_;
    return std::nullopt;
  }
  return repo_.is_ancestor(ancestor, descendant);
}

std::optional<bool> GitRepoView::path_exists(const std::string& commit, const std::string& path) {
  if (!repo_.has_object(commit)) {
    ++uncertain_;
    return std::nullopt;
  }
  auto content = repo_.read_path(commit, path);
  if (!content) {
    ++uncertain_;
    return std::nullopt;
  }
  return content->has_value();
}

namespace {

Result<git::TreePtr> commit_tree(const Repo& repo, const std::string& commit) {
  git_oid oid;
  git_commit* c = nullptr;
  if (!git::parse_oid(commit, &oid) || git_commit_lookup(&c, repo.raw(), &oid) != 0)
    return fail(git::last_error("cannot read commit " + short_id(commit)));
  git::CommitPtr cp(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return fail(git::last_error("cannot read the tree of " + short_id(commit)));
  return git::TreePtr(t);
}

Result<git::DiffPtr> tree_diff(const Repo& repo, const std::string& from, const std::string& to) {
  auto a = commit_tree(repo, from);
  if (!a) return fail(a.error());
  auto b = commit_tree(repo, to);
  if (!b) return fail(b.error());
  git_diff* diff = nullptr;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  if (git_diff_tree_to_tree(&diff, repo.raw(), a->get(), b->get(), &opts) != 0)
    return fail(git::last_error("cannot diff " + short_id(from) + ".." + short_id(to)));
  return git::DiffPtr(diff);
}

}  // namespace

Result<std::vector<std::string>> diff_paths(const Repo& repo, const std::string& from, const std::string& to) {
  auto diff = tree_diff(repo, from, to);
  if (!diff) return fail(diff.error());
  std::vector<std::string> paths;
  const size_t n = git_diff_num_deltas(diff->get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff->get(), i);
    paths.push_back(d->new_file.path ? d->new_file.path : d->old_file.path);
    if (d->old_file.path && d->new_file.path && std::string(d->old_file.path) != d->new_file.path)
      paths.push_back(d->old_file.path);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

Result<std::string> patch_id(const Repo& repo, const std::string& from, const std::string& to) {
  auto diff = tree_diff(repo, from, to);
  if (!diff) return fail(diff.error());
  git_oid id;
  git_diff_patchid_options opts = GIT_DIFF_PATCHID_OPTIONS_INIT;
  if (git_diff_patchid(&id, diff->get(), &opts) != 0) return fail(git::last_error("cannot compute the patch id"));
  return git::oid_str(id);
}

}  // namespace agentq
