#include "core/task_json.h"

namespace agentq {

nlohmann::ordered_json task_json(const Definitions& d, const QueueState& s, const std::string& id) {
  using json = nlohmann::ordered_json;
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  const TaskState& t = s.task(id);
  const Task* def = d.task(id);
  json j;
  j["id"] = id;
  j["title"] = def ? def->title : "";
  j["status"] = std::string(to_string(t.status));
  j["owner"] = or_null(t.owner);
  j["role"] = !t.role.empty() ? t.role : (def ? def->role : "");
  j["lane"] = t.lane ? json(t.lane) : json(nullptr);
  j["branch"] = or_null(t.branch);
  j["claim"] = or_null(t.claim);
  j["claimed_at"] = or_null(t.claimed_at);
  j["last_activity"] = or_null(t.last_activity);
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
                    {"blocked_by", or_null(t.blocked_by)}};
  } else {
    j["blocked"] = nullptr;
  }
  if (t.status == TaskStatus::done) j["done"] = {{"commit", t.done_commit}, {"at", t.done_at}, {"by", t.done_by}};
  return j;
}

}  // namespace agentq
