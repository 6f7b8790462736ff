#include "gitstore/promote.h"

#include <nlohmann/json.hpp>

#include "core/base_gate.h"
#include "core/ids.h"
#include "gitstore/process.h"
#include "gitstore/remote.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace {

using ojson = nlohmann::ordered_json;

// The evidence of the tasks a release carries: for each, the checks recorded on the commit it
// was handed off (or done) at, and its reviews.
std::string release_evidence(const Queue& q, const Event& e, const std::string& previous) {
  const QueueState& s = q.state();
  ojson tasks = ojson::array();
  for (const std::string& id : e.tasks) {
    const TaskState& ts = s.task(id);
    const Task* def = q.defs().task(id);
    ojson checks = ojson::array(), reviews = ojson::array();
    const std::string commit = ts.handoff ? ts.handoff->commit : ts.done_commit;
    for (const EvidenceRecord& ev : ts.evidence)
      if (ev.commit == commit)
        checks.push_back(ojson{{"id", ev.id}, {"command", ev.command}, {"kind", ev.kind}, {"result", ev.result},
                               {"exit_code", ev.exit_code ? ojson(*ev.exit_code) : ojson(nullptr)}, {"commit", ev.commit}});
    for (const ReviewRecord& r : ts.reviews)
      reviews.push_back(ojson{{"role", r.role}, {"actor", r.actor}, {"decision", r.decision}, {"commit", r.commit}});
    tasks.push_back(ojson{{"id", id}, {"title", def ? def->title : ""}, {"done_commit", ts.done_commit},
                          {"done_by", ts.done_by}, {"acceptance_checks", def ? def->acceptance_checks : std::vector<std::string>{}},
                          {"evidence", checks}, {"reviews", reviews}});
  }
  return ojson{{"source", e.commit}, {"release", e.release}, {"base", s.base},
               {"previous", previous.empty() ? ojson(nullptr) : ojson(previous)},
               {"tasks", tasks},     {"risks", e.risks},     {"rollback", e.rollback}}
             .dump(2) +
         "\n";
}

}  // namespace

Result<Promoted> promote(Queue& q, const std::string& actor, const std::string& event_id, const std::string& rev,
                          const std::string& risks, const std::string& rollback, bool offline) {
  // Identity before anything else: writers check who acts before what they do.
  if (!q.defs().actor(actor)->human)
    return fail(Error(Code::NOT_HUMAN, actor + " is not a human: only an actor with human: true may promote", {},
                      "ask the human release owner"));
  Promoted p;
  p.release = q.defs().policy.release;
  p.remote = q.remote();
  const std::string base = q.state().base;
  if (p.release.empty())
    return fail(Error::usage("policy.release is not set: there is no release branch")
                    .hint("name it in policy.release of .agentq/queue.yaml on " + base));
  if (!p.remote.empty() && offline)
    return fail(Error::usage("promote cannot be offline: the event and " + p.release + " land on " + p.remote +
                             " together or not at all"));
  auto sha = q.repo().resolve_commit(rev);
  if (!sha) return fail(sha.error());
  p.commit = *sha;
  if (!q.repo().is_ancestor(*sha, q.base_tip()))
    return fail(Error(Code::RELEASE_NOT_IN_BASE,
                      short_id(*sha) + " is not reachable from " + (p.remote.empty() ? base : p.remote + "/" + base),
                      Location::in_commit(*sha, "commit"), "promote a commit that " + base + " already has"));
  // Where the release is now: on the remote (leased on that value) or the local branch.
  if (!p.remote.empty()) {
    auto theirs = fetch_branch(q.repo(), p.remote, p.release);
    if (!theirs) return fail(theirs.error());
    p.previous = *theirs;
  } else {
    p.previous = q.repo().ref("refs/heads/" + p.release);
  }
  // The release already is this commit, by a promotion on record: a second event would carry
  // no task and move nothing, so promoting it again (a retry) is a no-op that says so.
  if (p.previous && *p.previous == *sha) {
    const auto& done = q.state().promotions;
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      if (it->commit != *sha || it->release != p.release) continue;
      p.written.noop = true;
      p.written.event.id = it->id;
      p.written.event.type = EventType::promote;
      p.written.event.commit = *sha;
      if (auto c = q.state().id_commits.find(it->id); c != q.state().id_commits.end()) p.written.commit = c->second;
      p.tasks = it->tasks;
      return p;
    }
  }

  Event e;
  e.type = EventType::promote;
  e.id = event_id;
  e.actor = actor;
  e.release = p.release;
  e.commit = *sha;
  e.risks = risks;
  e.rollback = rollback;
  Repo& repo = q.repo();
  const auto& previous = p.previous;
  e.tasks = promoted_tasks(
      q.state(), [&](const std::string& c) { return repo.is_ancestor(c, *sha); },
      [&](const std::string& c) { return previous && repo.is_ancestor(c, *previous); });
  p.tasks = e.tasks;
  const std::string evidence = release_evidence(q, e, previous.value_or(""));
  WriteOptions o;
  if (!p.remote.empty()) o.also_move.push_back(BranchMove{p.release, *sha, previous});
  auto w = q.write(e, {Attachment{"release/evidence.json", evidence}}, {}, o);
  if (!w) return fail(w.error());
  p.written = std::move(*w);
  // The event is recorded (and with a remote, the release moved there with it): the local
  // branch follows, unless a work tree has it checked out (moving it would desync that tree).
  auto holder = worktree_holding(repo, "refs/heads/" + p.release);
  if (holder && *holder) {
    p.local_note = "the local " + p.release + " is checked out in " + **holder + " and was not moved";
  } else {
    auto moved = run_git({"update-ref", "-m", "agentq: promote " + short_id(*sha), "refs/heads/" + p.release, *sha},
                         git_cwd(repo));
    if (!moved || moved->exit_code != 0)
      p.local_note = "the local " + p.release + " did not move: " + (moved ? moved->err : moved.error().message);
  }
  return p;
}

std::vector<ReleaseRef> check_release_refs(Queue& q) {
  std::vector<ReleaseRef> out;
  const std::string release = q.defs().policy.release, remote = q.defs().policy.remote;
  if (release.empty()) return out;
  std::vector<std::string> names = {"refs/heads/" + release};
  if (!remote.empty()) names.push_back(tracking_ref(remote, "refs/heads/" + release));
  for (const std::string& ref : names) {
    auto tip = q.repo().ref(ref);
    if (!tip) continue;
    out.push_back({ref, *tip, judge_release(q.state(), q.defs(), *tip, q.view().reachable_from_base(*tip))});
  }
  return out;
}

}  // namespace agentq
