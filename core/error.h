// Error: a stable reason code, a human message and, where it applies, a location.
//
// Reason codes are API (documented in doc/reason-codes.md, printed in --json, hooks and CI
// output). Codes are appended to the X-macro list below and never renumbered or reused.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace agentq {

// X(name, exit_code): the exit code a command returns when it fails with this code.
// 1 = a check found problems, 2 = bad usage/input, 3 = refused by queue rules, 4 = environment.
#define AGENTQ_REASON_CODES(X)          \
  X(DEF_INVALID, 2)                     \
  X(DEF_UNKNOWN_KEY, 2)                 \
  X(DEP_CYCLE, 2)                       \
  X(UNKNOWN_TASK, 2)                    \
  X(UNKNOWN_ROLE, 2)                    \
  X(UNKNOWN_ACTOR, 2)                   \
  X(DEP_NOT_DONE, 3)                    \
  X(ALREADY_CLAIMED, 3)                 \
  X(LANE_BUSY, 3)                       \
  X(ROLE_MISMATCH, 3)                   \
  X(ILLEGAL_TRANSITION, 3)              \
  X(EVIDENCE_MISSING, 3)                \
  X(EVIDENCE_FAILED, 3)                 \
  X(HANDOFF_MISSING, 3)                 \
  X(ROOT_CAUSE_MISSING, 3)              \
  X(REALITY_CHECK_MISSING, 3)           \
  X(REVIEW_MISSING, 3)                  \
  X(REVIEW_CHANGES_REQUESTED, 3)        \
  X(REVIEW_STALE, 3)                    \
  X(SELF_APPROVAL, 3)                   \
  X(SAME_MODEL_REVIEW, 3)               \
  X(NOT_BASED_ON_BASE, 3)               \
  X(NOT_MERGED, 3)                      \
  X(CLAIM_FENCED, 3)                    \
  X(WORKTREE_DIRTY, 3)                  \
  X(UNSIGNED_EVENT, 3)                  \
  X(BAD_SIGNATURE, 3)                   \
  X(SIGNER_MISMATCH, 3)                 \
  X(NOT_HUMAN, 3)                       \
  X(NON_FAST_FORWARD, 3)                \
  X(LOST_RACE, 3)                       \
  X(NOTE_WITHOUT_EVENT, 1)              \
  X(EVENT_WITHOUT_NOTE, 1)              \
  X(RELEASE_NOT_IN_BASE, 3)             \
  X(GATE_POLICY_DENIED_OR_UNKNOWN, 1)   \
  X(GATE_CI_NOT_SUCCESS, 1)             \
  X(GATE_REVIEW_NOT_APPROVED, 1)        \
  X(CACHE_CORRUPT, 4)                   \
  X(NO_QUEUE, 4)                        \
  X(NOT_A_REPO, 4)                      \
  X(REMOTE_UNREACHABLE, 4)              \
  X(EVENT_INVALID, 2)                   \
  X(DUPLICATE_EVENT_ID, 3)              \
  X(BRANCH_IN_USE, 3)                   \
  /* added after the initial design set */ \
  X(USAGE, 2)                           \
  X(DEF_WRONG_TYPE, 2)                  \
  X(DEF_DUPLICATE, 2)                   \
  X(IO_ERROR, 4)                        \
  X(GIT_ERROR, 4)                       \
  X(NOTE_MISMATCH, 1)                   \
  X(NOTHING_READY, 3)                   \
  X(BRANCH_MISSING, 1)                  \
  X(COMMIT_MISSING, 1)                  \
  X(UNTRACKED_BASE_COMMIT, 1)                  \
  X(NO_REMOTE, 4)                       \
  X(REMOTE_AUTH_FAILED, 4)              \
  X(REMOTE_REJECTED, 3)                 \
  X(RELEASE_NOT_PROMOTED, 3)           \
  X(SIGNING_FAILED, 4)                  \
  X(UNPUSHED_COMMITS, 3)                \
  X(NOT_ON_LANE_BRANCH, 3)              \
  X(HOOKS_NOT_INSTALLED, 3)             \
  /* the stage runner (run) */          \
  X(STAGE_SPAWN_FAILED, 1)              \
  X(STAGE_EXIT_NONZERO, 1)              \
  X(STAGE_TIMEOUT, 1)                   \
  X(ARTIFACT_MISSING, 1)                \
  X(ARTIFACT_INVALID, 1)                \
  X(CHECKPOINT_INVALID, 2)              \
  X(RUN_OPTIONS_MISMATCH, 2)            \
  X(RUN_PAUSED, 1)                      \
  X(RUN_IN_PROGRESS, 1)                 \
  /* the architecture round */          \
  X(INTERNAL_ERROR, 4)                  \
  /* the daily loop */                  \
  X(REBASE_CONFLICT, 3)                 \
  /* origin holds against push access */ \
  X(REF_NOT_ALLOWED, 3)                 \
  X(DEFS_UNAUTHORISED, 3)               \
  X(REMOTE_LOCKED, 4)

