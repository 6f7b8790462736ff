// How `check` records an acceptance command: fail closed, so that only exit status 0 passes,
// and with the command's output attached (cut at policy.log_cap, saying so).
#pragma once

#include <cstddef>
#include <string>

#include "core/timeutil.h"

namespace agentq {

struct CheckOutcome {
  int exit_code = 0;
  bool pass = false;
};

// The exit code recorded for a command that ended so: 124 when it timed out (as timeout(1)
// reports it), 128+N when signal N killed it (as the shell reports it), else its exit status
// (127 for one that could not start). It passes only with 0 and no timeout.
CheckOutcome check_outcome(int exit_code, int signal, bool timed_out);

// The log attached to the evidence: the captured `output`, then a note when it was cut (the
// command wrote `total` bytes) and when it was killed after `timeout_ms`.
std::string check_log(std::string output, size_t total, bool timed_out, Millis timeout_ms);

// A duration with one decimal: "1.5s".
std::string format_seconds(Millis ms);

}  // namespace agentq
