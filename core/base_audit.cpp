#include "core/base_audit.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/glob.h"
#include "core/ids.h"

namespace agentq {

bool changes_definitions(const BaseCommit& c) {
  return std::find(c.files.begin(), c.files.end(), ".agentq/queue.yaml") != c.files.end();
}

std::optional<ReadyItem> defs_unauthorised(const BaseCommit& c, const Definitions& d) {
  if (!changes_definitions(c) || !c.defs_signer.empty()) return std::nullopt;
  ReadyItem i;
  i.code = Code::DEFS_UNAUTHORISED;
  i.commit = c.id;
  i.message = short_id(c.id) + " changes .agentq/queue.yaml on " + d.policy.base +
              " without the signature of a human actor the definitions before it declare";
  i.fix = "sign it as such an actor ('git commit -S', with the key the definitions declare) or land it through a "
          "task; see doc/security.md";
  return i;
}

BaseAudit audit_base(const QueueState& s, const Definitions& d, const std::vector<BaseCommit>& commits,
                     bool govern_defs) {
  std::unordered_set<std::string> done_work;                      // commits of done tasks
  std::unordered_map<std::string, std::string> open_work;          // commit -> task not done yet
  for (const auto& [id, t] : s.tasks) {
    if (!t.handoff) continue;
    if (t.status == TaskStatus::done) {
      done_work.insert(t.done_commit);
      done_work.insert(t.handoff->commits.begin(), t.handoff->commits.end());
    } else {
      open_work.emplace(t.handoff->commit, id);
      for (const auto& c : t.handoff->commits) open_work.emplace(c, id);
    }
  }
  std::unordered_map<std::string, const Override*> overridden;
  for (const Override& o : s.overrides) {
    overridden.emplace(o.commit, &o);
    for (const auto& c : o.commits) overridden.emplace(c, &o);
  }
  const std::vector<std::string> defs_only = {".agentq/**"};
  BaseAudit audit;
  for (const BaseCommit& c : commits) {
    if (done_work.count(c.id)) continue;
    // A merge commit that brings a done task's work in.
    if (std::any_of(c.parents.begin() + (c.parents.empty() ? 0 : 1), c.parents.end(),
                    [&](const std::string& p) { return done_work.count(p) > 0; }))
      continue;
    if (auto o = overridden.find(c.id); o != overridden.end()) {
      ReadyItem i;
      i.code = Code::UNTRACKED_BASE_COMMIT;
      i.commit = c.id;
      i.message = short_id(c.id) + " reached " + d.policy.base + " by an override of " + o->second->task + " by " +
                  o->second->actor + ": " + o->second->reason;
      i.fix = "review it after the fact and mark " + o->second->task + " done when merge-ready";
      audit.overridden.push_back(std::move(i));
      continue;
    }
    // Definitions decide every later judgement: only a human actor's signature (or a task,
    // accounted above) lets a change of them in.
    if (auto i = govern_defs ? defs_unauthorised(c, d) : std::nullopt) {
      audit.untracked.push_back(std::move(*i));
      continue;
    }
    const bool all_defs = !c.files.empty() && std::all_of(c.files.begin(), c.files.end(), [&](const std::string& f) {
      return glob_match_any(defs_only, f);
    });
    if (all_defs) continue;
    if (std::find(d.policy.exempt.authors.begin(), d.policy.exempt.authors.end(), c.author_email) !=
        d.policy.exempt.authors.end())
      continue;
    if (!d.policy.exempt.paths.empty() && !c.files.empty() &&
        std::all_of(c.files.begin(), c.files.end(),
                    [&](const std::string& f) { return glob_match_any(d.policy.exempt.paths, f); }))
      continue;
    ReadyItem i;
    i.code = Code::UNTRACKED_BASE_COMMIT;
    i.commit = c.id;
    auto open = open_work.find(c.id);
    if (open != open_work.end()) {
      i.message = short_id(c.id) + " on " + d.policy.base + " is work of " + open->second + ", which is " +
                  std::string(to_string(s.task(open->second).status)) + ", not done";
      i.fix = "finish it ('git agentq merge-ready " + open->second + "', then set-status done) or revert the commit";
    } else {
      i.message = short_id(c.id) + " on " + d.policy.base + " belongs to no task";
      i.fix = "land work through a task ('git agentq merge'), exempt it in policy.exempt, or revert it";
    }
    audit.untracked.push_back(std::move(i));
  }
  return audit;
}

}  // namespace agentq