enum class Code {
#define AGENTQ_ENUM(name, exit) name,
  AGENTQ_REASON_CODES(AGENTQ_ENUM)
#undef AGENTQ_ENUM
};

std::string_view code_name(Code code);
// Parses an UPPER_SNAKE name; false when unknown.
bool code_from_name(std::string_view name, Code* out);
// The process exit code for a command that fails with `code`.
int exit_code_for(Code code);

// Where an error applies. Every field is optional; `str()` renders the ones present.
struct Location {
  std::string file;    // e.g. ".agentq/queue.yaml" (may carry "@<rev>")
  int line = 0;        // 1-based
  int col = 0;         // 1-based
  std::string ref;     // e.g. "refs/agent-queue/log"
  std::string commit;  // full object id
  std::string task;

  static Location in_file(std::string file, int line = 0, int col = 0) {
    Location l;
    l.file = std::move(file);
    l.line = line;
    l.col = col;
    return l;
  }
  static Location in_commit(std::string commit, std::string ref = {}) {
    Location l;
    l.commit = std::move(commit);
    l.ref = std::move(ref);
    return l;
  }

  bool empty() const;
  std::string str() const;
};

struct Error {
  Code code = Code::GIT_ERROR;
  std::string message;
  Location where;
  std::string fix;  // what would make it pass; empty when there is nothing to say

  Error() = default;
  Error(Code c, std::string msg, Location loc = {}, std::string fix_hint = {})
      : code(c), message(std::move(msg)), where(std::move(loc)), fix(std::move(fix_hint)) {}

  Error&& at(Location loc) &&;
  Error&& hint(std::string text) &&;
  Error&& in_task(std::string task) &&;
  Error&& in_commit(std::string commit) &&;

  int exit_code() const { return exit_code_for(code); }
  // "LOCATION: message" (or just the message when there is no location).
  std::string str() const;

  // Named factories for the common cases (leveldb's Status::NotFound style).
  static Error usage(std::string msg);
  static Error io(std::string msg, std::string path = {});
  static Error git(std::string msg);
  static Error unknown_task(const std::string& id);
  static Error unknown_role(const std::string& role);
  static Error unknown_actor(const std::string& actor);
  static Error invalid_event(std::string msg);
};

// A value or the Error why there is none. [[nodiscard]]: a dropped result is a dropped error,
// so the compiler finds every caller that ignores one; where ignoring is right, the caller
// says so with (void) and a comment why.
template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result(const Base& b) : Base(b) {}     // NOLINT: implicit, like tl::expected itself
  Result(Base&& b) : Base(std::move(b)) {}  // NOLINT
};
using Status = Result<void>;

inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }
inline tl::unexpected<Error> fail(Code c, std::string msg, Location loc = {}, std::string fix = {}) {
  return tl::unexpected<Error>(Error(c, std::move(msg), std::move(loc), std::move(fix)));
}

// Propagate an error from an expression returning Result/Status.
#define AGENTQ_CONCAT_(a, b) a##b
#define AGENTQ_CONCAT(a, b) AGENTQ_CONCAT_(a, b)
#define AGENTQ_TRY(expr) AGENTQ_TRY_IMPL(AGENTQ_CONCAT(agentq_try_, __COUNTER__), expr)
#define AGENTQ_TRY_IMPL(var, expr)                            \
  do {                                                        \
    auto var = (expr);                                        \
    if (!var) return ::agentq::fail(std::move(var.error()));  \
  } while (0)

}  // namespace agentq
