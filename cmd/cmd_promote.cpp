// git agentq promote / release-guard: human-gated promotion of a base commit to policy.release.
//
// `promote` records the release evidence of the runbook in a `promote` event (the source SHA,
// the tasks it carries, risks and rollback plan; the acceptance evidence and the reviews of
// those tasks in the event's attachment release/evidence.json), then moves policy.release to
// exactly that SHA: with a remote, in the same atomic push as the event. `release-guard` fails
// when the release branch points at anything but a promoted SHA that base contains.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/base_gate.h"
#include "core/ids.h"
#include "core/strings.h"
#include "gitstore/process.h"
#include "gitstore/remote.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {
namespace {

// The evidence of the tasks a release carries, as the runbook asks for it.
json release_evidence(const Queue& q, const Event& e, const std::string& previous) {
  const QueueState& s = q.state();
  json tasks = json::array();
  for (const std::string& id : e.tasks) {
    const TaskState& ts = s.task(id);
    const Task* def = q.defs().task(id);
    json checks = json::array(), reviews = json::array();
    const std::string commit = ts.handoff ? ts.handoff->commit : ts.done_commit;
    for (const EvidenceRecord& ev : ts.evidence)
      if (ev.commit == commit)
        checks.push_back(json{{"id", ev.id}, {"command", ev.command}, {"kind", ev.kind}, {"result", ev.result},
                              {"exit_code", ev.exit_code ? json(*ev.exit_code) : json(nullptr)}, {"commit", ev.commit}});
    for (const ReviewRecord& r : ts.reviews)
      reviews.push_back(json{{"role", r.role}, {"actor", r.actor}, {"decision", r.decision}, {"commit", r.commit}});
    tasks.push_back(json{{"id", id}, {"title", def ? def->title : ""}, {"done_commit", ts.done_commit},
                         {"done_by", ts.done_by}, {"acceptance_checks", def ? def->acceptance_checks : std::vector<std::string>{}},
                         {"evidence", checks}, {"reviews", reviews}});
  }
  return json{{"source", e.commit},     {"release", e.release}, {"base", s.base},  {"previous", previous.empty() ? json(nullptr) : json(previous)},
              {"tasks", tasks},         {"risks", e.risks},     {"rollback", e.rollback}};
}

// Moves the local release branch through git, so reference-transaction hooks judge it too.
Result<ProcessResult> move_local_release(Queue& q, const std::string& release, const std::string& sha) {
  return run_git({"update-ref", "-m", "agentq: promote " + short_id(sha), "refs/heads/" + release, sha}, git_cwd(q.repo()));
}

}  // namespace

Status check_promote(const Invocation& in) {
  if (in.str("sha").empty())
    return fail(Error::usage("which commit?").hint("git agentq promote SHA --risks TEXT --rollback TEXT"));
  if (blank(in.str("risks")) || blank(in.str("rollback")))
    return fail(Error::usage("a promotion needs --risks TEXT and --rollback TEXT: they are the release record"));
  return {};
}

