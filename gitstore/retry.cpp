#include "gitstore/retry.h"

#include <algorithm>

namespace agentq {

RetryPolicy retry_policy(Env& env) {
  RetryPolicy p{env};
  p.attempts = env.settings().sync_attempts;
  return p;
}

void back_off(const RetryPolicy& p, int attempt) {
  p.env->sleep_ms(p.env->random_between(0, std::min(p.cap_ms, p.base_ms << std::min(attempt, 16))));
}

}  // namespace agentq
