#include "core/merge_ready.h"

#include <algorithm>

#include "core/evidence.h"
#include "core/ids.h"
#include "core/routing.h"

namespace agentq {
namespace {

ReadyItem item(Code code, std::string message, std::string fix, std::string commit = {}, std::string role = {}) {
  ReadyItem i;
  i.code = code;
  i.message = std::move(message);
  i.fix = std::move(fix);
  i.commit = std::move(commit);
  i.role = std::move(role);
  return i;
}

// Does review `r` speak about the current handoff? The exact commit, or a trivial rebase of it:
// the same `git patch-id --stable` (as Gerrit copies approvals).
bool covers(const ReviewRecord& r, const HandoffRecord& h) {
  return r.commit == h.commit || (!r.patch_id.empty() && r.patch_id == h.patch_id);
}

}  // namespace

std::vector<std::string> required_reviewers(const QueueState& s, const Definitions& d, const Task& t) {
  const TaskState& ts = s.task(t.id);
  if (!ts.handoff) return {};
  return routed_roles(d, ts.handoff->files);
}

std::vector<ReviewerState> reviewer_states(const QueueState& s, const Definitions& d, const Task& t,
                                           const std::vector<ReadyItem>& items) {
  std::vector<ReviewerState> out;
  for (const auto& r : required_reviewers(s, d, t)) {
    std::string state = "approved";
    for (const auto& i : items)
      if (i.role == r) state = std::string(code_name(i.code));
    out.push_back({r, state});
  }
  return out;
}

Result<std::string> reviewer_role(const QueueState& s, const Definitions& d, const Actor& a, const Task& t) {
  std::vector<std::string> mine;
  for (const auto& r : a.roles) {
    const Role* role = d.role(r);
    if (role && role->kind == RoleKind::review) mine.push_back(r);
  }
  if (mine.size() == 1) return mine.front();
  const auto needed = required_reviewers(s, d, t);
  std::vector<std::string> both;
  for (const auto& r : mine)
    if (std::find(needed.begin(), needed.end(), r) != needed.end()) both.push_back(r);
  if (both.size() == 1) return both.front();
  if (mine.empty())
    return fail(Error(Code::ROLE_MISMATCH, a.name + " holds no reviewer role", {}, "review as an actor with a review role"));
  return fail(Error::usage(a.name + " holds several reviewer roles: pass --role R"));
}

std::optional<ReadyItem> review_conflict(const QueueState& s, const Definitions& d, const Task& t,
                                         const std::string& reviewer, const std::string& role,
                                         const std::string& exception_note) {
  const TaskState& ts = s.task(t.id);
  if (!d.reviews.self_approval && (ts.implementers.count(reviewer) || ts.implementer_roles.count(role)))
    return item(Code::SELF_APPROVAL,
                reviewer + " (" + role + ") implemented " + t.id + " and cannot approve it",
                "another actor holding another reviewer role must review it", {}, role);
  const Actor* rev = d.actor(reviewer);
  if (!rev || rev->model.empty() || d.reviews.same_model == SameModel::allow) return std::nullopt;
  for (const std::string& impl : ts.implementers) {
    const Actor* a = d.actor(impl);
    if (!a || a->model != rev->model) continue;
    if (d.reviews.same_model == SameModel::forbid)
      return item(Code::SAME_MODEL_REVIEW,
                  reviewer + " runs the same model (" + rev->model + ") as the implementer " + impl +
                      " and policy forbids same-model review",
                  "a reviewer on another model must review it", {}, role);
    if (exception_note.empty())
      return item(Code::SAME_MODEL_REVIEW,
                  reviewer + " runs the same model (" + rev->model + ") as the implementer " + impl,
                  "a reviewer on another model, or an explicit --exception-note", {}, role);
  }
  return std::nullopt;
}

std::vector<ReadyItem> merge_ready_items(const QueueState& s, const Definitions& d, const Task& t,
                                         const RepoFacts& facts, bool include_findings) {
  std::vector<ReadyItem> items;
  if (include_findings) {
    for (const Finding& f : s.illegal) {
      if (f.voided) continue;
      items.push_back(item(f.code, "the queue log holds an illegal event at " + short_id(f.commit) + ": " + f.message,
                           "fix the cause; a human acknowledges it with 'git agentq void " +
                               (f.event_id.empty() ? f.commit : f.event_id) + " --reason …'",
                           f.commit));
    }
  }
  const TaskState& ts = s.task(t.id);
  const std::string status(to_string(ts.status));
  if (ts.status == TaskStatus::done) {
    items.push_back(item(Code::ILLEGAL_TRANSITION, t.id + " is already done", "nothing to merge", ts.done_commit));
    return items;
  }
  if (ts.status == TaskStatus::blocked)
    items.push_back(item(Code::ILLEGAL_TRANSITION, t.id + " is blocked: " + ts.blocked_reason,
                         "resolve the blocker and unblock it with 'git agentq set-status " + t.id + " in_progress'"));
  if (!ts.handoff) {
    items.push_back(item(Code::HANDOFF_MISSING,
                         t.id + " has no handoff (" + status + ")",
                         "the implementer hands it off with 'git agentq handoff " + t.id + " --commit SHA'"));
    return items;
  }
  const HandoffRecord& h = *ts.handoff;
  if (ts.status == TaskStatus::in_progress) {
    bool changes = false;
    for (const ReviewRecord& r : ts.reviews) changes |= covers(r, h) && r.decision == "changes_requested";
    if (!changes)
      items.push_back(item(Code::HANDOFF_MISSING, t.id + " went back to in_progress after its handoff at " + short_id(h.commit),
                           "hand it off again with 'git agentq handoff " + t.id + " --commit SHA'", h.commit));
  }

  for (const std::string& check : t.acceptance_checks) {
    const EvidenceRecord* e = latest_evidence(ts, check, h.commit, "acceptance");
    if (!e)
      items.push_back(item(Code::EVIDENCE_MISSING,
                           "acceptance check `" + check + "` has no evidence on " + short_id(h.commit),
                           "git agentq check " + t.id + " --commit " + h.commit, h.commit));
    else if (e->result != "pass")
      items.push_back(item(Code::EVIDENCE_FAILED,
                           "acceptance check `" + check + "` failed on " + short_id(h.commit) +
                               (e->exit_code ? " (exit " + std::to_string(*e->exit_code) + ")" : ""),
                           "fix it, commit, run 'git agentq check " + t.id + "' and hand off again", h.commit));
  }
  if (t.kind == TaskKind::defect) {
    if (h.root_cause.empty() || h.owning_file.empty() || h.proof_command.empty())
      items.push_back(item(Code::ROOT_CAUSE_MISSING, "defect " + t.id + " was handed off without a root cause, owning file and proof command",
                           "hand off with --root-cause, --owning-file and --proof-command", h.commit));
    else if (!command_passed(ts, h.proof_command, h.commit))
      items.push_back(item(Code::ROOT_CAUSE_MISSING,
                           "the proof command `" + h.proof_command + "` has no passing evidence on " + short_id(h.commit),
                           "record it with 'git agentq evidence " + t.id + " --command … --exit-code 0' or 'git agentq check'",
                           h.commit));
  }
  if (is_high_risk(d, t, h.files)) {
    for (const char* kind : {"code_anchor", "runtime"}) {
      if (!has_passing_kind(ts, h.commit, kind))
        items.push_back(item(Code::REALITY_CHECK_MISSING,
                             t.id + " is high-risk and has no passing " + std::string(kind) + " evidence on " +
                                 short_id(h.commit),
                             "git agentq evidence " + t.id + " --kind " + kind + " --command CMD --exit-code 0 --commit " +
                                 h.commit,
                             h.commit));
    }
  }
  for (const std::string& role : routed_roles(d, h.files)) {
    const ReviewRecord* current = nullptr;
    const ReviewRecord* stale = nullptr;
    for (auto it = ts.reviews.rbegin(); it != ts.reviews.rend(); ++it) {
      if (it->role != role) continue;
      if (covers(*it, h)) {
        current = &*it;
        break;
      }
      if (!stale && it->decision == "approved") stale = &*it;
    }
    if (current && current->decision == "changes_requested") {
      items.push_back(item(Code::REVIEW_CHANGES_REQUESTED,
                           role + " (" + current->actor + ") requested changes on " + short_id(current->commit) +
                               (current->note.empty() ? "" : ": " + current->note),
                           "fix, record new evidence and hand off again", current->commit, role));
    } else if (current) {
      if (auto conflict = review_conflict(s, d, t, current->actor, role, current->exception_note)) {
        conflict->commit = current->commit;
        items.push_back(*conflict);
      }
    } else if (stale) {
      items.push_back(item(Code::REVIEW_STALE,
                           role + " approved " + short_id(stale->commit) + ", not the handoff commit " + short_id(h.commit),
                           "ask " + role + " to review " + h.commit, h.commit, role));
    } else {
      items.push_back(item(Code::REVIEW_MISSING, "no approval from " + role + " for " + short_id(h.commit),
                           "git agentq review " + t.id + " --decision approved --commit " + h.commit + " --role " + role,
                           h.commit, role));
    }
  }
  if (facts.based_on_base && !*facts.based_on_base)
    items.push_back(item(Code::NOT_BASED_ON_BASE,
                         short_id(h.commit) + " does not contain the tip of " + facts.base_name,
                         "rebase the branch onto " + facts.base_name + ", check again and hand off the new commit",
                         h.commit));
  if (facts.worktree_clean && !*facts.worktree_clean)
    items.push_back(item(Code::WORKTREE_DIRTY, "the coordinator's work tree has uncommitted changes" +
                                                   (facts.dirty.empty() ? std::string() : ": " + facts.dirty),
                         "commit or stash them ('git status')"));
  return items;
}

}  // namespace agentq
