#include "gitstore/env.h"

#include <chrono>
#include <thread>

#include "gitstore/system.h"

namespace agentq {
Env& Env::standard() {
  static Env env;
  return env;
}

Result<std::unique_ptr<Env>> Env::from_environment() {
  Settings s;
  if (auto now = env("AGENTQ_NOW")) {
    auto t = parse_rfc3339(*now);
    if (!t)
      return fail(Error::usage("AGENTQ_NOW is '" + *now + "', which is not an RFC 3339 time")
                      .hint("set it like 2026-01-02T03:04:05Z, or unset it to use the system clock"));
    s.fixed_now = *t;
  }
  auto attempts = env_int("AGENTQ_SYNC_ATTEMPTS", s.sync_attempts, 1, 1000);
  if (!attempts) return fail(attempts.error());
  s.sync_attempts = static_cast<int>(*attempts);
  auto timeout = env_int("AGENTQ_REMOTE_TIMEOUT", s.remote_timeout_ms / 1000, 1, 24L * 3600);
  if (!timeout) return fail(timeout.error());
  s.remote_timeout_ms = *timeout * 1000;
  auto grace = env_int("AGENTQ_STALE_LOCK_MS", s.stale_lock_ms, 0, 24L * 3600 * 1000);
  if (!grace) return fail(grace.error());
  s.stale_lock_ms = *grace;
  s.actor = env("AGENTQ_ACTOR");
  return std::make_unique<Env>(std::move(s));
}

Millis Env::now_ms() {
  if (settings_.fixed_now) return *settings_.fixed_now;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Env::sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

long Env::random_between(long lo, long hi) { return agentq::random_between(lo, hi); }

}  // namespace agentq
