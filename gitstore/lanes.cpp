#include "gitstore/lanes.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gitstore/git_config.h"
#include "gitstore/handles.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace fs = std::filesystem;

namespace {

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<ProcessResult> git_in(const std::string& cwd, const std::vector<std::string>& args) {
  auto r = run_git(args, cwd);
  if (!r) return fail(r.error());
  return r;
}

Error git_failed(const std::string& what, const ProcessResult& r) {
  return Error(Code::GIT_ERROR, what + ": " + chomp(r.err.empty() ? r.out : r.err));
}

std::string normal(const fs::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Compares worktree paths the way the file system does (symlinked temp dirs included).
bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  auto ca = fs::weakly_canonical(a, ec1), cb = fs::weakly_canonical(b, ec2);
  if (!ec1 && !ec2) return ca == cb;
  return normal(a) == normal(b);
}

}  // namespace

Result<std::vector<WorktreeEntry>> list_worktrees(const Repo& repo) {
  auto r = git_in(git_cwd(repo), {"worktree", "list", "--porcelain"});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git worktree list failed", *r));
  std::vector<WorktreeEntry> out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("worktree ", 0) == 0) out.push_back({line.substr(9), {}, {}, false});
    else if (out.empty()) continue;
    else if (line.rfind("HEAD ", 0) == 0) out.back().head = line.substr(5);
    else if (line.rfind("branch ", 0) == 0) out.back().branch = line.substr(7);
    else if (line == "bare") out.back().bare = true;
  }
  return out;
}

Result<LaneLayout> lane_layout(const Repo& repo, const Definitions& d) {
  auto wts = list_worktrees(repo);
  if (!wts) return fail(wts.error());
  LaneLayout l;
  l.main = wts->empty() ? normal(fs::path(repo.common_dir()).parent_path()) : normal(wts->front().path);
  fs::path root = d.policy.worktree_root.empty() ? fs::path("..") : fs::path(d.policy.worktree_root);
  if (root.is_relative()) root = fs::path(l.main) / root;
  l.root = normal(root);
  l.prefix = d.policy.worktree_prefix.empty() ? fs::path(l.main).filename().string() : d.policy.worktree_prefix;
  return l;
}

BaseTip base_tip_of(const Repo& repo, const std::string& remote, const std::string& base) {
  if (!remote.empty())
    if (auto t = repo.ref("refs/remotes/" + remote + "/" + base)) return {remote + "/" + base, *t};
  if (auto t = repo.ref("refs/heads/" + base)) return {base, *t};
  return {remote.empty() ? base : remote + "/" + base, {}};
}

Result<std::optional<std::string>> fetch_branch(const Repo& repo, const std::string& remote, const std::string& branch) {
  const std::string tracking = "refs/remotes/" + remote + "/" + branch;
  auto ls = git_in(git_cwd(repo), {"ls-remote", "--heads", remote, "refs/heads/" + branch});
  if (!ls) return fail(ls.error());
  if (ls->exit_code != 0)
    return fail(Error(Code::REMOTE_UNREACHABLE, "cannot reach " + remote + ": " + chomp(ls->err)));
  if (chomp(ls->out).empty()) return std::optional<std::string>();
  auto r = git_in(git_cwd(repo), {"fetch", "--quiet", "--no-tags", remote, "+refs/heads/" + branch + ":" + tracking});
  if (!r) return fail(r.error());
  if (r->exit_code != 0)
    return fail(Error(Code::REMOTE_UNREACHABLE, "git fetch " + remote + " " + branch + " failed: " + chomp(r->err)));
  return repo.ref(tracking);
}

Result<bool> ensure_branch(const Repo& repo, const std::string& branch, const std::string& start) {
  if (repo.ref("refs/heads/" + branch)) return false;
  auto r = git_in(git_cwd(repo), {"branch", "--no-track", branch, start});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("cannot create branch " + branch, *r));
  return true;
}

Result<bool> ensure_worktree(const Repo& repo, const std::string& path, const std::string& branch) {
  auto wts = list_worktrees(repo);
  if (!wts) return fail(wts.error());
  // A worktree whose directory was deleted by hand is forgotten first, then made again.
  bool pruned = false;
  for (const auto& w : *wts) {
    if (!same_path(w.path, path)) continue;
    if (path_exists(path)) return false;
    prune_worktrees(repo);
    pruned = true;
  }
  if (pruned) {
    wts = list_worktrees(repo);
    if (!wts) return fail(wts.error());
  }
  if (path_exists(path))
    return fail(Error(Code::GIT_ERROR, path + " exists and is not a worktree of this repository", {},
                      "move it away, or set policy.worktree_root / worktree_prefix"));
  for (const auto& w : *wts)
    if (w.branch == "refs/heads/" + branch)
      return fail(Error(Code::BRANCH_IN_USE, "branch " + branch + " is checked out in " + w.path, {},
                        "switch that worktree to another branch, or remove it"));
  auto r = git_in(git_cwd(repo), {"worktree", "add", "--quiet", path, branch});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git worktree add " + path + " failed", *r));
  return true;
}

