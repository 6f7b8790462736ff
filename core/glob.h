// Path patterns with git's `:(glob)` pathspec semantics, used by `owns`, review routes,
// high_risk_paths and policy.exempt: wildmatch anchored at the repository root, `*` and `?`
// never cross '/', `**/` and `/**` span directories, `[a-f]`, `[!x]`, `[^x]` and `[:alpha:]`
// classes, `\` escapes; a run of stars at the end matches the rest; and a pattern without
// wildcards names a file or a directory and matches everything below it (`services` matches
// `services/x.go`; `services/*` does not match `services/sub/y.go`).
// `git ls-files ':(glob)PATTERN'` is the reference: tests/integration/glob_test.cpp compares.
#pragma once

#include <string_view>
#include <vector>
#include <string>

namespace agentq {

// True when `path` (slash-separated, relative to the repository root) matches `pattern`.
bool glob_match(std::string_view pattern, std::string_view path);

// True when any pattern matches.
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace agentq
