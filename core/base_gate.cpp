#include "core/base_gate.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/ids.h"

namespace agentq {

std::vector<std::string> merge_ready_tasks(const QueueState& s, const Definitions& d) {
  std::vector<std::string> out;
  for (const auto& [id, ts] : s.tasks) {
    if (!ts.handoff || ts.status == TaskStatus::done) continue;
    const Task* t = d.task(id);
    if (t && merge_ready_items(s, d, *t, RepoFacts{}, true).empty()) out.push_back(id);
  }
  return out;
}

GateResult judge_base_commits(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& added,
                              bool govern_defs) {
  GateResult r;
  // commit -> the merge-ready task whose work it is
  std::unordered_map<std::string, std::string> ready;
  for (const std::string& id : merge_ready_tasks(s, d)) {
    const HandoffRecord& h = *s.task(id).handoff;
    ready.emplace(h.commit, id);
    for (const auto& c : h.commits) ready.emplace(c, id);
  }
  std::unordered_map<std::string, std::string> done;
  for (const auto& [id, ts] : s.tasks) {
    if (ts.status != TaskStatus::done) continue;
    if (!ts.done_commit.empty()) done.emplace(ts.done_commit, id);
    if (ts.handoff)
      for (const auto& c : ts.handoff->commits) done.emplace(c, id);
  }
  std::unordered_set<std::string> landing;
  auto lands = [&](const std::string& task) {
    if (landing.insert(task).second) r.tasks.push_back(task);
  };
  std::vector<BaseCommit> rest;
  for (const BaseCommit& c : added) {
    if (auto it = ready.find(c.id); it != ready.end()) {
      lands(it->second);
      continue;
    }
    if (auto it = done.find(c.id); it != done.end()) {
      lands(it->second);
      continue;
    }
    // A merge commit that brings merge-ready work in (its own parents are judged on their own;
    // audit_base accepts the same merge once the task is done).
    if (c.parents.size() > 1 && std::any_of(c.parents.begin() + 1, c.parents.end(), [&](const std::string& p) {
          return ready.count(p) > 0;
        }))
      continue;
    rest.push_back(c);
  }
  // Everything else is judged exactly as the base audit (ci-check) judges base commits.
  BaseAudit audit = audit_base(s, d, rest, govern_defs);
  r.overridden = std::move(audit.overridden);
  // task -> its merge-ready items, computed once per task
  std::unordered_map<std::string, std::vector<ReadyItem>> items_of;
  std::unordered_map<std::string, std::string> open_of;
  for (const auto& [id, ts] : s.tasks) {
    if (!ts.handoff || ts.status == TaskStatus::done) continue;
    open_of.emplace(ts.handoff->commit, id);
    for (const auto& c : ts.handoff->commits) open_of.emplace(c, id);
  }
  for (ReadyItem& i : audit.untracked) {
    GateRefusal g;
    g.commit = i.commit;
    if (auto it = open_of.find(i.commit); it != open_of.end()) {
      g.task = it->second;
      auto cached = items_of.find(g.task);
      if (cached == items_of.end()) {
        const Task* t = d.task(g.task);
        cached = items_of.emplace(g.task, t ? merge_ready_items(s, d, *t, RepoFacts{}, true) : std::vector<ReadyItem>{})
                     .first;
      }
      g.task_items = cached->second;
    }
    if (!g.task_items.empty()) {
      g.why = g.task_items.front();
      g.why.message = short_id(i.commit) + " is work of " + g.task + ", which is not merge-ready: " + g.why.message;
      g.why.commit = i.commit;
    } else {
      g.why = std::move(i);
    }
    r.refused.push_back(std::move(g));
  }
  return r;
}

std::vector<GateRefusal> judge_defs_changes(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& added) {
  std::unordered_set<std::string> work;
  for (const std::string& id : merge_ready_tasks(s, d)) {
    const HandoffRecord& h = *s.task(id).handoff;
    work.insert(h.commit);
    work.insert(h.commits.begin(), h.commits.end());
  }
  for (const auto& [id, ts] : s.tasks) {
    if (ts.status != TaskStatus::done) continue;
    if (!ts.done_commit.empty()) work.insert(ts.done_commit);
    if (ts.handoff) work.insert(ts.handoff->commits.begin(), ts.handoff->commits.end());
  }
  for (const Override& o : s.overrides) {
    work.insert(o.commit);
    work.insert(o.commits.begin(), o.commits.end());
  }
  std::vector<GateRefusal> out;
  for (const BaseCommit& c : added) {
    if (work.count(c.id)) continue;
    if (c.parents.size() > 1 &&
        std::any_of(c.parents.begin() + 1, c.parents.end(), [&](const std::string& p) { return work.count(p) > 0; }))
      continue;
    if (auto i = defs_unauthorised(c, d)) {
      GateRefusal g;
      g.commit = c.id;
      g.why = std::move(*i);
      out.push_back(std::move(g));
    }
  }
  return out;
}

std::optional<ReadyItem> judge_release(const QueueState& s, const Definitions& d, const std::string& tip, bool in_base) {
  const std::string rel = d.policy.release, base = d.policy.base, sha = short_id(tip);
  ReadyItem i;
  i.commit = tip;
  if (!in_base) {
    i.code = Code::RELEASE_NOT_IN_BASE;
    i.message = rel + " points at " + sha + ", which is not on " + base;
    i.fix = "release only what " + base + " has: put " + rel + " back on a promoted commit, or land the change through " +
            base + " and 'git agentq promote SHA'";
    return i;
  }
  for (const Promotion& p : s.promotions)
    if (p.commit == tip) return std::nullopt;
  i.code = Code::RELEASE_NOT_PROMOTED;
  i.message = rel + " points at " + sha + ", which no promote event recorded";
  i.fix = "a human release owner promotes it: 'git agentq promote " + sha + " --risks TEXT --rollback TEXT'";
  return i;
}

}  // namespace agentq
