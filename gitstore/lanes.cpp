#include "gitstore/lanes.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/rules.h"
#include "core/signature.h"
#include "gitstore/branches.h"
#include "gitstore/git_config.h"
#include "gitstore/history.h"
#include "gitstore/remote.h"
#include "gitstore/saved_work.h"
#include "gitstore/system.h"
#include "gitstore/process.h"
#include "core/strings.h"
#include "gitstore/verify.h"

namespace agentq {
namespace fs = std::filesystem;

Result<LaneLayout> lane_layout(const Repo& repo, const Definitions& d) {
  auto wts = list_worktrees(repo);
  if (!wts) return fail(wts.error());
  LaneLayout l;
  l.main = wts->empty() ? normal_path(fs::path(repo.common_dir()).parent_path().string()) : normal_path(wts->front().path);
  fs::path root = d.policy.worktree_root.empty() ? fs::path("..") : fs::path(d.policy.worktree_root);
  if (root.is_relative()) root = fs::path(l.main) / root;
  l.root = normal_path(root.string());
  l.prefix = d.policy.worktree_prefix.empty() ? fs::path(l.main).filename().string() : d.policy.worktree_prefix;
  return l;
}

std::optional<Lane> lane_here(Queue& q) {
  const Repo& repo = q.repo();
  if (repo.is_bare() || repo.git_dir() == repo.common_dir()) return std::nullopt;
  auto layout = lane_layout(repo, q.defs());
  if (!layout) return std::nullopt;
  return lane_of_branch(q.defs(), layout->prefix, repo.head_branch());
}

Result<LaneSet> open_lanes(Queue& q) {
  auto layout = lane_layout(q.repo(), q.defs());
  if (!layout) return fail(layout.error());
  auto wts = list_worktrees(q.repo());
  if (!wts) return fail(wts.error());
  LaneSet set{*layout, plan_lanes(q.defs(), layout->prefix), base_tip_of(q.repo(), q.remote(), q.state().base),
              std::move(*wts)};
  return set;
}

Result<std::map<std::string, std::string>> setup_actors(const LaneSet& set, const Definitions& d,
                                                        const std::vector<std::string>& assign) {
  auto overrides = lane_assignments(d, set.layout.prefix, assign);
  if (!overrides) return fail(overrides.error());
  if (set.base.tip.empty())
    return fail(Error(Code::GIT_ERROR, "the base branch " + set.base.name + " does not exist", {},
                      "create it, or fetch it from the remote"));
  return assign_actors(d, set.lanes, *overrides);
}

namespace {

// The worktree's signing key, from the actor's declared one unless the worktree has its own:
// none | kept | set | unset (with `warning`).
Result<std::string> configure_signing_key(const Repo& repo, const std::string& path, const Actor* who,
                                          std::string& warning) {
  if (!who || who->key.empty()) return std::string("none");
  auto had = config_at(path, "user.signingkey", true);
  if (had && *had) return std::string("kept");
  std::string format, key;
  if (is_ssh_public_key(who->key)) {
    // The declared public key itself: ssh-keygen finds the private half in the agent.
    format = "ssh";
    key = "key::" + who->key;
  } else if (std::string fp = openpgp_fingerprint(who->key); !fp.empty()) {
    format = "openpgp";
    key = fp;
  } else {
    warning = "cannot read " + who->name + "'s OpenPGP key; set it with 'git -C " + path +
              " config --worktree user.signingkey KEYID'";
    return std::string("unset");
  }
  AGENTQ_TRY(set_worktree_config(repo, path, "gpg.format", format));
  AGENTQ_TRY(set_worktree_config(repo, path, "user.signingkey", key));
  return std::string("set");
}

}  // namespace

LaneSetup setup_lane(Queue& q, const LaneSet& set, const Lane& lane, const std::string& actor) {
  Repo& repo = q.repo();
  LaneSetup out;
  out.path = set.layout.path_of(lane.dir);
  auto branch = ensure_branch(repo, lane.branch, set.base.tip);
  if (!branch) {
    out.error = branch.error();
    return out;
  }
  auto wt = ensure_worktree(repo, out.path, lane.branch);
  if (!wt) {
    out.error = wt.error();
    return out;
  }
  out.placed = true;
  out.created_branch = *branch;
  out.created_worktree = *wt;
  std::string who = actor;
  auto had = config_at(out.path, "agentq.actor", true);
  if (had && *had) {
    who = **had;
  } else if (!who.empty()) {
    if (auto st = set_worktree_config(repo, out.path, "agentq.actor", who); !st) {
      out.error = st.error();
      return out;
    }
  }
  out.actor = who;
  auto key = configure_signing_key(repo, out.path, who.empty() ? nullptr : q.defs().actor(who), out.key_warning);
  if (!key) {
    out.error = key.error();
    return out;
  }
  out.signing_key = *key;
  return out;
}

std::vector<LaneStatus> lane_statuses(Queue& q, const LaneSet& set) {
  const QueueState& s = q.state();
  std::vector<LaneStatus> out;
  for (const Lane& l : set.lanes) {
    LaneStatus st;
    st.lane = l;
    st.path = set.layout.path_of(l.dir);
    if (const WorktreeEntry* wt = set.worktree_of(l)) st.worktree = *wt;
    st.tip = q.repo().ref("refs/heads/" + l.branch);
    if (st.tip && !set.base.tip.empty())
      if (auto r = ahead_behind(q.repo(), *st.tip, set.base.tip)) st.ahead_behind = *r;
    if (st.worktree) {
      if (auto d = dirty_at(st.worktree->path)) st.dirty = *d;
      if (auto a = config_at(st.worktree->path, "agentq.actor"); a && *a) st.actor = **a;
    }
    st.task = lane_holder(s, l.role, l.lane);
    st.last_activity = st.tip ? commit_time(q.repo(), *st.tip) : "";
    // RFC 3339 UTC sorts as text.
    if (!st.task.empty()) st.last_activity = std::max(st.last_activity, s.task(st.task).last_activity);
    out.push_back(std::move(st));
  }
  return out;
}

namespace {

// The tasks whose live claim handle the worktree at `path` holds (<its git dir>/agentq/claim/<task>).
std::vector<std::string> live_handles_at(const Queue& q, const std::string& path) {
  std::vector<std::string> out;
  auto dir = run_git({"rev-parse", "--absolute-git-dir"}, path);
  if (!dir || dir->exit_code != 0) return out;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(chomp(dir->out) + "/agentq/claim", ec)) {
    const std::string task = f.path().filename().string();
    if (task.find('.') != std::string::npos) continue;  // .released, .corrupt: not a handle
    auto text = read_file(f.path().string());
    if (!text) continue;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("claim") || !j["claim"].is_string()) continue;
    const TaskState& ts = q.state().task(task);
    if (holds_lane(ts.status) && ts.claim == j["claim"].get<std::string>()) out.push_back(task);
  }
  return out;
}

}  // namespace

