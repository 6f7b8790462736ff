#include "core/stats.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/rules.h"

namespace agentq {

Millis percentile(const std::vector<Millis>& sorted, int p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(static_cast<double>(p) / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

Stats compute_stats(const std::vector<LogEntry>& log, const QueueState& s, const Definitions& d, Millis since) {
  Stats st;
  st.since = since;
  struct Track {
    Millis claim = -1, handoff = -1, approval = -1;
    bool awaiting_review = false;
    size_t claims = 0, handoffs = 0;
  };
  std::map<std::string, Track> tasks;
  std::map<std::string, std::vector<Millis>> samples;
  std::set<std::pair<std::string, std::string>> checks_seen;
  for (const LogEntry& entry : log) {
    if (!entry.event) continue;
    const Event& e = *entry.event;
    const Millis at = parse_rfc3339(e.at).value_or(0);
    const bool in_window = at >= since;
    st.events += in_window;
    Track& t = tasks[e.task];
    auto sample = [&](const char* stage, Millis from) {
      if (in_window && from >= 0 && at >= from) samples[stage].push_back(at - from);
    };
    switch (e.type) {
      case EventType::claim:
        if (in_window && t.claims > 0) ++st.retries["reclaims"];
        ++t.claims;
        t.claim = at;
        t.handoff = -1;
        break;
      case EventType::handoff:
        if (in_window && t.handoffs > 0) ++st.retries["rehandoffs"];
        ++t.handoffs;
        if (t.handoff < 0) sample("claim_to_handoff", t.claim);
        t.handoff = at;
        t.awaiting_review = true;
        break;
      case EventType::review:
        if (t.awaiting_review) sample("handoff_to_review", t.handoff);
        t.awaiting_review = false;
        if (e.decision == "approved") t.approval = at;
        else if (in_window) ++st.failures["changes_requested"];
        break;
      case EventType::status:
        if (e.status == "done") {
          sample("review_to_done", t.approval);
          sample("claim_to_done", t.claim);
        } else if (e.status == "blocked" && in_window) {
          ++st.failures["blocked"];
        }
        break;
      case EventType::unclaim:
        if (in_window) ++st.failures["unclaimed"];
        break;
      case EventType::evidence:
        if (e.kind == "acceptance") {
          if (!checks_seen.insert({e.task, e.command}).second && in_window) ++st.retries["check_reruns"];
        }
        if (in_window && e.result == "fail") {
          const int64_t code = e.exit_code.value_or(1);
          if (code == 124) ++st.failures["check_timeout"];
          else if (code == 126 || code == 127) ++st.failures["command_not_runnable"];
          else ++st.failures[e.kind + "_failed"];
        }
        break;
      default:
        break;
    }
  }
  for (const Finding& f : s.illegal)
    if (!f.voided) ++st.failures["illegal_" + std::string(code_name(f.code))];
  for (const char* stage : {"claim_to_handoff", "handoff_to_review", "review_to_done", "claim_to_done"}) {
    auto& v = samples[stage];
    std::sort(v.begin(), v.end());
    Latency l;
    l.stage = stage;
    l.count = v.size();
    l.median = percentile(v, 50);
    l.p90 = percentile(v, 90);
    l.max = v.empty() ? 0 : v.back();
    st.latencies.push_back(l);
  }
  for (const Role& r : d.roles)
    if (r.kind == RoleKind::delivery)
      for (const char* k : {"todo", "ready", "in_progress", "blocked", "in_review", "done"}) st.depth[r.name][k] = 0;
  for (const Task& t : d.tasks) {
    const TaskStatus status = s.task(t.id).status;
    ++st.depth[t.role][std::string(to_string(status))];
    if (status == TaskStatus::todo && not_ready_reason(s, d, t).empty()) ++st.depth[t.role]["ready"];
  }
  return st;
}

}  // namespace agentq
