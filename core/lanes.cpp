#include "core/lanes.h"

#include <algorithm>
#include <cctype>

#include "core/ids.h"
#include "core/rules.h"
#include "core/signature.h"
#include "core/strings.h"

namespace agentq {
namespace {

Lane make_lane(const Role& r, int lane, const std::string& prefix) {
  Lane l;
  l.role = r.name;
  l.lane = lane;
  l.kind = r.kind;
  l.name = r.lanes > 1 ? r.name + "-" + std::to_string(lane) : r.name;
  l.branch = "agent/" + l.name;
  l.review_branch = "review/" + l.name;
  l.dir = prefix + "-" + l.name;
  return l;
}

bool lane_role(const Role& r) { return r.kind == RoleKind::delivery || r.kind == RoleKind::review; }

std::string join_few(const std::vector<std::string>& v, size_t max = 5) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max) out += ", … (" + std::to_string(v.size()) + " in all)";
  return out;
}

}  // namespace

std::vector<Lane> plan_lanes(const Definitions& d, const std::string& prefix) {
  std::vector<Lane> out;
  for (const Role& r : d.roles) {
    if (!lane_role(r)) continue;
    for (int lane = 1; lane <= std::max(1, r.lanes); ++lane) out.push_back(make_lane(r, lane, prefix));
  }
  return out;
}

Result<Lane> find_lane(const Definitions& d, const std::string& prefix, const std::string& name) {
  if (const Role* r = d.role(name); r && lane_role(*r)) {
    if (r->lanes > 1)
      return fail(Error::usage("role " + name + " has " + std::to_string(r->lanes) + " lanes: name one")
                      .hint("e.g. " + name + "-1"));
    return make_lane(*r, 1, prefix);
  }
  const size_t dash = name.rfind('-');
  if (dash != std::string::npos && dash + 1 < name.size()) {
    const std::string role = name.substr(0, dash), num = name.substr(dash + 1);
    const Role* r = d.role(role);
    const bool digits = std::all_of(num.begin(), num.end(), [](unsigned char c) { return std::isdigit(c); });
    if (r && lane_role(*r) && digits && num.size() < 6) {
      const int lane = std::stoi(num);
      if (r->lanes <= 1)
        return fail(Error::usage("role " + role + " has one lane: call it " + role));
      if (lane < 1 || lane > r->lanes)
        return fail(Error::usage("role " + role + " has lanes 1.." + std::to_string(r->lanes)));
      return make_lane(*r, lane, prefix);
    }
  }
  if (const Role* r = d.role(name))
    return fail(Error::usage("role " + name + " is a " + std::string(to_string(r->kind)) + " role and has no lane"));
  return fail(Error::unknown_role(name));
}

std::optional<Lane> lane_of_branch(const Definitions& d, const std::string& prefix, const std::string& branch) {
  std::string b = branch;
  if (b.rfind("refs/heads/", 0) == 0) b = b.substr(11);
  for (const Lane& l : plan_lanes(d, prefix))
    if (l.branch == b) return l;
  return std::nullopt;
}

std::map<std::string, std::string> assign_actors(const Definitions& d, const std::vector<Lane>& lanes,
                                                 const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> out;
  for (const Lane& l : lanes) {
    if (auto o = overrides.find(l.name); o != overrides.end()) {
      out[l.name] = o->second;
      continue;
    }
    std::vector<std::string> holders;
    for (const Actor& a : d.actors)
      if (a.holds(l.role)) holders.push_back(a.name);
    if (!holders.empty()) out[l.name] = holders[static_cast<size_t>(l.lane - 1) % holders.size()];
  }
  return out;
}

std::string lane_branch(const Definitions& d, const std::string& role, int lane) {
  const Role* r = d.role(role);
  if (r && r->lanes > 1) return "agent/" + role + "-" + std::to_string(lane);
  return "agent/" + role;
}

Result<std::map<std::string, std::string>> lane_assignments(const Definitions& d, const std::string& prefix,
                                                            const std::vector<std::string>& specs) {
  std::map<std::string, std::string> out;
  for (const std::string& a : specs) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos) return fail(Error::usage("--assign wants LANE=ACTOR, not '" + a + "'"));
    auto lane = find_lane(d, prefix, a.substr(0, eq));
    if (!lane) return fail(lane.error());
    if (!d.actor(a.substr(eq + 1))) return fail(Error::unknown_actor(a.substr(eq + 1)));
    out[lane->name] = a.substr(eq + 1);
  }
  return out;
}

