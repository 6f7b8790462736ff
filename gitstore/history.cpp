#include "gitstore/history.h"

#include "core/ids.h"
#include "core/timeutil.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/handles.h"

namespace agentq {

Result<FirstParentWalk> first_parent_since(const Repo& repo, const std::string& tip, const std::string& stop) {
  FirstParentWalk walk;
  std::string current = tip;
  while (!current.empty()) {
    if (current == stop) {
      walk.reached_stop = true;
      break;
    }
    git_oid oid;
    git_commit* raw = nullptr;
    if (!git::parse_oid(current, &oid) || git_commit_lookup(&raw, repo.raw(), &oid) != 0)
      return fail(git::last_error("cannot read commit " + short_id(current)));
    git::CommitPtr c(raw);
    BaseCommit bc;
    bc.id = current;
    for (unsigned i = 0; i < git_commit_parentcount(raw); ++i) bc.parents.push_back(git::oid_str(*git_commit_parent_id(raw, i)));
    if (const git_signature* a = git_commit_author(raw)) bc.author_email = a->email ? a->email : "";
    if (!bc.parents.empty()) {
      auto files = diff_paths(repo, bc.parents.front(), current);
      if (!files) return fail(files.error());
      bc.files = std::move(*files);
    }
    std::string next = bc.parents.empty() ? std::string() : bc.parents.front();
    walk.commits.push_back(std::move(bc));
    current = std::move(next);
  }
  return walk;
}

}  // namespace agentq

namespace agentq {

Result<std::vector<BaseCommit>> commits_added(const Repo& repo, const std::string& tip, const std::vector<std::string>& hide) {
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, repo.raw()) != 0) return fail(git::last_error("cannot walk history"));
  git::RevwalkPtr walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL);
  git_oid oid;
  if (!git::parse_oid(tip, &oid) || git_revwalk_push(w, &oid) != 0)
    return fail(git::last_error("cannot read commit " + short_id(tip)));
  for (const std::string& h : hide) {
    git_oid hid;
    if (h.empty() || !git::parse_oid(h, &hid) || !repo.has_object(h)) continue;
    if (git_revwalk_hide(w, &hid) != 0) return fail(git::last_error("cannot walk history"));
  }
  std::vector<BaseCommit> out;
  git_oid next;
  while (git_revwalk_next(&next, w) == 0) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo.raw(), &next) != 0) return fail(git::last_error("cannot read a commit"));
    git::CommitPtr c(raw);
    BaseCommit bc;
    bc.id = git::oid_str(next);
    for (unsigned i = 0; i < git_commit_parentcount(raw); ++i) bc.parents.push_back(git::oid_str(*git_commit_parent_id(raw, i)));
    if (const git_signature* a = git_commit_author(raw)) bc.author_email = a->email ? a->email : "";
    if (!bc.parents.empty()) {
      auto files = diff_paths(repo, bc.parents.front(), bc.id);
      if (!files) return fail(files.error());
      bc.files = std::move(*files);
    }
    out.push_back(std::move(bc));
  }
  return out;
}

Result<std::vector<std::string>> commits_between(const Repo& repo, const std::string& from, const std::string& to) {
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, repo.raw()) != 0) return fail(git::last_error("cannot walk history"));
  git::RevwalkPtr walk(w);
  git_oid a, b;
  if (!git::parse_oid(from, &a) || !git::parse_oid(to, &b)) return fail(Error::git("bad commit id"));
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  if (git_revwalk_push(w, &b) != 0 || git_revwalk_hide(w, &a) != 0) return fail(git::last_error("cannot walk history"));
  std::vector<std::string> out;
  git_oid next;
  while (git_revwalk_next(&next, w) == 0) out.push_back(git::oid_str(next));
  return out;
}

Result<std::vector<std::string>> commits_not_on(const Repo& repo, const std::string& tip,
                                                const std::vector<std::string>& hide) {
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, repo.raw()) != 0) return fail(git::last_error("cannot walk history"));
  git::RevwalkPtr walk(w);
  git_oid oid;
  if (!git::parse_oid(tip, &oid) || git_revwalk_push(w, &oid) != 0) return fail(git::last_error("cannot walk " + tip));
  for (const auto& h : hide) {
    git_oid x;
    if (!h.empty() && git::parse_oid(h, &x) && repo.has_object(h)) git_revwalk_hide(w, &x);
  }
  std::vector<std::string> out;
  git_oid next;
  while (git_revwalk_next(&next, w) == 0) out.push_back(git::oid_str(next));
  return out;
}

Result<std::pair<size_t, size_t>> ahead_behind(const Repo& repo, const std::string& a, const std::string& b) {
  git_oid x, y;
  if (!git::parse_oid(a, &x) || !git::parse_oid(b, &y)) return fail(Error::git("bad commit id"));
  size_t ahead = 0, behind = 0;
  if (git_graph_ahead_behind(&ahead, &behind, repo.raw(), &x, &y) != 0) return fail(git::last_error("ahead/behind"));
  return std::make_pair(ahead, behind);
}

std::string commit_time(const Repo& repo, const std::string& commit) {
  git_oid oid;
  if (!git::parse_oid(commit, &oid)) return {};
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.raw(), &oid) != 0) return {};
  git::CommitPtr owned(c);
  return format_rfc3339(static_cast<Millis>(git_commit_time(c)) * 1000);
}

}  // namespace agentq
