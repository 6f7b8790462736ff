#include "core/consistency.h"

#include <map>

#include "core/ids.h"


namespace agentq {
namespace {

Finding finding(Code code, std::string message, const std::string& task, std::string fix, std::string commit = {}) {
  Finding f;
  f.code = code;
  f.message = std::move(message);
  f.task = task;
  f.fix = std::move(fix);
  f.commit = std::move(commit);
  return f;
}

}  // namespace

std::vector<Finding> done_not_on_base(const QueueState& s, RepoView& repo) {
  std::vector<Finding> out;
  for (const auto& [id, t] : s.tasks) {
    if (t.status != TaskStatus::done || t.done_commit.empty() || repo.reachable_from_base(t.done_commit)) continue;
    out.push_back(finding(Code::NOT_MERGED,
                          "done task " + id + " names " + short_id(t.done_commit) + ", which is not on " + s.base, id,
                          "restore it on " + s.base + " (was the branch force-pushed?)", t.done_commit));
  }
  return out;
}

std::vector<Finding> undeclared_tasks(const QueueState& s, const Definitions& d) {
  std::vector<Finding> out;
  for (const auto& [id, t] : s.tasks) {
    if (d.task(id) || t.status == TaskStatus::done) continue;
    out.push_back(finding(Code::UNKNOWN_TASK,
                          "task " + id + " is " + std::string(to_string(t.status)) + " in the log but not in " + d.file,
                          id, "finish or unclaim it before removing it from the definitions"));
  }
  return out;
}

std::vector<Finding> missing_handoff_commits(const QueueState& s, RepoView& repo) {
  std::vector<Finding> out;
  for (const auto& [id, t] : s.tasks) {
    if (!t.handoff || t.status == TaskStatus::done || repo.commit_exists(t.handoff->commit)) continue;
    out.push_back(finding(Code::COMMIT_MISSING,
                          "the handoff commit " + short_id(t.handoff->commit) + " of " + id + " is not in this repository",
                          id, "fetch " + t.handoff->branch + " (push it from the clone that handed it off, or hand off again)"));
  }
  return out;
}

std::vector<Finding> branch_findings(const QueueState& s, const std::function<bool(const std::string&)>& branch_exists) {
  std::vector<Finding> out;
  std::map<std::string, std::vector<std::string>> holders;
  for (const auto& [id, t] : s.tasks) {
    if (!holds_lane(t.status) || t.branch.empty()) continue;
    holders[t.branch].push_back(id);
    if (!branch_exists(t.branch))
      out.push_back(finding(Code::BRANCH_MISSING,
                            id + " is " + std::string(to_string(t.status)) + " on branch " + t.branch +
                                ", which does not exist",
                            id, "create or fetch " + t.branch + ", or unclaim " + id));
  }
  for (const auto& [branch, ids] : holders) {
    if (ids.size() < 2) continue;
    std::string list;
    for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
    out.push_back(finding(Code::BRANCH_IN_USE,
                          "branch " + branch + " is held by " + std::to_string(ids.size()) + " tasks: " + list, "",
                          "give each task its own lane branch"));
  }
  return out;
}

}  // namespace agentq
