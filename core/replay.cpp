#include "core/replay.h"

#include <algorithm>

#include "core/evidence.h"
#include "core/ids.h"
#include "core/merge_ready.h"
#include "core/routing.h"
#include "core/rules.h"

namespace agentq {
namespace {

Error refuse(Code code, std::string msg, const std::string& task, std::string fix = {}) {
  Error e(code, std::move(msg), {}, std::move(fix));
  e.where.task = task;
  return e;
}

// Forged or mis-signed events stay in the log; a human acknowledges them.
constexpr const char* kVoidHint =
    "if it was not written by git agentq, a human actor acknowledges it: git agentq void COMMIT --reason TEXT";

Status check_identity(const Event& e, const Definitions& d, const SignatureCheck* sig) {
  if (e.type == EventType::init && e.actor.empty()) {
    if (d.policy.require_signed)
      return fail(Error(Code::UNKNOWN_ACTOR, "the init event names no actor but policy.require_signed is true"));
    return {};
  }
  const Actor* a = d.actor(e.actor);
  if (!a) return fail(Error::unknown_actor(e.actor));
  if (sig && d.policy.require_signed) {
    switch (sig->state) {
      case SignatureCheck::State::not_checked:
        return fail(Error(Code::UNSIGNED_EVENT,
                          "the signature of the event by " + e.actor + " was not verified (policy.require_signed)", {},
                          kVoidHint));
      case SignatureCheck::State::unsigned_:
        return fail(Error(Code::UNSIGNED_EVENT, "event by " + e.actor + " is not signed (policy.require_signed)", {},
                          kVoidHint));
      case SignatureCheck::State::bad:
        return fail(Error(Code::BAD_SIGNATURE, "signature of the event by " + e.actor + " does not verify: " + sig->detail,
                          {}, kVoidHint));
      case SignatureCheck::State::good:
        if (!same_key(a->key, sig->key))
          return fail(Error(Code::SIGNER_MISMATCH,
                            "event by " + e.actor + " is signed by a key other than the one declared for " + e.actor, {},
                            kVoidHint));
        break;
    }
  }
  if (!e.role.empty()) {
    if (!d.role(e.role)) return fail(Error::unknown_role(e.role));
    if (!a->holds(e.role))
      return fail(Error(Code::ROLE_MISMATCH, "actor " + e.actor + " does not hold role " + e.role, {},
                        "add " + e.role + " to actors." + e.actor + ".roles, or act as a role the actor holds"));
  }
  return {};
}

// Owner events carry the live claim id; coordinators act without one.
Status check_authority(const TaskState& ts, const Event& e, const Definitions& d) {
  const Actor* a = d.actor(e.actor);
  if (!e.claim.empty()) {
    if (ts.claim.empty() || e.claim != ts.claim || e.actor != ts.owner) {
      std::string now = holds_lane(ts.status) ? "it is now held by " + ts.owner + " under claim " + ts.claim
                                              : "the task is " + std::string(to_string(ts.status));
      return fail(refuse(Code::CLAIM_FENCED, "claim " + e.claim + " no longer holds " + ts.id + " (" + now + ")", ts.id,
                         "claim the task again with 'git agentq claim " + ts.id + "'"));
    }
    if (e.role != ts.role)
      return fail(refuse(Code::ROLE_MISMATCH, ts.id + " was claimed as " + ts.role + ", not " + e.role, ts.id));
    return {};
  }
  if (a && is_coordinator(d, *a, e.role)) return {};
  if (!ts.owner.empty() && e.actor == ts.owner)
    return fail(refuse(Code::CLAIM_FENCED, "an owner event on " + ts.id + " must name the claim it acts under", ts.id,
                       "run it from the worktree that claimed the task, or claim it again"));
  return fail(refuse(Code::ROLE_MISMATCH,
                     "actor " + e.actor + " neither holds the claim on " + ts.id + " nor acts as a coordinator", ts.id,
                     ts.owner.empty() ? "" : ts.id + " is held by " + ts.owner));
}

Status check_claim(const QueueState& s, const Event& e, const Definitions& d, const Task& t) {
  const TaskState& ts = s.task(t.id);
  if (e.role != t.role)
    return fail(refuse(Code::ROLE_MISMATCH, "task " + t.id + " belongs to role " + t.role + ", not " + e.role, t.id));
  if (ts.status == TaskStatus::done) return fail(refuse(Code::ILLEGAL_TRANSITION, "task " + t.id + " is already done", t.id));
  if (holds_lane(ts.status))
    return fail(refuse(Code::ALREADY_CLAIMED,
                       "task " + t.id + " is already claimed by " + ts.owner + " (" + std::string(to_string(ts.status)) +
                           (ts.claimed_at.empty() ? "" : ", since " + ts.claimed_at) + ")",
                       t.id, "pick another task with 'git agentq ready --role " + t.role + "'"));
  auto deps = undone_dependencies(s, t);
  if (!deps.empty()) {
    std::string list;
    for (const auto& dep : deps) list += (list.empty() ? "" : ", ") + dep + " (" + std::string(to_string(s.task(dep).status)) + ")";
    return fail(refuse(Code::DEP_NOT_DONE, "task " + t.id + " depends on tasks that are not done: " + list, t.id,
                       "finish the dependencies first; 'git agentq ready' lists what can start now"));
  }
  auto lane = pick_lane(s, d, t, e.lane ? std::optional<int>(static_cast<int>(*e.lane)) : std::nullopt);
  if (!lane) {
    Error err = lane.error();
    if (err.code == Code::USAGE) err.code = Code::EVENT_INVALID;
    err.where.task = t.id;
    return fail(err);
  }
  return {};
}

Status check_status(const QueueState& s, const Event& e, const Definitions& d, const Task& t, RepoView& repo) {
  const TaskState& ts = s.task(t.id);
  AGENTQ_TRY(check_authority(ts, e, d));
  const std::string from(to_string(ts.status));
  auto illegal = [&](const std::string& why) {
    return fail(refuse(Code::ILLEGAL_TRANSITION, t.id + ": " + from + " -> " + e.status + " is not allowed" +
                                                     (why.empty() ? "" : " (" + why + ")"),
                       t.id));
  };
  if (e.status == "in_progress") {
    if (ts.status != TaskStatus::blocked && ts.status != TaskStatus::in_review) return illegal("");
    return {};
  }
  if (e.status == "blocked") {
    if (ts.status != TaskStatus::in_progress && ts.status != TaskStatus::in_review) return illegal("");
    if (!e.blocked_by.empty() && !d.task(e.blocked_by))
      return fail(Error(Code::UNKNOWN_TASK, "blocked by unknown task '" + e.blocked_by + "'").in_task(t.id));
    if (e.blocked_by == t.id) return fail(refuse(Code::EVENT_INVALID, t.id + " cannot block itself", t.id));
    return {};
  }
  // done
  const bool no_merge = t.no_merge && d.policy.allow_no_merge;
  if (no_merge) {
    if (ts.status != TaskStatus::in_progress && ts.status != TaskStatus::in_review)
      return illegal(ts.status == TaskStatus::blocked ? "unblock it first" : "");
    return {};
  }
  if (ts.status != TaskStatus::in_review)
    return illegal(ts.status == TaskStatus::blocked ? "unblock it first"
                   : ts.handoff                     ? "it went back to in_progress after review"
                                                    : "hand it off first");
  if (e.commit.empty())
    return fail(refuse(Code::EVENT_INVALID, "marking " + t.id + " done needs the merged commit", t.id,
                       "pass --commit SHA (the handoff commit, merged into " + d.policy.base + ")"));
  if (e.commit != ts.handoff->commit)
    return fail(refuse(Code::EVENT_INVALID,
                       "done names " + short_id(e.commit) + " but the handoff is at " +
                           short_id(ts.handoff->commit),
                       t.id, "mark done the commit that was handed off and reviewed"));
  // The items the log itself can decide; the work tree and the remote tip are checked by
  // `merge` when it runs.
  auto items = merge_ready_items(s, d, t, RepoFacts{}, false);
  if (!items.empty()) {
    std::string all;
    for (const auto& i : items) all += (all.empty() ? "" : "; ") + std::string(code_name(i.code)) + ": " + i.message;
    return fail(refuse(items.front().code, t.id + " is not merge-ready: " + all, t.id,
                       "see 'git agentq merge-ready " + t.id + "'"));
  }
  // Judged against the base tip the event recorded (its `defs`), an immutable fact: a later
  // force-push of base must not turn an old done into an illegal event and cascade through the
  // lanes it freed. That the commit is still on base today is a cross-check (validate, git-check).
  if (auto merged = repo.is_ancestor(e.commit, e.defs); merged && !*merged)
    return fail(refuse(Code::NOT_MERGED, "commit " + short_id(e.commit) + " is not reachable from " + d.policy.base, t.id,
                       "merge it into " + d.policy.base + " first (git agentq merge " + t.id + ")"));
  return {};
}

Status check_handoff(const QueueState& s, const Event& e, const Definitions& d, const Task& t, RepoView& repo) {
  const TaskState& ts = s.task(t.id);
  AGENTQ_TRY(check_authority(ts, e, d));
  if (ts.status != TaskStatus::in_progress && ts.status != TaskStatus::in_review)
    return fail(refuse(Code::ILLEGAL_TRANSITION,
                       t.id + " cannot be handed off while " + std::string(to_string(ts.status)), t.id,
                       ts.status == TaskStatus::blocked ? "unblock it first" : ""));
  for (const std::string& id : e.evidence) {
    bool found = false;
    for (const auto& ev : ts.evidence) found |= ev.id == id;
    if (!found) return fail(refuse(Code::EVENT_INVALID, "handoff lists evidence " + id + ", which " + t.id + " does not have", t.id));
  }
  if (auto anc = repo.is_ancestor(e.merge_base, e.commit); anc && !*anc)
    return fail(refuse(Code::EVENT_INVALID, "merge base " + short_id(e.merge_base) + " is not an ancestor of " +
                                                short_id(e.commit), t.id));
  // The file list decides review routing and risk: it must be what the commits say.
  if (auto files = repo.changed_files(e.merge_base, e.commit); files && *files != e.files)
    return fail(refuse(Code::EVENT_INVALID,
                       "the handoff's files do not match " + short_id(e.merge_base) + ".." + short_id(e.commit), t.id,
                       "hand off with git agentq, which computes them"));
  if (t.kind == TaskKind::defect) {
    if (e.root_cause.empty() || e.owning_file.empty() || e.proof_command.empty())
      return fail(refuse(Code::ROOT_CAUSE_MISSING,
                         "defect " + t.id + " needs a root cause, the owning file and a proof command", t.id,
                         "hand off with --root-cause TEXT --owning-file PATH --proof-command CMD"));
    if (auto exists = repo.path_exists(e.commit, e.owning_file); exists && !*exists)
      return fail(refuse(Code::ROOT_CAUSE_MISSING,
                         "owning file " + e.owning_file + " does not exist at " + short_id(e.commit), t.id));
    if (!command_passed(ts, e.proof_command, e.commit))
      return fail(refuse(Code::ROOT_CAUSE_MISSING,
                         "the proof command `" + e.proof_command + "` has no passing evidence on " + short_id(e.commit),
                         t.id, "run it and record it: 'git agentq evidence " + t.id + " --command … --exit-code 0'"));
  }
  if (is_high_risk(d, t, e.files)) {
    for (const char* kind : {"code_anchor", "runtime"})
      if (!has_passing_kind(ts, e.commit, kind))
        return fail(refuse(Code::REALITY_CHECK_MISSING,
                           t.id + " is high-risk and needs passing code_anchor and runtime evidence on " +
                               short_id(e.commit) + " (no " + kind + ")",
                           t.id, "git agentq evidence " + t.id + " --kind " + kind + " --command CMD --exit-code 0"));
  }
  return {};
}

Status check_review(const QueueState& s, const Event& e, const Definitions& d, const Task& t) {
  const TaskState& ts = s.task(t.id);
  const Role* role = d.role(e.role);
  if (!role || role->kind != RoleKind::review)
    return fail(refuse(Code::ROLE_MISMATCH, e.role + " is not a reviewer role", t.id,
                       "review as a role of kind review that the actor holds"));
  if (!ts.handoff)
    return fail(refuse(Code::HANDOFF_MISSING, t.id + " has no handoff to review", t.id));
  if (ts.status != TaskStatus::in_review)
    return fail(refuse(Code::ILLEGAL_TRANSITION,
                       t.id + " is " + std::string(to_string(ts.status)) + ", not awaiting review", t.id,
                       "review after the next handoff"));
  if (e.commit != ts.handoff->commit)
    return fail(refuse(Code::REVIEW_STALE,
                       "the handoff under review is " + short_id(ts.handoff->commit) + ", not " + short_id(e.commit),
                       t.id, "review " + ts.handoff->commit));
  if (e.decision == "approved") {
    if (auto conflict = review_conflict(s, d, t, e.actor, e.role, e.exception_note))
      return fail(refuse(conflict->code, conflict->message, t.id, conflict->fix));
  }
  return {};
}

Status check_unclaim(const QueueState& s, const Event& e, const Definitions& d, const Task& t) {
  const TaskState& ts = s.task(t.id);
  if (!holds_lane(ts.status) && e.claim.empty())
    return fail(refuse(Code::ILLEGAL_TRANSITION, "task " + t.id + " is not claimed (" + std::string(to_string(ts.status)) + ")",
                       t.id));
  return check_authority(ts, e, d);
}

Status check_evidence(const QueueState& s, const Event& e, const Task& t) {
  if (s.task(t.id).status == TaskStatus::done)
    return fail(refuse(Code::ILLEGAL_TRANSITION, "task " + t.id + " is done; evidence can no longer be added", t.id));
  (void)e;
  return {};
}

// Overrides are the audited emergency bypass of the base-branch gate: only a human decides.
Status check_override(const Event& e, const Definitions& d) {
  const Actor* a = d.actor(e.actor);
  if (!a || !a->human)
    return fail(Error(Code::NOT_HUMAN, "only an actor with human: true may override the merge gate", {},
                      "ask a human coordinator"));
  return {};
}

Status check_void(const QueueState& s, const Event& e, const Definitions& d) {
  const Actor* a = d.actor(e.actor);
  if (!a || !a->human)
    return fail(Error(Code::NOT_HUMAN, "only an actor with human: true may void an illegal event"));
  for (const Finding& f : s.illegal) {
    if ((f.event_id == e.event || f.commit == e.event) && !f.voided) return {};
  }
  return fail(Error(Code::EVENT_INVALID, "'" + e.event + "' names no unacknowledged illegal event"));
}

// Promotions are human-gated and only of what base already has (a release is cut from landed work):
// judged against the base tip the event names (its `defs`), an immutable fact, like `done`.
Status check_promote(const Event& e, const Definitions& d, RepoView& repo) {
  const Actor* a = d.actor(e.actor);
  if (!a || !a->human)
    return fail(Error(Code::NOT_HUMAN, "only an actor with human: true may promote to the release branch", {},
                      "ask the human release owner"));
  if (d.policy.release.empty())
    return fail(Error(Code::EVENT_INVALID, "policy.release is not set: there is no release branch to promote to"));
  if (e.release != d.policy.release)
    return fail(Error(Code::EVENT_INVALID, "promote names release '" + e.release + "' but policy.release is '" +
                                               d.policy.release + "'"));
  if (auto in = repo.is_ancestor(e.commit, e.defs); in && !*in)
    return fail(Error(Code::RELEASE_NOT_IN_BASE, short_id(e.commit) + " is not reachable from " + d.policy.base, {},
                      "promote a commit that " + d.policy.base + " already has"));
  for (const std::string& t : e.tasks)
    if (!d.task(t)) return fail(Error::unknown_task(t));
  return {};
}

// The stage runner's records (gate, run) are facts about a run of the runner: they change no
// task state, so any declared actor may record them (identity is checked like every event).
Status check_run_record(const Event& e) {
  if (e.run.empty()) return fail(Error::invalid_event(std::string(to_string(e.type)) + " event without a run id"));
  return {};
}

const Task* task_or_null(const Definitions& d, const Event& e) { return e.task.empty() ? nullptr : d.task(e.task); }

}  // namespace

Result<std::shared_ptr<const Definitions>> definitions_for(const QueueState& s, const Event& e, RepoView& repo) {
  auto pos = repo.base_position(e.defs);
  if (!pos)
    return fail(Error(Code::EVENT_INVALID, "event names definitions commit " + short_id(e.defs) +
                                               ", which is not on the first-parent history of " +
                                               (s.base.empty() ? e.base : s.base)));
  // Positions are relative to this run's base tip, so the previous event's is looked up again.
  auto last = s.last_defs.empty() ? std::nullopt : repo.base_position(s.last_defs);
  if (last && *pos < *last)
    return fail(Error(Code::EVENT_INVALID, "event names definitions commit " + short_id(e.defs) +
                                               ", older than the previous event's " + short_id(s.last_defs)));
  return repo.definitions_at(e.defs);
}

namespace {

Result<bool> recorded(const QueueState& s, const Event& e, const Sha256& hash) {
  auto it = s.event_ids.find(e.id);
  if (it == s.event_ids.end()) return false;
  if (it->second == hash) return true;
  auto c = s.id_commits.find(e.id);
  return fail(Error(Code::DUPLICATE_EVENT_ID,
                    "event id " + e.id + " is already used by a different event" +
                        (c == s.id_commits.end() ? "" : " (" + short_id(c->second) + ")"),
                    {}, "use a fresh id: re-sending is a no-op only for the identical event"));
}

void apply(QueueState& s, const Event& e, const std::string& commit, const Sha256& hash);

}  // namespace

Result<bool> already_recorded(const QueueState& s, const Event& e) { return recorded(s, e, content_hash(e)); }

Status check_event(const QueueState& s, const Event& e, const Definitions& d, RepoView& repo, const SignatureCheck* sig) {
  AGENTQ_TRY(check_shape(e));
  AGENTQ_TRY(check_identity(e, d, sig));
  if (e.type == EventType::init) {
    if (s.initialised)
      return fail(Error(Code::ILLEGAL_TRANSITION, "the queue is already initialised (init event " +
                                                      short_id(s.init_commit) + ")"));
    if (e.base != d.policy.base)
      return fail(Error(Code::EVENT_INVALID, "init names base '" + e.base + "' but policy.base is '" + d.policy.base + "'"));
    return {};
  }
  if (!s.initialised) return fail(Error(Code::ILLEGAL_TRANSITION, "event before the queue's init event"));

  const Task* t = task_or_null(d, e);
  if (!e.task.empty() && !t) return fail(Error::unknown_task(e.task).in_task(e.task));
  switch (e.type) {
    case EventType::claim: return check_claim(s, e, d, *t);
    case EventType::unclaim: return check_unclaim(s, e, d, *t);
    case EventType::status: return check_status(s, e, d, *t, repo);
    case EventType::evidence: return check_evidence(s, e, *t);
    case EventType::handoff: return check_handoff(s, e, d, *t, repo);
    case EventType::review: return check_review(s, e, d, *t);
    case EventType::void_: return check_void(s, e, d);
    case EventType::override_: return check_override(e, d);
    case EventType::promote: return check_promote(e, d, repo);
    case EventType::gate:
    case EventType::run: return check_run_record(e);
    default:
      return fail(Error(Code::EVENT_INVALID, std::string(to_string(e.type)) + " events are not supported by this git-agentq",
                        {}, "upgrade git-agentq"));
  }
}

Result<Judgement> judge_new_event(const QueueState& s, const Event& e, RepoView& repo, SignerView* signer) {
  Judgement j;
  auto dup = already_recorded(s, e);
  if (!dup) return fail(dup.error());
  if (*dup) {
    j.noop = true;
    return j;
  }
  auto defs = definitions_for(s, e, repo);
  if (!defs) return fail(defs.error());
  j.defs = *defs;
  std::optional<SignatureCheck> identity;
  if (signer) {
    auto id = writer_identity(**defs, e.actor, *signer);
    if (!id) return fail(id.error());
    identity = *id;
  }
  AGENTQ_TRY(check_event(s, e, **defs, repo, identity ? &*identity : nullptr));
  return j;
}

void apply_event(QueueState& s, const Event& e, const std::string& commit) { apply(s, e, commit, content_hash(e)); }

namespace {

void apply(QueueState& s, const Event& e, const std::string& commit, const Sha256& hash) {
  s.event_ids[e.id] = hash;
  s.id_commits[e.id] = commit;
  s.last_defs = e.defs;
  s.last_at = e.at;
  if (e.type == EventType::init) {
    s.initialised = true;
    s.base = e.base;
    s.release = e.release;
    s.remote = e.remote;
    s.init_commit = commit;
    s.init_defs = e.defs;
    return;
  }
  if (e.type == EventType::override_) {
    Override o;
    o.id = e.id;
    o.task = e.task;
    o.actor = e.actor;
    o.reason = e.reason;
    o.at = e.at;
    o.commit = e.commit;
    o.commits = e.commits;
    s.overrides.push_back(std::move(o));
    s.task_mut(e.task).overrides.push_back(e.id);
    return;
  }
  if (e.type == EventType::promote) {
    Promotion p;
    p.id = e.id;
    p.commit = e.commit;
    p.release = e.release;
    p.actor = e.actor;
    p.at = e.at;
    p.tasks = e.tasks;
    s.promotions.push_back(std::move(p));
    return;
  }
  if (e.type == EventType::void_) {
    for (Finding& f : s.illegal)
      if (f.event_id == e.event || f.commit == e.event) f.voided = true;
    return;
  }
  if (e.task.empty()) return;
  // A runner's records are not work on the task: they leave its state and its activity alone.
  if (e.type == EventType::gate || e.type == EventType::run) return;
  TaskState& ts = s.task_mut(e.task);
  ts.last_activity = e.at;
  auto release_lane = [&]() {
    if (!ts.claim.empty()) s.released_claims.insert(ts.claim);
    auto r = s.lane_holders.find(ts.role);
    if (r != s.lane_holders.end()) {
      auto l = r->second.find(ts.lane);
      if (l != r->second.end() && l->second == ts.id) r->second.erase(l);
    }
  };
  switch (e.type) {
    case EventType::claim:
      ts.status = TaskStatus::in_progress;
      ts.owner = e.actor;
      ts.role = e.role;
      ts.lane = static_cast<int>(e.lane.value_or(1));
      ts.branch = e.branch;
      ts.claim = e.id;
      ts.claimed_at = e.at;
      ts.blocked_reason.clear();
      ts.blocked_by.clear();
      ts.implementers.insert(e.actor);
      ts.implementer_roles.insert(e.role);
      s.lane_holders[ts.role][ts.lane] = ts.id;
      break;
    case EventType::unclaim:
      release_lane();
      ts.status = TaskStatus::todo;
      ts.owner.clear();
      ts.role.clear();
      ts.lane = 0;
      ts.claim.clear();
      ts.claimed_at.clear();
      ts.handoff.reset();
      ts.blocked_reason.clear();
      ts.blocked_by.clear();
      break;
    case EventType::status:
      if (e.status == "blocked") {
        ts.before_block = ts.status;
        ts.status = TaskStatus::blocked;
        ts.blocked_reason = e.reason;
        ts.blocked_by = e.blocked_by;
      } else if (e.status == "in_progress") {
        ts.status = ts.status == TaskStatus::blocked ? ts.before_block : TaskStatus::in_progress;
        ts.blocked_reason.clear();
        ts.blocked_by.clear();
      } else {
        release_lane();
        ts.status = TaskStatus::done;
        ts.done_commit = e.commit;
        ts.done_at = e.at;
        ts.done_by = e.actor;
      }
      break;
    case EventType::handoff: {
      HandoffRecord h;
      h.id = e.id;
      h.actor = e.actor;
      h.role = e.role;
      h.at = e.at;
      h.branch = e.branch;
      h.commit = e.commit;
      h.merge_base = e.merge_base;
      h.patch_id = e.patch_id;
      h.event_commit = commit;
      h.commits = e.commits;
      h.files = e.files;
      h.evidence = e.evidence;
      h.risks = e.risks;
      h.next = e.next;
      h.root_cause = e.root_cause;
      h.owning_file = e.owning_file;
      h.proof_command = e.proof_command;
      ts.handoff = std::move(h);
      ts.status = TaskStatus::in_review;
      ts.implementers.insert(e.actor);
      ts.implementer_roles.insert(e.role);
      break;
    }
    case EventType::review: {
      ReviewRecord r;
      r.id = e.id;
      r.actor = e.actor;
      r.role = e.role;
      r.at = e.at;
      r.commit = e.commit;
      r.decision = e.decision;
      r.note = e.note;
      r.exception_note = e.exception_note;
      r.event_commit = commit;
      if (ts.handoff) r.patch_id = ts.handoff->patch_id;
      ts.reviews.push_back(std::move(r));
      if (e.decision == "changes_requested") ts.status = TaskStatus::in_progress;
      break;
    }
    case EventType::evidence: {
      EvidenceRecord r;
      r.id = e.id;
      r.actor = e.actor;
      r.role = e.role;
      r.at = e.at;
      r.command = e.command;
      r.kind = e.kind;
      r.result = e.result;
      r.commit = e.commit;
      r.log = e.log;
      r.event_commit = commit;
      r.exit_code = e.exit_code;
      r.duration_ms = e.duration_ms;
      r.log_bytes = e.log_bytes;
      ts.evidence.push_back(std::move(r));
      break;
    }
    default:
      break;
  }
}

}  // namespace

void replay_entry(QueueState& s, const LogEntry& entry, RepoView& repo) {
  ++s.events;
  s.tip = entry.commit;
  auto record = [&](const Error& err) {
    Finding f;
    f.code = err.code;
    f.message = err.message;
    f.fix = err.fix;
    f.commit = entry.commit;
    f.in_log = true;
    if (entry.event) {
      f.event_id = entry.event->id;
      f.task = entry.event->task;
    }
    if (f.task.empty()) f.task = err.where.task;
    s.illegal.push_back(std::move(f));
  };
  if (!entry.event) return record(entry.error);
  const Event& e = *entry.event;
  const Sha256 hash = content_hash(e);
  auto dup = recorded(s, e, hash);
  if (!dup) return record(dup.error());
  if (*dup) return;  // the identical event again (a retried write): a no-op
  auto defs = definitions_for(s, e, repo);
  if (!defs) return record(defs.error());
  // The definitions decide whether the signature matters, as they decide everything else: no
  // second reading of the YAML, and nothing to pay where signing is off.
  std::optional<SignatureCheck> sig;
  if ((*defs)->policy.require_signed) sig = repo.signature(entry.commit, e, **defs);
  Status ok = check_event(s, e, **defs, repo, sig ? &*sig : nullptr);
  if (!ok) return record(ok.error());
  apply(s, e, entry.commit, hash);
}

QueueState replay(const std::vector<LogEntry>& log, RepoView& repo) {
  QueueState s;
  for (const LogEntry& entry : log) replay_entry(s, entry, repo);
  return s;
}

}  // namespace agentq