Result<TeardownPlan> plan_teardown(Queue& q, const LaneSet& set, const std::string& name) {
  Repo& repo = q.repo();
  auto lane = find_lane(q.defs(), set.layout.prefix, name);
  if (!lane) return fail(lane.error());
  TeardownPlan p;
  p.lane = *lane;
  p.path = set.layout.path_of(lane->dir);
  if (const WorktreeEntry* wt = set.worktree_of(*lane)) p.worktree = *wt;
  if (p.worktree && !path_exists(p.worktree->path)) {
    // Deleted by hand: nothing is left to save or check in it; git forgets it.
    prune_worktrees(repo);
    p.worktree.reset();
  }
  if (p.worktree && !repo.workdir().empty()) {
    std::error_code ec;
    if (fs::weakly_canonical(repo.workdir(), ec) == fs::weakly_canonical(p.path, ec))
      return fail(Error::usage("cannot tear down the worktree this runs in").hint("run it from the coordinator's checkout"));
  }
  auto tip = repo.ref("refs/heads/" + lane->branch);
  LaneFacts& facts = p.facts;
  facts.worktree_exists = p.worktree.has_value();
  facts.branch_exists = tip.has_value();
  facts.base_name = set.base.name;
  facts.remote = q.remote();
  if (p.worktree) {
    auto dirty = dirty_at(p.worktree->path);
    if (!dirty) return fail(dirty.error());
    facts.dirty = *dirty;
  }
  if (tip) {
    std::vector<std::string> hide{set.base.tip};
    if (auto local = repo.ref("refs/heads/" + q.state().base)) hide.push_back(*local);
    if (!facts.remote.empty())
      if (auto pushed = repo.ref("refs/remotes/" + facts.remote + "/" + lane->branch)) hide.push_back(*pushed);
    auto unpushed = commits_not_on(repo, *tip, hide);
    if (!unpushed) return fail(unpushed.error());
    facts.unpushed = *unpushed;
  }
  p.blockers = teardown_blockers(q.state(), *lane, facts);
  // Removing the worktree would strand a claim whose only handle it holds (a task claimed here
  // for another lane, say): the owner could act on it again only by claiming it anew.
  if (p.worktree)
    for (const std::string& task : live_handles_at(q, p.worktree->path)) {
      p.stranded.push_back(task);
      const TaskState& ts = q.state().task(task);
      if (task == lane_holder(q.state(), lane->role, lane->lane)) continue;  // already named
      ReadyItem i;
      i.code = Code::LANE_BUSY;
      i.message = p.worktree->path + " holds the only claim handle of " + task + " (" +
                  std::string(to_string(ts.status)) + ", " + ts.owner + ")";
      i.fix = "hand " + task + " off or unclaim it first; with --force, 'git agentq claim " + task +
              "' by its owner elsewhere re-claims it";
      p.blockers.push_back(i);
    }
  return p;
}