std::vector<ReadyItem> teardown_blockers(const QueueState& s, const Lane& lane, const LaneFacts& facts) {
  std::vector<ReadyItem> items;
  if (const std::string held = lane_holder(s, lane.role, lane.lane); !held.empty()) {
    const TaskState& t = s.task(held);
    items.push_back({Code::LANE_BUSY,
                     "lane " + lane.name + " holds " + t.id + " (" + std::string(to_string(t.status)) +
                         (t.owner.empty() ? "" : ", claimed by " + t.owner) + ")",
                     "finish it, or release it with 'git agentq unclaim " + t.id + "'", {}, {}});
  }
  if (facts.worktree_exists && !facts.dirty.empty()) {
    std::vector<std::string> paths;
    for (const auto& line : facts.dirty) paths.push_back(line.size() > 3 ? line.substr(3) : line);
    items.push_back({Code::WORKTREE_DIRTY, "lane " + lane.name + " has uncommitted changes: " + join_few(paths),
                     "commit or stash them in the lane, or --force to save them as a patch", {}, {}});
  }
  if (!facts.unpushed.empty()) {
    std::vector<std::string> ids;
    for (const auto& c : facts.unpushed) ids.push_back(short_id(c));
    const std::string where = facts.remote.empty() ? facts.base_name : facts.base_name + " or " + facts.remote;
    items.push_back({Code::UNPUSHED_COMMITS,
                     "branch " + lane.branch + " has " + std::to_string(facts.unpushed.size()) +
                         " commit(s) on neither " + where + ": " + join_few(ids),
                     facts.remote.empty() ? "merge them, or --force (the branch is kept)"
                                          : "push them ('git push " + facts.remote + " " + lane.branch +
                                                "'), or --force (the branch is kept)",
                     {}, facts.unpushed.front()});
  }
  return items;
}

bool keep_lane_branch(const QueueState& s, const Lane& lane, const LaneFacts& facts) {
  return facts.branch_exists && (!facts.unpushed.empty() || !lane_holder(s, lane.role, lane.lane).empty());
}

