// One retry policy for every write that can lose a race (a compare-and-swap of a local ref, an
// atomic push with leases): a bounded number of attempts, each lost one followed by a
// full-jitter wait, uniform in [0, min(cap, base * 2^attempt)], so writers that lost to the
// same winner spread out instead of racing again in step. AGENTQ_SYNC_ATTEMPTS (the Env's
// sync_attempts) sets the number of attempts for all of them.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/env.h"

namespace agentq {

struct RetryPolicy {
  explicit RetryPolicy(Env& e) : env(&e) {}
  Env* env;  // waits with its clock and randomness
  int attempts = 24;
  long base_ms = 5;
  long cap_ms = 1000;
};

// The policy, with the Env's sync_attempts.
RetryPolicy retry_policy(Env& env);

// Sleeps after lost attempt `attempt` (0-based).
void back_off(const RetryPolicy& p, int attempt);

// Calls `attempt(n)` until it gives a value or an error; nullopt means it lost a race and is
// tried again after back_off. `exhausted` is the error once every attempt lost.
template <class T, class F>
Result<T> with_retries(const RetryPolicy& p, F&& attempt, const Error& exhausted) {
  for (int n = 0; n < p.attempts; ++n) {
    Result<std::optional<T>> r = attempt(n);
    if (!r) return fail(r.error());
    if (*r) return std::move(**r);
    if (n + 1 < p.attempts) back_off(p, n);
  }
  return fail(exhausted);
}

}  // namespace agentq