Status set_worktree_config(const Repo& repo, const std::string& path, const std::string& key, const std::string& value) {
  auto ext = config_at(git_cwd(repo), "extensions.worktreeConfig");
  if (!ext) return fail(ext.error());
  if (!*ext || (**ext != "true" && **ext != "1")) {
    auto r = git_in(git_cwd(repo), {"config", "extensions.worktreeConfig", "true"});
    if (!r) return fail(r.error());
    if (r->exit_code != 0) return fail(git_failed("cannot enable extensions.worktreeConfig", *r));
  }
  auto r = git_in(path, {"config", "--worktree", key, value});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git config --worktree " + key + " failed in " + path, *r));
  return {};
}

Result<std::optional<std::string>> config_at(const std::string& path, const std::string& key, bool worktree_only) {
  auto r = worktree_only ? git_in(path, {"config", "--worktree", "--get", key}) : git_in(path, {"config", "--get", key});
  if (!r) return fail(r.error());
  // Without extensions.worktreeConfig git refuses --worktree: then nothing is set per worktree.
  if (r->exit_code == 1 || (worktree_only && r->exit_code != 0)) return std::optional<std::string>();
  if (r->exit_code != 0) return fail(git_failed("git config --get " + key + " failed", *r));
  return std::optional<std::string>(chomp(r->out));
}