int run_promote(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string rev = in.str("sha"), risks = in.str("risks"), rollback = in.str("rollback");
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  // Identity before anything else (DESIGN: writers check identity first).
  if (!q->defs().actor(*actor)->human)
    return ctx.out.error(Error(Code::NOT_HUMAN, *actor + " is not a human: only an actor with human: true may promote", {},
                               "ask the human release owner"));
  const std::string release = q->defs().policy.release, base = q->state().base, remote = q->remote();
  if (release.empty())
    return ctx.out.error(Error::usage("policy.release is not set: there is no release branch")
                             .hint("name it in policy.release of .agentq/queue.yaml on " + base));
  if (!remote.empty() && ctx.offline)
    return ctx.out.error(Error::usage("promote cannot be offline: the event and " + release + " land on " + remote +
                                      " together or not at all"));
  auto sha = q->repo().resolve_commit(rev);
  if (!sha) return ctx.out.error(sha.error());
  if (!q->repo().is_ancestor(*sha, q->base_tip()))
    return ctx.out.error(Error(Code::RELEASE_NOT_IN_BASE,
                               short_id(*sha) + " is not reachable from " + (remote.empty() ? base : remote + "/" + base),
                               Location::in_commit(*sha, "commit"), "promote a commit that " + base + " already has"));
  // Where the release is now: on the remote (leased on that value) or the local branch.
  std::optional<std::string> previous;
  if (!remote.empty()) {
    auto theirs = fetch_branch(q->repo(), remote, release);
    if (!theirs) return ctx.out.error(theirs.error());
    previous = *theirs;
  } else {
    previous = q->repo().ref("refs/heads/" + release);
  }

  Event e;
  e.type = EventType::promote;
  e.id = *event_id;
  e.actor = *actor;
  e.release = release;
  e.commit = *sha;
  e.risks = risks;
  e.rollback = rollback;
  Repo& repo = q->repo();
  e.tasks = promoted_tasks(
      q->state(), [&](const std::string& c) { return repo.is_ancestor(c, *sha); },
      [&](const std::string& c) { return previous && repo.is_ancestor(c, *previous); });
  const std::string evidence = release_evidence(*q, e, previous.value_or("")).dump(2) + "\n";
  WriteOptions o;
  if (!remote.empty()) o.also_move.push_back(BranchMove{release, *sha, previous});
  auto w = q->write(e, {Attachment{"release/evidence.json", evidence}}, {}, o);
  if (!w) return ctx.out.error(w.error());
  // The event is recorded (and with a remote, the release moved there with it): the local
  // branch follows, unless a work tree has it checked out (moving it would desync that tree).
  auto holder = worktree_holding(q->repo(), "refs/heads/" + release);
  std::string local_note;
  if (holder && *holder) {
    local_note = "the local " + release + " is checked out in " + **holder + " and was not moved";
  } else {
    auto moved = move_local_release(*q, release, *sha);
    if (!moved || moved->exit_code != 0)
      local_note = "the local " + release + " did not move: " + (moved ? moved->err : moved.error().message);
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"release", release}, {"commit", *sha}, {"tasks", e.tasks},
                      {"previous", previous ? json(*previous) : json(nullptr)}, {"event", w->commit},
                      {"pushed", !remote.empty()}, {"pending", w->pending}});
  } else {
    ctx.out.line("promoted " + ctx.out.bold(short_id(*sha)) + " to " + release + " (" + std::to_string(e.tasks.size()) +
                 " task(s): " + [&] {
                   std::string l;
                   for (const auto& t : e.tasks) l += (l.empty() ? "" : ", ") + t;
                   return l.empty() ? std::string("none new") : l;
                 }() + ")" + (remote.empty() ? "" : ", pushed to " + remote));
    ctx.out.line("  release evidence: " + short_id(w->commit) + ":release/evidence.json in " + kLogRef);
  }
  if (!local_note.empty()) ctx.out.warn(local_note + " (git update-ref refs/heads/" + release + " " + *sha + ")");
  return report_written(ctx, *w);
}

int run_release_guard(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const std::string release = q->defs().policy.release, remote = q->defs().policy.remote;
  json refs = json::array(), items = json::array();
  size_t bad = 0;
  if (!release.empty()) {
    std::vector<std::string> names = {"refs/heads/" + release};
    if (!remote.empty()) names.push_back(tracking_ref(remote, "refs/heads/" + release));
    for (const std::string& ref : names) {
      auto tip = q->repo().ref(ref);
      if (!tip) continue;
      auto item = judge_release(q->state(), q->defs(), *tip, q->view().reachable_from_base(*tip));
      refs.push_back(json{{"ref", ref}, {"commit", *tip}, {"ok", !item}});
      if (!item) {
        ctx.out.line("ok    " + ref + " at " + short_id(*tip) + " (promoted)");
        continue;
      }
      ++bad;
      Error err(item->code, item->message, Location::in_commit(*tip, ref), item->fix);
      json ij = error_json(err);
      ij["ref"] = ref;
      ij["commit"] = *tip;
      items.push_back(ij);
      if (!ctx.out.json_mode) ctx.out.diagnostic(err);
    }
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", bad == 0}, {"release", release.empty() ? json(nullptr) : json(release)}, {"refs", refs},
                      {"items", items}});
  } else if (release.empty()) {
    ctx.out.line("no release branch: policy.release is not set");
  } else if (refs.empty()) {
    ctx.out.line("no " + release + " branch yet: nothing released");
  }
  return bad ? 1 : 0;
}

}  // namespace agentq::cli
