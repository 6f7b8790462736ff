// Insight into the flow of work: stage latencies, retries, failure classes and queue depth,
// computed from the event log alone, so every clone answers the same (doc/commands.md, "stats").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/definitions.h"
#include "core/replay.h"
#include "core/state.h"
#include "core/timeutil.h"

namespace agentq {

struct Latency {
  std::string stage;  // claim_to_handoff, handoff_to_review, review_to_done, claim_to_done
  size_t count = 0;
  Millis median = 0, p90 = 0, max = 0;
};

struct Stats {
  Millis since = 0;  // events before this time are ignored (0 = all)
  std::vector<Latency> latencies;
  std::map<std::string, size_t> retries;   // reclaims, rehandoffs, check_reruns
  std::map<std::string, size_t> failures;  // failure classes -> count
  std::map<std::string, std::map<std::string, size_t>> depth;  // role -> status -> tasks (now)
  size_t events = 0;                                           // events in the window
};

// The nearest-rank percentile of sorted `v` (0 < p <= 100).
Millis percentile(const std::vector<Millis>& sorted, int p);

Stats compute_stats(const std::vector<LogEntry>& log, const QueueState& s, const Definitions& d, Millis since);

}  // namespace agentq
