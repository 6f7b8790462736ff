#include "gitstore/tick.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "gitstore/history.h"
#include "gitstore/system.h"

namespace agentq {

TickSnapshot read_tick(const Repo& repo, std::optional<Error>* corrupt) {
  TickSnapshot t;
  const std::string path = repo.worktree_state_dir() + "/tick.json";
  auto text = read_file(path);
  if (!text) return t;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || (j.contains("log_tip") && !j["log_tip"].is_string())) {
    const std::string aside = path + ".corrupt";
    const bool moved = std::rename(path.c_str(), aside.c_str()) == 0;
    if (corrupt)
      *corrupt = Error(Code::CACHE_CORRUPT,
                       path + " does not parse" + (moved ? "; moved aside to " + aside : " and could not be moved aside"),
                       Location::in_file(path), "nothing to do: this tick counts as the first; look at " + aside + " if it was edited by hand");
    return t;
  }
  if (j.contains("log_tip") && j["log_tip"].is_string()) t.log_tip = j["log_tip"].get<std::string>();
  if (j.contains("status") && j["status"].is_object())
    for (auto& [k, v] : j["status"].items())
      if (v.is_string()) t.status[k] = v.get<std::string>();
  return t;
}

Status write_tick(const Repo& repo, const TickSnapshot& t) {
  nlohmann::json j = {{"log_tip", t.log_tip}, {"status", t.status}};
  return write_file_atomic(repo.worktree_state_dir() + "/tick.json", j.dump() + "\n");
}

Tick take_tick(Queue& q, Millis now) {
  const Definitions& d = q.defs();
  const QueueState& s = q.state();
  Repo& repo = q.repo();
  Tick t;
  t.previous = read_tick(repo, &t.corrupt);
  t.first = t.previous.log_tip.empty();
  const std::string& prev = t.previous.log_tip;
  if (!t.first) t.changes = tick_changes(t.previous, s, d);
  if (!t.first && prev != s.tip && repo.has_object(prev) && repo.is_ancestor(prev, s.tip))
    if (auto c = commits_between(repo, prev, s.tip)) t.events = c->size();
  if (!t.first && prev == s.tip) t.events = 0;
  for (const auto& r : recommend(s, d))
    if (!r.task.empty()) t.dispatch.push_back(r);
  t.stale = stale_claims(s, d, now);
  if (auto st = write_tick(repo, snapshot(s, d)); !st) t.not_saved = st.error().message;
  return t;
}

}  // namespace agentq
