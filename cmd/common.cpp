#include "cmd/common.h"

#include "core/ids.h"

namespace agentq::cli {

json event_json(const Event& e) { return json::parse(encode_json(e)); }

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

}  // namespace agentq::cli