namespace {

std::string kdl_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string launch_layout(const std::string& tool, const std::string& session, const std::vector<LaunchPane>& panes) {
  std::string text;
  if (tool == "tmux") {
    text = "#!/bin/sh\n# written by git agentq lanes launch: the coordinator pane plus one pane per lane\nset -e\n";
    text += "S=" + sh_quote(session) + "\n";
    text += "if tmux has-session -t \"$S\" 2>/dev/null; then exec tmux attach-session -t \"$S\"; fi\n";
    text += "tmux new-session -d -s \"$S\" -n lanes -c " + sh_quote(panes[0].path) + "\n";
    text += "tmux select-pane -t \"$S:lanes.0\" -T coordinator\n";
    for (size_t i = 1; i < panes.size(); ++i) {
      text += "tmux split-window -t \"$S:lanes\" -c " + sh_quote(panes[i].path) + "\n";
      text += "tmux select-pane -T " + sh_quote(panes[i].name) + "\n";
      text += "tmux select-layout -t \"$S:lanes\" tiled\n";
    }
    text += "tmux set-option -t \"$S\" pane-border-status top\n";
    text += "tmux select-pane -t \"$S:lanes.0\"\nexec tmux attach-session -t \"$S\"\n";
    return text;
  }
  text = "// written by git agentq lanes launch: the coordinator pane plus one pane per lane\nlayout {\n";
  text += "    tab name=" + kdl_quote(session) + " {\n";
  for (const auto& p : panes) text += "        pane name=" + kdl_quote(p.name) + " cwd=" + kdl_quote(p.path) + "\n";
  text += "    }\n}\n";
  return text;
}

std::vector<std::string> expected_hooks(const Definitions& d) {
  std::vector<std::string> hooks{"pre-push"};
  if (d.policy.protect_base) {
    hooks.push_back("pre-merge-commit");
    hooks.push_back("reference-transaction");
  }
  return hooks;
}

std::vector<ReadyItem> preflight_items(const Definitions& d, const std::string& prefix, const std::string& role,
                                       const PreflightFacts& f) {
  std::vector<ReadyItem> items;
  if (!f.dirty.empty()) {
    std::vector<std::string> paths;
    for (const auto& line : f.dirty) paths.push_back(line.size() > 3 ? line.substr(3) : line);
    items.push_back({Code::WORKTREE_DIRTY, "the work tree has uncommitted changes: " + join_few(paths),
                     "commit or stash them", {}, {}});
  }
  std::vector<std::string> branches;
  for (const Lane& l : plan_lanes(d, prefix))
    if (l.role == role) branches.push_back(l.branch);
  auto here = lane_of_branch(d, prefix, f.head_branch);
  if (!here || here->role != role) {
    const std::string head = f.head_branch.empty() ? "a detached HEAD" : "branch " + f.head_branch.substr(f.head_branch.rfind("refs/heads/", 0) == 0 ? 11 : 0);
    items.push_back({Code::NOT_ON_LANE_BRANCH, "on " + head + ", not on a lane branch of " + role + " (" + join_few(branches) + ")",
                     "work in the lane's worktree ('git agentq lanes setup', then cd there) or 'git switch " +
                         (branches.empty() ? std::string("agent/") + role : branches.front()) + "'",
                     {}, {}});
  }
  if (f.based_on_base && !*f.based_on_base)
    items.push_back({Code::NOT_BASED_ON_BASE, "HEAD does not contain the tip of " + f.base_name,
                     "git rebase " + f.base_name, {}, {}});
  else if (!f.based_on_base)
    items.push_back({Code::NOT_BASED_ON_BASE, "the tip of " + f.base_name + " is unknown here",
                     "git fetch, then git rebase " + f.base_name, {}, {}});
  if (!f.missing_hooks.empty())
    items.push_back({Code::HOOKS_NOT_INSTALLED,
                     "hooks not installed by git-agentq in " + f.hooks_dir + ": " + join_few(f.missing_hooks),
                     "git agentq install-hooks", {}, {}});

  const Actor* actor = f.actor.empty() ? nullptr : d.actor(f.actor);
  if (f.actor.empty()) {
    items.push_back({Code::UNKNOWN_ACTOR, "no actor is configured in this work tree",
                     "git config --worktree agentq.actor NAME (or 'git agentq lanes setup')", {}, {}});
  } else if (!actor) {
    items.push_back({Code::UNKNOWN_ACTOR, "actor " + f.actor + " is not declared in the definitions",
                     "declare it under actors: in .agentq/queue.yaml", {}, {}});
  } else {
    if (!actor->holds(role))
      items.push_back({Code::ROLE_MISMATCH, "actor " + f.actor + " does not hold role " + role,
                       "add " + role + " to the actor's roles, or work as an actor that holds it", {}, {}});
    // The signing key only matters when events are signed or the actor declares one.
    if (!actor->key.empty() || d.policy.require_signed) {
      std::string problem;
      if (actor->key.empty()) problem = "actor " + f.actor + " declares no key but the queue requires signed events";
      else if (!f.signing_key_error.empty()) problem = f.signing_key_error;
      else if (f.signing_key.empty()) problem = "no signing key is configured (user.signingkey)";
      else if (actor->key.rfind("-----BEGIN PGP", 0) == 0) {
        const std::string fp = lower(f.declared_fingerprint), id = lower(f.signing_key);
        if (fp.empty()) problem = "cannot read the fingerprint of " + f.actor + "'s declared OpenPGP key";
        else if (id.size() < 8 || fp.size() < id.size() || fp.compare(fp.size() - id.size(), id.size(), id) != 0)
          problem = "user.signingkey " + f.signing_key + " is not " + f.actor + "'s declared key " + f.declared_fingerprint;
      } else if (!same_key(actor->key, f.signing_key)) {
        problem = "user.signingkey is not " + f.actor + "'s declared key";
      }
      if (!problem.empty())
        items.push_back({Code::SIGNER_MISMATCH, problem,
                         "git config --worktree user.signingkey <the key declared for " + f.actor + ">", {}, {}});
    }
  }
  return items;
}

}  // namespace agentq
