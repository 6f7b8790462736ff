// `graph`: blocked_by edges in the text formats and svg through Graphviz's dot, with a clear
// error when dot is not installed.
#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.h"

using namespace agentq::it;

namespace {

// A PATH with git and git-agentq only, so `dot` is certainly not on it.
std::string path_without_dot(const Sandbox& sb) {
  const std::string bin = sb.path("nodot-bin");
  std::filesystem::create_directories(bin);
  Run git = sb.sh(sb.root(), "command -v git");
  std::string g = git.out;
  while (!g.empty() && g.back() == '\n') g.pop_back();
  std::filesystem::create_symlink(g, bin + "/git");
  std::filesystem::create_symlink(sb.binary(), bin + "/git-agentq");
  return bin;
}

}  // namespace

TEST_CASE("graph: a blocked_by edge in dot and mermaid, svg through dot or a clear error", "[graph]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"--actor", "agent-b", "claim", "B-1"}).code == 0);
  REQUIRE(sb.aq(repo, {"--actor", "agent-b", "set-status", "B-1", "blocked", "--reason", "api", "--blocked-by", "A-1"}).code == 0);
  Run dot = sb.aq(repo, {"graph"});
  REQUIRE(dot.code == 0);
  CHECK(dot.out.find("\"A-1\" -> \"B-1\" [style=dashed") != std::string::npos);
  CHECK(dot.out.find("\"A-1\" -> \"A-2\";") != std::string::npos);
  Run mm = sb.aq(repo, {"graph", "--format", "mermaid"});
  CHECK(mm.out.find("-. blocks .->") != std::string::npos);

  Run missing = sb.aq(repo, {"graph", "--format", "svg"}, {{"PATH", path_without_dot(sb)}});
  CHECK(missing.code == 4);
  CHECK(missing.out.empty());
  CHECK(missing.err.find("error[IO_ERROR]") != std::string::npos);
  CHECK(missing.err.find("dot is not installed") != std::string::npos);
  CHECK(missing.err.find("--format mermaid") != std::string::npos);

  if (sb.sh(repo, "command -v dot").code != 0) {
    WARN("graphviz is not installed: the svg rendering itself is not exercised");
    return;
  }
  Run svg = sb.aq(repo, {"graph", "--format", "svg"});
  REQUIRE(svg.code == 0);
  CHECK(svg.out.find("<svg") != std::string::npos);
  CHECK(svg.out.find("B-1") != std::string::npos);
}
