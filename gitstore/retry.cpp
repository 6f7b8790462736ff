#include "gitstore/retry.h"

#include <algorithm>
#include <charconv>

#include "gitstore/system.h"

namespace agentq {

RetryPolicy retry_policy() {
  RetryPolicy p;
  if (auto n = env_int("AGENTQ_SYNC_ATTEMPTS", p.attempts, 1, 1000)) p.attempts = static_cast<int>(*n);
  return p;
}

void back_off(const RetryPolicy& p, int attempt) {
  sleep_ms(random_between(0, std::min(p.cap_ms, p.base_ms << std::min(attempt, 16))));
}

}  // namespace agentq
