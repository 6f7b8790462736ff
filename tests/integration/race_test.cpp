// Real processes racing on one clone: compare-and-swap on the log ref, re-validation on retry.
#include <set>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

// Starts `n` copies of `command` at once (in the background) and waits for all of them.
// Returns the exit codes.
std::vector<int> race(Sandbox& sb, const std::string& dir, int n, const std::string& command) {
  std::string script = "i=0; while [ $i -lt " + std::to_string(n) + " ]; do (" + command +
                       " >out.$i 2>err.$i; echo $? >rc.$i) & i=$((i+1)); done; wait";
  REQUIRE(sb.sh(dir, script).code == 0);
  std::vector<int> codes;
  for (int i = 0; i < n; ++i) codes.push_back(std::stoi(sb.read(dir.substr(sb.root().size() + 1) + "/rc." + std::to_string(i))));
  sb.sh(dir, "rm -f out.* err.* rc.*");
  return codes;
}

}  // namespace

TEST_CASE("race: 20 processes claim one task in one clone, exactly one wins", "[race]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string bin = sb.binary();
  auto codes = race(sb, repo, 20, "'" + bin + "' claim A-1 --actor agent-a");
  int winners = 0, refused = 0;
  for (int c : codes) {
    winners += c == 0;
    refused += c == 3;
  }
  CHECK(winners == 1);
  CHECK(refused == 19);
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/agent-queue/log"}) == "2");
  CHECK(sb.git_ok(repo, {"rev-list", "--merges", "refs/agent-queue/log"}).empty());
  CHECK(sb.git(repo, {"fsck", "--strict"}).code == 0);
  CHECK(sb.aq(repo, {"validate"}).code == 0);
}

TEST_CASE("race: concurrent claims of different tasks all land, and share lanes correctly", "[race]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string bin = sb.binary();
  // Two ui lanes, ten processes asking for the next ui task: exactly two succeed, on lanes 1 and 2.
  auto codes = race(sb, repo, 10, "'" + bin + "' claim --next --role ui --actor agent-b");
  int winners = 0;
  for (int c : codes) winners += c == 0;
  CHECK(winners == 2);
  auto st = sb.aq_json(repo, {"status"});
  CHECK(st["roles"]["ui"]["in_progress"] == 2);
  std::set<int> lanes;
  for (auto& t : st["tasks"])
    if (t["status"] == "in_progress") lanes.insert(t["lane"].get<int>());
  CHECK(lanes == std::set<int>{1, 2});
  CHECK(sb.aq(repo, {"validate"}).code == 0);
  CHECK(sb.git(repo, {"fsck", "--strict"}).code == 0);
}

TEST_CASE("race: many writers appending evidence lose nothing", "[race]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string bin = sb.binary();
  auto codes = race(sb, repo, 12, "'" + bin + "' evidence B-1 --command \"check $$\" --result pass --actor agent-b");
  for (int c : codes) CHECK(c == 0);
  CHECK(sb.git_ok(repo, {"rev-list", "--count", "refs/agent-queue/log"}) == "13");
  CHECK(sb.aq_json(repo, {"show", "B-1"})["evidence"].size() == 12);
  Run v = sb.aq(repo, {"validate"});
  INFO(v.err);
  CHECK(v.code == 0);  // the notes view caught up with every event
}
