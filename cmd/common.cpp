#include "cmd/common.h"

#include "cmd/command.h"

#include "core/ids.h"

namespace agentq::cli {

json event_json(const Event& e) { return json::parse(encode_json(e)); }

json task_json(const Definitions& d, const QueueState& s, const std::string& id) {
  const TaskState& t = s.task(id);
  const Task* def = d.task(id);
  json j;
  j["id"] = id;
  j["title"] = def ? def->title : "";
  j["status"] = std::string(to_string(t.status));
  j["owner"] = t.owner.empty() ? json(nullptr) : json(t.owner);
  j["role"] = !t.role.empty() ? t.role : (def ? def->role : "");
  j["lane"] = t.lane ? json(t.lane) : json(nullptr);
  j["branch"] = t.branch.empty() ? json(nullptr) : json(t.branch);
  j["claim"] = t.claim.empty() ? json(nullptr) : json(t.claim);
  j["claimed_at"] = t.claimed_at.empty() ? json(nullptr) : json(t.claimed_at);
  j["last_activity"] = t.last_activity.empty() ? json(nullptr) : json(t.last_activity);
  j["depends_on"] = def ? def->depends_on : std::vector<std::string>{};
  j["kind"] = def ? std::string(to_string(def->kind)) : "";
  j["risk"] = def ? std::string(to_string(def->risk)) : "";
  j["acceptance_checks"] = def ? def->acceptance_checks : std::vector<std::string>{};
  json ev = json::array();
  for (const auto& e : t.evidence) {
    json x;
    x["id"] = e.id;
    x["command"] = e.command;
    x["kind"] = e.kind;
    x["result"] = e.result;
    x["exit_code"] = e.exit_code ? json(*e.exit_code) : json(nullptr);
    x["commit"] = e.commit;
    x["actor"] = e.actor;
    x["at"] = e.at;
    if (e.duration_ms) x["duration_ms"] = *e.duration_ms;
    if (!e.log.empty()) {
      x["log"] = e.log;
      x["event_commit"] = e.event_commit;
    }
    ev.push_back(x);
  }
  j["evidence"] = ev;
  if (t.handoff) {
    const HandoffRecord& h = *t.handoff;
    json x;
    x["id"] = h.id;
    x["actor"] = h.actor;
    x["branch"] = h.branch;
    x["commit"] = h.commit;
    x["merge_base"] = h.merge_base;
    x["commits"] = h.commits;
    x["files"] = h.files;
    x["evidence"] = h.evidence;
    x["risks"] = h.risks;
    x["next"] = h.next;
    if (!h.root_cause.empty()) {
      x["root_cause"] = h.root_cause;
      x["owning_file"] = h.owning_file;
      x["proof_command"] = h.proof_command;
    }
    x["at"] = h.at;
    j["handoff"] = x;
  } else {
    j["handoff"] = nullptr;
  }
  json rv = json::array();
  for (const auto& r : t.reviews) {
    json x;
    x["role"] = r.role;
    x["actor"] = r.actor;
    x["decision"] = r.decision;
    x["commit"] = r.commit;
    if (!r.note.empty()) x["note"] = r.note;
    if (!r.exception_note.empty()) x["exception_note"] = r.exception_note;
    x["at"] = r.at;
    rv.push_back(x);
  }
  j["reviews"] = rv;
  if (t.status == TaskStatus::blocked) {
    j["blocked"] = {{"reason", t.blocked_reason},
                    {"blocked_by", t.blocked_by.empty() ? json(nullptr) : json(t.blocked_by)}};
  } else {
    j["blocked"] = nullptr;
  }
  if (t.status == TaskStatus::done) j["done"] = {{"commit", t.done_commit}, {"at", t.done_at}, {"by", t.done_by}};
  return j;
}

json finding_json(const Finding& f) {
  json j;
  j["code"] = std::string(code_name(f.code));
  j["message"] = f.message;
  j["commit"] = f.commit.empty() ? json(nullptr) : json(f.commit);
  j["event"] = f.event_id.empty() ? json(nullptr) : json(f.event_id);
  j["task"] = f.task.empty() ? json(nullptr) : json(f.task);
  j["fix"] = f.fix.empty() ? json(nullptr) : json(f.fix);
  j["voided"] = f.voided;
  return j;
}

Error finding_error(const Finding& f) {
  Error e(f.code, f.message, {}, f.fix);
  if (!f.commit.empty()) e.where = Location::in_commit(f.commit, f.in_log ? "refs/agent-queue/log" : "commit");
  e.where.task = f.task;
  return e;
}

size_t print_items(Context& ctx, const std::string& task, const std::vector<ReadyItem>& items) {
  for (const auto& i : items) {
    Error e(i.code, i.message, {}, i.fix);
    e.where.task = task;
    ctx.out.diagnostic(e);
  }
  return items.size();
}

json items_json(const std::string& task, const std::vector<ReadyItem>& items) {
  json list = json::array();
  for (const auto& i : items) {
    json x;
    x["code"] = std::string(code_name(i.code));
    x["task"] = task;
    x["message"] = i.message;
    x["fix"] = i.fix;
    if (!i.role.empty()) x["role"] = i.role;
    if (!i.commit.empty()) x["commit"] = i.commit;
    list.push_back(x);
  }
  return list;
}

json brief_items_json(const std::vector<ReadyItem>& items) {
  json list = json::array();
  for (const auto& i : items) list.push_back({{"code", std::string(code_name(i.code))}, {"message", i.message}, {"fix", i.fix}});
  return list;
}

json dispatch_json(const Definitions& d, const std::vector<Dispatch>& recs) {
  json list = json::array();
  for (const auto& r : recs)
    list.push_back({{"role", r.role}, {"lane", r.lane}, {"task", r.task.empty() ? json(nullptr) : json(r.task)},
                    {"branch", lane_branch(d, r.role, r.lane)}});
  return list;
}

std::string stale_line(const Output& out, const StaleClaim& c) {
  return out.yellow("stale") + ": " + c.task + " (" + c.owner + ", idle " + format_age(c.idle) + ")   git agentq prune-stale";
}

int report_written(Context& ctx, const Written& w) {
  if (w.pending && !w.noop)
    ctx.out.line(ctx.out.yellow("pending") + ": not published yet, kept in " + w.pending_ref +
                 "; 'git agentq sync' publishes it (or says why it cannot)");
  for (const std::string& warning : w.warnings) ctx.out.warn(warning);
  if (!w.notes_warning.empty())
    ctx.out.warn("the event landed, but " + std::string("refs/notes/agentq") + " was not updated: " + w.notes_warning +
                 " (run 'git agentq notes rebuild')");
  return 0;
}

Status check_branch_option(const Invocation& in) {
  const std::string b = in.str("branch");
  if (in.has("branch") && !is_branch_name(b))
    return fail(Error::usage("--branch '" + b + "' is not a valid branch name")
                    .hint("name a branch git accepts ('git check-ref-format --branch NAME' says whether it is)"));
  return {};
}

}  // namespace agentq::cli
