#include <catch2/catch.hpp>

#include "core/glob.h"

using agentq::glob_match;

TEST_CASE("glob: literal patterns name a file or a directory", "[glob]") {
  CHECK(glob_match("services", "services/x.go"));
  CHECK(glob_match("services", "services/sub/y.go"));
  CHECK(glob_match("services/", "services/x.go"));
  CHECK(glob_match("auth", "auth"));
  CHECK_FALSE(glob_match("auth", "authx/f"));
  CHECK_FALSE(glob_match("services", "services.txt"));
  CHECK_FALSE(glob_match("a/b", "a/bc/d"));
}

TEST_CASE("glob: * and ? never cross a slash, and wildcard patterns get no directory rule", "[glob]") {
  CHECK(glob_match("services/*", "services/x.go"));
  CHECK_FALSE(glob_match("services/*", "services/sub/y.go"));
  CHECK(glob_match("*.md", "top.md"));
  CHECK_FALSE(glob_match("*.md", "x/y.md"));
  CHECK(glob_match("?/x.txt", "a/x.txt"));
  CHECK_FALSE(glob_match("a/*/c", "a/b/c/d.txt"));
  CHECK_FALSE(glob_match("x/de*", "x/deep/n.md"));
  CHECK(glob_match("x/de*/n.md", "x/deep/n.md"));
}

TEST_CASE("glob: ** spans directories between slashes, trailing stars match the rest", "[glob]") {
  CHECK(glob_match("a/**", "a/x.txt"));
  CHECK(glob_match("a/**", "a/b/c/d.txt"));
  CHECK(glob_match("a/**/d.txt", "a/b/c/d.txt"));
  CHECK(glob_match("a/**/x.txt", "a/x.txt"));
  CHECK(glob_match("**/auth/**", "web/auth/login.ts"));
  CHECK(glob_match("**/auth/**", "x/auth/y/z.go"));
  CHECK_FALSE(glob_match("**/auth/**", "auth"));
  CHECK(glob_match("**/auth", "auth"));
  CHECK(glob_match("**/y.md", "x/y.md"));
  CHECK(glob_match("a**", "a/b/c/d.txt"));
  CHECK(glob_match("a**", "authx/f"));
  CHECK(glob_match("x/de**", "x/deep/n.md"));
  CHECK(glob_match("***", "anything/at/all"));
  CHECK(glob_match("a/***/d.txt", "a/b/c/d.txt"));
  CHECK(glob_match("**/**/d.txt", "a/b/c/d.txt"));
  // ** that is not between slashes is a single *
  CHECK_FALSE(glob_match("a**.txt", "a/x.txt"));
  CHECK(glob_match("**.md", "top.md"));
  CHECK_FALSE(glob_match("**.md", "x/y.md"));
  CHECK(glob_match("x/**.md", "x/y.md"));
  CHECK_FALSE(glob_match("x/**/", "x/deep/n.md"));
}

TEST_CASE("glob: classes and escapes", "[glob]") {
  CHECK(glob_match("[a-d]/**", "a/x.txt"));
  CHECK_FALSE(glob_match("[a-d]/**", "x/y.md"));
  CHECK(glob_match("[!a]*.md", "top.md"));
  CHECK(glob_match("x/[^d]*", "x/y.md"));
  CHECK_FALSE(glob_match("x/[^d]*", "x/deep"));
  CHECK(glob_match("[[:digit:]]x", "7x"));
  CHECK(glob_match("[]]x", "]x"));
  CHECK(glob_match("we\\[ird\\].txt", "we[ird].txt"));
  CHECK_FALSE(glob_match("a\\*", "ab"));
  CHECK_FALSE(glob_match("[a-", "a"));  // unterminated: matches nothing
  CHECK_FALSE(glob_match("x\\", "x"));   // trailing backslash: matches nothing
  CHECK_FALSE(glob_match("[/]x", "/x"));
}
