#include "gitstore/repo.h"

#include "core/ids.h"
#include "gitstore/handles.h"
#include "gitstore/process.h"

namespace agentq {

struct Repo::Impl {
  git::RepoPtr repo;
};

Repo::Repo() : impl_(std::make_unique<Impl>()) {}
Repo::Repo(Repo&&) noexcept = default;
Repo& Repo::operator=(Repo&&) noexcept = default;
Repo::~Repo() = default;


Result<Repo> Repo::open(Env& env) {
  git::ensure_init();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  if (rc == GIT_ENOTFOUND)
    return fail(Error(Code::NOT_A_REPO, "not a git repository (or any of the parent directories)", {},
                      "run inside a repository, or pass -C DIR"));
  if (rc < 0) return fail(git::last_error("cannot open the repository", Code::NOT_A_REPO));
  Repo r;
  r.impl_->repo.reset(raw);
  r.env_ = &env;
  return r;
}

Result<Repo> Repo::open_at(const std::string& path, Env& env) {
  git::ensure_init();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND)
    return fail(Error(Code::NOT_A_REPO, "not a git repository: " + path));
  if (rc < 0) return fail(git::last_error("cannot open " + path, Code::NOT_A_REPO));
  Repo r;
  r.impl_->repo.reset(raw);
  r.env_ = &env;
  return r;
}

git_repository* Repo::raw() const { return impl_->repo.get(); }

std::string Repo::git_dir() const { return git_repository_path(raw()); }
std::string Repo::common_dir() const { return git_repository_commondir(raw()); }
std::string Repo::workdir() const {
  const char* w = git_repository_workdir(raw());
  return w ? w : "";
}
bool Repo::is_bare() const { return git_repository_is_bare(raw()) != 0; }
std::string Repo::shared_state_dir() const { return common_dir() + "agentq"; }
std::string Repo::worktree_state_dir() const { return git_dir() + "agentq"; }

std::optional<std::string> Repo::ref(const std::string& name) const {
  git_oid oid;
  if (git_reference_name_to_id(&oid, raw(), name.c_str()) != 0) return std::nullopt;
  return git::oid_str(oid);
}

Result<std::string> Repo::resolve_commit(const std::string& rev) const {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, raw(), rev.c_str()) != 0)
    return fail(Error::usage("unknown revision '" + rev + "'"));
  git::ObjectPtr holder(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
    return fail(Error::usage("'" + rev + "' does not name a commit"));
  git::ObjectPtr p(peeled);
  return git::oid_str(*git_object_id(peeled));
}

Result<std::optional<std::string>> Repo::read_path(const std::string& commit, const std::string& path) const {
  git_oid oid;
  if (!git::parse_oid(commit, &oid)) return fail(Error::git("not a commit id: " + commit));
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, raw(), &oid) != 0) return fail(git::last_error("cannot read commit " + commit));
  git::CommitPtr cp(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return fail(git::last_error("cannot read the tree of " + commit));
  git::TreePtr tp(t);
  git_tree_entry* entry = nullptr;
  int rc = git_tree_entry_bypath(&entry, t, path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc != 0) return fail(git::last_error("cannot read " + path));
  git::TreeEntryPtr ep(entry);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return std::optional<std::string>();
  git_blob* b = nullptr;
  if (git_blob_lookup(&b, raw(), git_tree_entry_id(entry)) != 0) return fail(git::last_error("cannot read " + path));
  git::BlobPtr bp(b);
  return std::optional<std::string>(
      std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b))));
}

bool Repo::is_ancestor(const std::string& ancestor, const std::string& descendant) const {
  git_oid a, d;
  if (!git::parse_oid(ancestor, &a) || !git::parse_oid(descendant, &d)) return false;
  if (git_oid_equal(&a, &d)) return true;
  return git_graph_descendant_of(raw(), &d, &a) == 1;
}

bool Repo::has_object(const std::string& id) const {
  git_oid oid;
  if (!git::parse_oid(id, &oid)) return false;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, raw()) != 0) return false;
  git::OdbPtr holder(odb);
  return git_odb_exists(odb, &oid) == 1;
}

Result<std::string> Repo::merge_base(const std::string& a, const std::string& b) const {
  git_oid oa, ob, out;
  if (!git::parse_oid(a, &oa) || !git::parse_oid(b, &ob)) return fail(Error::git("bad commit id"));
  int rc = git_merge_base(&out, raw(), &oa, &ob);
  if (rc == GIT_ENOTFOUND) return fail(Error::git("no common ancestor of " + short_id(a) + " and " + short_id(b)));
  if (rc != 0) return fail(git::last_error("cannot compute the merge base"));
  return git::oid_str(out);
}

std::string Repo::head_branch() const {
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, raw(), "HEAD") != 0) return {};
  git::RefPtr holder(head);
  if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) return {};
  const char* target = git_reference_symbolic_target(head);
  return target && std::string(target).rfind("refs/heads/", 0) == 0 ? target : "";
}

std::optional<std::string> Repo::config_get(const std::string& key) const {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, raw()) != 0) return std::nullopt;
  git::ConfigPtr holder(cfg);
  const char* value = nullptr;
  if (git_config_get_string(&value, cfg, key.c_str()) != 0) return std::nullopt;
  return std::string(value);
}

std::vector<std::string> Repo::config_get_all(const std::string& key) const {
  std::vector<std::string> out;
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, raw()) != 0) return out;
  git::ConfigPtr holder(cfg);
  git_config_get_multivar_foreach(
      cfg, key.c_str(), nullptr,
      [](const git_config_entry* e, void* payload) {
        static_cast<std::vector<std::string>*>(payload)->push_back(e->value);
        return 0;
      },
      &out);
  return out;
}

Status Repo::config_set(const std::string& key, const std::string& value) {
  git_config* cfg = nullptr;
  if (git_repository_config(&cfg, raw()) != 0) return fail(git::last_error("cannot open the repository config"));
  git::ConfigPtr holder(cfg);
  git_config* local = nullptr;
  if (git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) != 0)
    return fail(git::last_error("cannot open the repository config"));
  git::ConfigPtr lp(local);
  if (git_config_set_string(local, key.c_str(), value.c_str()) != 0)
    return fail(git::last_error("cannot set " + key));
  return {};
}

Status Repo::config_add_unique(const std::string& key, const std::string& value) {
  for (const std::string& v : config_get_all(key))
    if (v == value) return {};
  // `git config --add`, not git_config_set_multivar: libgit2 1.5.1 leaks the pcre2 match data
  // of the value regexp that call needs.
  auto r = run_git({"config", "--add", key, value}, is_bare() ? git_dir() : workdir());
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error::git("git config --add " + key + " failed: " + r->err));
  return {};
}

}  // namespace agentq