Result<Teardown> tear_down(Queue& q, const TeardownPlan& p, bool force) {
  Teardown t;
  if (p.worktree && !p.facts.dirty.empty()) {
    auto saved = save_uncommitted(q.repo(), p.worktree->path, p.lane.name);
    if (!saved) return fail(saved.error());
    t.saved_patch = *saved;
  }
  if (p.worktree) {
    AGENTQ_TRY(remove_worktree(q.repo(), p.worktree->path, force));
    t.removed_worktree = true;
  }
  t.kept_branch = keep_lane_branch(q.state(), p.lane, p.facts);
  if (p.facts.branch_exists && !t.kept_branch) {
    AGENTQ_TRY(delete_branch(q.repo(), p.lane.branch));
    t.deleted_branch = true;
  }
  return t;
}

Result<ReviewRefresh> refresh_review_branch(Queue& q, const LaneSet& set, const std::string& name) {
  auto lane = find_lane(q.defs(), set.layout.prefix, name);
  if (!lane) return fail(lane.error());
  Repo& repo = q.repo();
  const std::string remote = q.remote();
  ReviewRefresh r;
  r.branch = lane->review_branch;
  std::optional<std::string> target;
  if (!remote.empty()) {
    auto f = fetch_branch(repo, remote, lane->branch);
    if (!f) return fail(f.error());
    target = *f;
    r.source = remote + "/" + lane->branch;
  } else {
    target = repo.ref("refs/heads/" + lane->branch);
    r.source = lane->branch;
  }
  if (!target)
    return fail(Error(Code::BRANCH_MISSING, "branch " + r.source + " does not exist", {},
                      remote.empty() ? "run 'git agentq lanes setup'" : "push it from the lane first"));
  r.commit = *target;
  const std::string head = repo.is_bare() ? "" : repo.head_branch();
  auto here = lane_of_branch(q.defs(), set.layout.prefix, head);
  r.switched = !repo.is_bare() && repo.git_dir() != repo.common_dir() &&
               (head.rfind("refs/heads/review/", 0) == 0 || (here && here->kind == RoleKind::review));
  if (r.switched) {
    auto dirty = dirty_paths(repo);
    if (!dirty) return fail(dirty.error());
    if (!dirty->empty())
      return fail(Error(Code::WORKTREE_DIRTY, "this worktree has uncommitted changes", {},
                        "commit or stash them before switching to " + lane->review_branch));
  }
  r.previous = repo.ref("refs/heads/" + lane->review_branch);
  AGENTQ_TRY(move_branch(repo, lane->review_branch, *target, r.switched));
  return r;
}

}  // namespace agentq
