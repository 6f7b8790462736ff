// The process's surroundings that are not a seam: random identifiers, environment variables and
// files. The clock, waiting and the AGENTQ_* settings are the Env's (gitstore/env.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace agentq {

// A random (version 4) UUID.
std::string new_uuid();
// A uniformly random integer in [lo, hi] (unique names; the Env's random_between is the seam).
long random_between(long lo, long hi);

std::optional<std::string> env(const char* name);
// An integer setting from the environment: `fallback` when `name` is unset or empty, else its
// value, which must be a decimal integer from `min` to `max`. Anything else is USAGE naming the
// variable and what it takes: a mistyped setting fails the command that reads it, loudly,
// instead of being replaced by the default unnoticed.
Result<long> env_int(const char* name, long fallback, long min, long max);
// The names of the environment variables that start with `prefix` (e.g. git merge's GITHEAD_<id>).
std::vector<std::string> env_names_with_prefix(const std::string& prefix);

// Files: whole-file reads and atomic writes (write to a temp file, fsync, rename).
Result<std::string> read_file(const std::string& path);
// The first `keep` bytes of a file, and its size, reading no more than `keep + count_limit`
// bytes whatever the file is (a device or a pipe may never end): `size_known` is false when
// reading stopped before the end (then `size` is what was read).
struct FileHead {
  std::string head;
  uint64_t size = 0;
  bool size_known = true;
};
Result<FileHead> read_file_head(const std::string& path, size_t keep, uint64_t count_limit);
Status write_file_atomic(const std::string& path, const std::string& data);
Status make_dirs(const std::string& path);
bool path_exists(const std::string& path);
// Moves `path` aside to `path` + suffix (never deletes).
Status move_aside(const std::string& path, const std::string& suffix);

}  // namespace agentq
