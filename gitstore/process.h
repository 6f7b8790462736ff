// The one seam through which git-agentq starts other programs (git, ssh-keygen, gpg, check
// commands). Children get their own process group so a timeout kills their children too.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace agentq {

struct ProcessSpec {
  std::vector<std::string> argv;
  std::string cwd;                                        // empty = inherit
  std::vector<std::pair<std::string, std::string>> env;   // added to (or replacing in) the environment
  std::vector<std::string> unset_env;                     // removed from the environment
  std::optional<std::string> stdin_data;                  // nullopt = /dev/null
  int timeout_ms = 0;                                     // 0 = none
  bool merge_stderr = false;                              // capture stderr into `out`
  bool inherit_stderr = false;                            // let stderr through to ours
  bool inherit_stdout = false;                            // let stdout through to ours
  size_t capture_limit = 64u << 20;                       // bytes kept of each stream
  // A fork that fails (EAGAIN: process limit) is a ProcessResult with started=false and
  // spawn_errno set instead of an error, so callers can tell a transient failure to start.
  bool spawn_failure_as_result = false;
};

struct ProcessResult {
  int exit_code = -1;    // -1 when killed by a signal or not started
  int signal = 0;        // the terminating signal, if any
  bool timed_out = false;
  bool started = false;  // false when exec failed (exit_code is then 127)
  int spawn_errno = 0;   // errno of the failed fork/exec when !started
  std::string out, err;
  size_t out_total = 0;  // bytes the child wrote to stdout (before capture_limit)
  long duration_ms = 0;
};

// Runs the process to completion. Errors only for failures of our own (pipes, fork).
Result<ProcessResult> run_process(const ProcessSpec& spec);

// Convenience: `git ARGS…` in `cwd`, stdout captured, stderr captured.
Result<ProcessResult> run_git(const std::vector<std::string>& args, const std::string& cwd = {},
                              const std::optional<std::string>& stdin_data = std::nullopt);

// GIT_ERROR "WHAT: MESSAGE" for a git command that exited non-zero, MESSAGE being what git said
// (its stderr, else its stdout) without trailing whitespace.
Error git_failed(const std::string& what, const ProcessResult& r);
// `git ARGS…` in `cwd` that must succeed: git_failed(what, …) when it exits non-zero.
Result<ProcessResult> run_git_checked(const std::vector<std::string>& args, const std::string& cwd,
                                      const std::string& what);

}  // namespace agentq
