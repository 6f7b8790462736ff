// Git is the judge: every pattern must select exactly what `git ls-files ':(glob)PATTERN'` does.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "core/glob.h"
#include "harness.h"

using namespace agentq::it;

TEST_CASE("glob: matches exactly what git ls-files ':(glob)…' selects", "[glob]") {
  Sandbox sb;
  const std::vector<std::string> paths = {
      "services/x.go", "services/sub/y.go", "services.txt", "a/b/c/d.txt", "a/x.txt", "a/bc/e",
      "doc/api/v1.yaml", "doc/architecture/adr/1.md", "doc/governance/rules.md", "web/auth/login.ts",
      "x/auth/y/z.go", "x/deep/n.md", "x/y.md", "top.md", "auth", "authx/f", "scripts/ci/run.sh",
      "cmd/terminal/main.go", "we[ird].txt", "sp ace.md", "UPPER/Case.TXT", "7x", "dot.files/.hidden",
      "deep/a/b/c/d/e/f.txt", "ab", "a*b"};
  const std::string repo = sb.path("r");
  sb.git_ok(sb.root(), {"init", "-q", repo});
  for (const auto& p : paths) sb.write("r/" + p, p + "\n");
  sb.git_ok(repo, {"add", "-A"});
  const std::vector<std::string> patterns = {
      "services", "services/", "services/*", "serv*", "a/**", "a/**/d.txt", "**/auth/**", "**/auth", "a**", "a*",
      "*.md", "**/*.md", "a/*/c", "doc/api/**", "doc/**", "**", "*", "auth", "a/b", "[a-d]/**", "[!a]*.md",
      "we\\[ird\\].txt", "a/**/", "**/c/*.txt", "x**", "au**", "*/auth/*", "x/**/*.md", "?/x.txt", "a/?/c/*", "x/de*",
      "x/de*/n.md", "a**.txt", "x/**.md", "**.md", "***", "a/***/d.txt", "**/**/d.txt", "[[:upper:]]*/**", "[0-9]x",
      "scripts/ci/**", "**/terminal/**", "doc/governance/**", "deep/**/f.txt", "deep/*/b/**", "*/.hidden",
      "dot.files/*", "UPPER/*.TXT", "a\\*b", "a?b", "[^x]*/**"};
  for (const auto& pattern : patterns) {
    Run r = sb.git(repo, {"ls-files", "-z", ":(glob)" + pattern});
    REQUIRE(r.code == 0);
    std::set<std::string> git_says;
    std::string cur;
    for (char c : r.out) {
      if (c == '\0') {
        git_says.insert(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    std::set<std::string> we_say;
    for (const auto& p : paths)
      if (agentq::glob_match(pattern, p)) we_say.insert(p);
    INFO("pattern " << pattern);
    CHECK(we_say == git_says);
  }
}
