// The replayed-state snapshot in .git/agentq/snapshots: an optimisation only, so every read
// command answers the same with it, without it, after it was damaged, after the log grew,
// after the log was rewritten and after the base moved.
#include <catch2/catch.hpp>

#include <filesystem>

#include "harness.h"

using namespace agentq::it;

namespace {

const std::map<std::string, std::string> kAt{{"AGENTQ_NOW", "2026-11-30T12:00:00Z"}};

// Every read command, as --json, with its exit code.
std::vector<std::string> reads(const Sandbox& sb, const std::string& repo) {
  const std::vector<std::vector<std::string>> commands = {
      {"status"},     {"ready"},      {"show", "A-1"},       {"show", "B-1"},  {"log"},
      {"validate"},   {"stats"},      {"graph"},             {"merge-ready", "A-2"}, {"git-check"},
      {"lanes", "status"}};
  std::vector<std::string> out;
  for (auto args : commands) {
    args.push_back("--json");
    Run r = sb.aq(repo, args, kAt);
    std::string all = args[0] + " -> " + std::to_string(r.code) + "\n" + r.out;
    out.push_back(all);
  }
  return out;
}

std::string snapshot_file(const std::string& repo) { return repo + "/.git/agentq/snapshots/refs-agent-queue-log"; }

void forget(const std::string& repo) { std::filesystem::remove_all(repo + "/.git/agentq/snapshots"); }

std::string history(Sandbox& sb) {
  const std::string repo = sb.make_queue("repo");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.commit_file(repo, "services/x.go", "package x\n");
  REQUIRE(sb.aq(repo, {"evidence", "A-1", "--command", "go test", "--exit-code", "0", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"check", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"handoff", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  REQUIRE(sb.aq(repo, {"set-status", "B-1", "blocked", "--reason", "waiting", "--actor", "agent-b"}).code == 0);
  return repo;
}

}  // namespace

TEST_CASE("snapshot: every read command answers the same with and without it", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  REQUIRE(std::filesystem::exists(snapshot_file(repo)));  // the writes left one
  const auto warm = reads(sb, repo);
  std::filesystem::remove_all(repo + "/.git/agentq");
  const auto cold = reads(sb, repo);
  CHECK(std::filesystem::exists(snapshot_file(repo)));  // the reads wrote it again
  const auto again = reads(sb, repo);
  for (size_t i = 0; i < warm.size(); ++i) {
    CHECK(warm[i] == cold[i]);
    CHECK(again[i] == cold[i]);
  }
}

TEST_CASE("snapshot: a grown log replays only its new events and agrees with a cold replay", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  const std::string before = sb.read("repo/.git/agentq/snapshots/refs-agent-queue-log");
  REQUIRE(sb.aq(repo, {"set-status", "B-1", "in_progress", "--actor", "agent-b"}).code == 0);
  REQUIRE(sb.aq(repo, {"claim", "B-2", "--actor", "agent-b2"}).code == 0);
  const std::string tip = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  CHECK(sb.read("repo/.git/agentq/snapshots/refs-agent-queue-log").find(tip) != std::string::npos);
  // Another process moved the log: the snapshot is behind it and catches up.
  REQUIRE(sb.aq(repo, {"unclaim", "B-2", "--actor", "agent-b2"}).code == 0);
  sb.write("repo/.git/agentq/snapshots/refs-agent-queue-log", before);
  const auto warm = reads(sb, repo);
  forget(repo);
  CHECK(warm == reads(sb, repo));
}

TEST_CASE("snapshot: a rewritten log is reported and replayed from its first event", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  sb.aq(repo, {"status"});
  // Rewind the log by one event and put a different one in its place.
  const std::string parent = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log~1"});
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", parent});
  REQUIRE(sb.aq(repo, {"claim", "B-3", "--actor", "agent-b2"}).code == 0);
  // The claim's own load reported it; a read after a second rewind reports it too.
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", parent});
  Run r = sb.aq(repo, {"status", "--json"}, kAt);
  CHECK(r.err.find("is not contained in refs/agent-queue/log") != std::string::npos);
  const auto after = reads(sb, repo);
  forget(repo);
  CHECK(after == reads(sb, repo));
}

TEST_CASE("snapshot: a damaged snapshot is moved aside, never deleted, and rebuilt", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  const auto good = reads(sb, repo);
  std::string bytes = sb.read("repo/.git/agentq/snapshots/refs-agent-queue-log");
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  sb.write("repo/.git/agentq/snapshots/refs-agent-queue-log", bytes);
  Run r = sb.aq(repo, {"status", "--json"}, kAt);
  CHECK(r.code == 0);
  CHECK(r.err.find("CACHE_CORRUPT") != std::string::npos);
  CHECK(r.err.find("failed its checksum") != std::string::npos);
  bool aside = false;
  for (const auto& f : std::filesystem::directory_iterator(repo + "/.git/agentq/snapshots"))
    if (f.path().filename().string().rfind("refs-agent-queue-log.corrupt-", 0) == 0)
      aside = sb.read("repo/.git/agentq/snapshots/" + f.path().filename().string()) == bytes;
  CHECK(aside);
  CHECK(reads(sb, repo) == good);
  // Garbage that is not a snapshot at all is treated the same way.
  sb.write("repo/.git/agentq/snapshots/refs-agent-queue-log", "hello");
  CHECK(sb.aq(repo, {"status"}).err.find("CACHE_CORRUPT") != std::string::npos);
  CHECK(reads(sb, repo) == good);
}

TEST_CASE("snapshot: a base that moved on or was rewritten agrees with a cold replay", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  sb.aq(repo, {"status"});
  SECTION("moved on") {
    sb.commit_file(repo, "docs/a.md", "a\n");
    sb.commit_file(repo, "docs/b.md", "b\n");
  }
  SECTION("rewritten under the log") {
    // main loses the commit the handoff named and gains another
    sb.git_ok(repo, {"reset", "--hard", "HEAD~1"});
    sb.commit_file(repo, "docs/c.md", "c\n");
  }
  const auto warm = reads(sb, repo);
  forget(repo);
  CHECK(warm == reads(sb, repo));
}

TEST_CASE("snapshot: a forged event naming definitions base never had stays judged the same", "[snapshot]") {
  Sandbox sb;
  const std::string repo = history(sb);
  // A claim under definitions from a side branch (not on main's first-parent history).
  sb.git_ok(repo, {"checkout", "-q", "-b", "side"});
  const std::string side = sb.commit_file(repo, ".agentq/queue.yaml", sb.read("repo/.agentq/queue.yaml") + "\n");
  sb.git_ok(repo, {"checkout", "-q", "main"});
  sb.write("msg", "claim B-2\n\n{\"actor\":\"agent-b2\",\"at\":\"2026-11-30T11:00:00Z\",\"defs\":\"" + side +
                      "\",\"id\":\"forged-1\",\"lane\":2,\"role\":\"ui\",\"task\":\"B-2\",\"type\":\"claim\",\"v\":1}\n");
  const std::string empty_tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  const std::string forged =
      sb.git_ok(repo, {"commit-tree", empty_tree, "-p", "refs/agent-queue/log", "-F", sb.path("msg")});
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", forged});
  const auto before = reads(sb, repo);
  // Now base takes the side branch: a cold replay may judge the event differently, and so must
  // the warm one.
  sb.git_ok(repo, {"merge", "-q", "--ff-only", "side"});
  const auto warm = reads(sb, repo);
  forget(repo);
  CHECK(warm == reads(sb, repo));
  (void)before;
}
