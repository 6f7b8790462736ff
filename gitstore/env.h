// What git-agentq asks of the world besides git and files, in the manner of leveldb's Env: the
// clock, waiting, randomness and its own AGENTQ_* settings. The driver reads the environment
// once, at the edge (Env::from_environment, which refuses a malformed setting), and hands the
// Env to the repository; everything below asks the Env it was given, so AGENTQ_NOW is a test's
// clock set in one place rather than a variable read deep inside, and there is one `now`.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/timeutil.h"

namespace agentq {

struct Settings {
  std::optional<Millis> fixed_now;       // AGENTQ_NOW (RFC 3339): every clock reading is this
  int sync_attempts = 24;                // AGENTQ_SYNC_ATTEMPTS: attempts of a write that loses races
  long remote_timeout_ms = 10 * 60 * 1000;  // AGENTQ_REMOTE_TIMEOUT (seconds): one git transport call
  long stale_lock_ms = 10 * 1000;        // AGENTQ_STALE_LOCK_MS: age after which an owned .lock is stale
  std::optional<std::string> actor;      // AGENTQ_ACTOR: who acts when --actor is not given
};

class Env {
 public:
  explicit Env(Settings settings = {}) : settings_(std::move(settings)) {}
  virtual ~Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // The real clock, sleep and random numbers with default settings (nothing read from the
  // environment): for tools and benchmarks that open a repository themselves.
  static Env& standard();
  // The real clock, sleep and random numbers with the settings of the AGENTQ_* variables. A
  // malformed value is USAGE naming the variable, so a mistyped setting fails the command
  // instead of being replaced by the default unnoticed.
  static Result<std::unique_ptr<Env>> from_environment();

  // Milliseconds since the epoch (fixed_now when set).
  virtual Millis now_ms();
  virtual void sleep_ms(long ms);
  // A uniformly random integer in [lo, hi].
  virtual long random_between(long lo, long hi);

  // now_ms() as RFC 3339 UTC with second precision.
  std::string now_rfc3339() { return format_rfc3339(now_ms()); }
  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
};

}  // namespace agentq
