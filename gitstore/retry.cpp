#include "gitstore/retry.h"

#include <algorithm>
#include <charconv>

#include "gitstore/system.h"

namespace agentq {

RetryPolicy retry_policy() {
  RetryPolicy p;
  if (auto v = env("AGENTQ_SYNC_ATTEMPTS")) {
    int n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec == std::errc() && end == v->data() + v->size()) p.attempts = std::clamp(n, 1, 1000);
  }
  return p;
}

void back_off(const RetryPolicy& p, int attempt) {
  sleep_ms(random_between(0, std::min(p.cap_ms, p.base_ms << std::min(attempt, 16))));
}

}  // namespace agentq
