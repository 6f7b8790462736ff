// Documentation is part of the feature: every reason code in core/error.h is documented.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("docs: every reason code is in doc/reason-codes.md with its exit code", "[docs]") {
  const std::string doc = slurp(std::string(AGENTQ_SOURCE_DIR) + "/doc/reason-codes.md");
  REQUIRE_FALSE(doc.empty());
#define AGENTQ_CHECK_DOC(name, exit)                                                         \
  {                                                                                          \
    INFO(#name);                                                                             \
    CHECK(doc.find("| `" #name "` | " + std::to_string(exit) + " |") != std::string::npos); \
  }
  AGENTQ_REASON_CODES(AGENTQ_CHECK_DOC)
#undef AGENTQ_CHECK_DOC
}

TEST_CASE("docs: every reason code is in the man page", "[docs]") {
  const std::string man = slurp(std::string(AGENTQ_SOURCE_DIR) + "/doc/git-agentq.1");
  REQUIRE_FALSE(man.empty());
#define AGENTQ_CHECK_MAN(name, exit)                   \
  {                                                    \
    INFO(#name);                                       \
    CHECK(man.find(#name) != std::string::npos);       \
  }
  AGENTQ_REASON_CODES(AGENTQ_CHECK_MAN)
#undef AGENTQ_CHECK_MAN
}