Result<std::vector<std::string>> dirty_at(const std::string& path) {
  auto r = git_in(path, {"status", "--porcelain"});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git status failed in " + path, *r));
  std::vector<std::string> out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
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

Result<std::optional<std::string>> save_uncommitted(const Repo& repo, const std::string& path, const std::string& label) {
  auto dirty = dirty_at(path);
  if (!dirty) return fail(dirty.error());
  if (dirty->empty()) return std::optional<std::string>();
  const std::string dir = repo.shared_state_dir() + "/saved";
  AGENTQ_TRY(make_dirs(dir));
  // A private index: `add -A` there sees every change and untracked file without touching the
  // lane's own index (the agent may have staged things on purpose).
  const std::string index = dir + "/.index." + std::to_string(getpid()) + "." + std::to_string(random_between(0, 1 << 30));
  struct Cleanup {
    std::string p;
    ~Cleanup() { std::remove(p.c_str()); }
  } cleanup{index};
  auto run = [&](const std::vector<std::string>& args) -> Result<ProcessResult> {
    ProcessSpec spec;
    spec.argv = {"git"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.cwd = path;
    spec.env = {{"GIT_INDEX_FILE", index}};
    auto r = run_process(spec);
    if (!r) return fail(r.error());
    if (r->exit_code != 0) return fail(git_failed("git " + args.front() + " failed in " + path, *r));
    return r;
  };
  AGENTQ_TRY(run({"read-tree", "HEAD"}));
  AGENTQ_TRY(run({"add", "-A", "."}));
  auto diff = run({"diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "HEAD"});
  if (!diff) return fail(diff.error());
  if (diff->out.empty()) return std::optional<std::string>();
  std::string stamp = format_rfc3339(now_ms());
  for (char& c : stamp)
    if (c == ':') c = '-';
  std::string file = dir + "/" + label + "-" + stamp + ".patch";
  for (int n = 2; path_exists(file); ++n) file = dir + "/" + label + "-" + stamp + "-" + std::to_string(n) + ".patch";
  AGENTQ_TRY(write_file_atomic(file, diff->out));
  return std::optional<std::string>(normal(file));
}

Status remove_worktree(const Repo& repo, const std::string& path, bool force) {
  std::vector<std::string> args{"worktree", "remove"};
  if (force) args.insert(args.end(), {"--force", "--force"});
  args.push_back(path);
  auto r = git_in(git_cwd(repo), args);
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git worktree remove " + path + " failed", *r));
  (void)git_in(git_cwd(repo), {"worktree", "prune"});
  return {};
}

void prune_worktrees(const Repo& repo) { (void)git_in(git_cwd(repo), {"worktree", "prune"}); }

Status delete_branch(const Repo& repo, const std::string& branch) {
  auto r = git_in(git_cwd(repo), {"branch", "-D", branch});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("cannot delete branch " + branch, *r));
  return {};
}

Status move_branch(const Repo& repo, const std::string& branch, const std::string& commit, bool checkout) {
  auto holder = worktree_holding(repo, "refs/heads/" + branch);
  if (!holder) return fail(holder.error());
  const bool here = *holder && !repo.workdir().empty() && same_path(**holder, repo.workdir());
  if (*holder && !here)
    return fail(Error(Code::BRANCH_IN_USE, "branch " + branch + " is checked out in " + **holder, {},
                      "run this in that worktree, or switch it to another branch"));
  std::vector<std::string> args = checkout || here ? std::vector<std::string>{"switch", "--quiet", "--no-track", "-C", branch, commit}
                                                   : std::vector<std::string>{"branch", "--no-track", "-f", branch, commit};
  auto r = git_in(git_cwd(repo), args);
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("cannot move " + branch, *r));
  return {};
}

Result<HooksCheck> check_hooks(const Repo& repo, const std::vector<std::string>& names) {
  static const std::string kMarker = "# installed by git-agentq install-hooks";
  // --git-path honours core.hooksPath (relative to the top of the work tree, as git runs hooks).
  auto r = git_in(git_cwd(repo), {"rev-parse", "--git-path", "hooks"});
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(git_failed("git rev-parse --git-path hooks failed", *r));
  fs::path dir = chomp(r->out);
  if (dir.is_relative()) dir = fs::path(git_cwd(repo)) / dir;
  HooksCheck c;
  c.dir = normal(dir);
  for (const auto& n : names) {
    auto text = read_file(c.dir + "/" + n);
    bool found = false;
    if (text) {
      std::istringstream in(*text);
      for (std::string line; !found && std::getline(in, line);) found = chomp(line) == kMarker;
    }
    if (!found) c.missing.push_back(n);
  }
  return c;
}

Result<std::string> configured_signing_key(const Repo& repo) {
  auto key = git_config_get(repo, "user.signingkey");
  if (!key) return fail(key.error());
  if (!*key || (*key)->empty()) return std::string();
  std::string v = **key;
  auto format = git_config_get(repo, "gpg.format");
  if (!format) return fail(format.error());
  const bool ssh = *format && **format == "ssh";
  if (v.rfind("key::", 0) == 0) return v.substr(5);
  if (v.rfind("ssh-", 0) == 0 || v.rfind("ecdsa-", 0) == 0 || v.rfind("sk-", 0) == 0) return v;
  if (!ssh) return v;  // OpenPGP: a key id or fingerprint
  if (v.rfind("~/", 0) == 0)
    if (auto home = env("HOME")) v = *home + v.substr(1);
  if (fs::path(v).is_relative()) v = (fs::path(git_cwd(repo)) / v).string();
  auto text = read_file(v);
  if (!text) return fail(Error(Code::SIGNER_MISMATCH, "user.signingkey names " + v + ", which cannot be read"));
  if (text->rfind("ssh-", 0) == 0 || text->rfind("ecdsa-", 0) == 0 || text->rfind("sk-", 0) == 0) return chomp(*text);
  if (auto pub = read_file(v + ".pub")) return chomp(*pub);
  ProcessSpec spec;
  spec.argv = {"ssh-keygen", "-y", "-f", v};
  auto r = run_process(spec);
  if (!r) return fail(r.error());
  if (r->exit_code != 0)
    return fail(Error(Code::SIGNER_MISMATCH, "cannot read the public key of " + v + ": " + chomp(r->err)));
  return chomp(r->out);
}

TickSnapshot read_tick(const Repo& repo) {
  TickSnapshot t;
  auto text = read_file(repo.worktree_state_dir() + "/tick.json");
  if (!text) return t;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return t;
  if (j.contains("log_tip") && j["log_tip"].is_string()) t.log_tip = j["log_tip"].get<std::string>();
  if (j.contains("status") && j["status"].is_object())
    for (auto& [k, v] : j["status"].items())
      if (v.is_string()) t.status[k] = v.get<std::string>();
  return t;
}

Status write_tick(const Repo& repo, const TickSnapshot& t) {
  nlohmann::json j = {{"log_tip", t.log_tip}, {"status", t.status}};
  return write_file_atomic(repo.worktree_state_dir() + "/tick.json", j.dump() + "\n");
}

bool on_path(const std::string& program) {
  auto path = env("PATH");
  if (!path) return false;
  std::stringstream ss(*path);
  for (std::string dir; std::getline(ss, dir, ':');)
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

Status exec_program(const std::vector<std::string>& argv) {
  std::vector<std::string> args = argv;
  std::vector<char*> c;
  for (auto& a : args) c.push_back(a.data());
  c.push_back(nullptr);
  std::fflush(nullptr);  // what was printed before must not be lost with this process image
  execvp(c[0], c.data());
  return fail(Error::io("cannot run " + argv.front() + ": " + std::strerror(errno)));
}

}  // namespace agentq
