// Stale ref locks: git-agentq removes a lock only when it locks a ref git-agentq owns (the
// queue's refs, the notes, their tracking refs), is older than the grace period and no live
// process has it open. Every other lock is reported with its path, its age and how to clear it.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "gitstore/locks.h"
#include "harness.h"

using namespace agentq::it;
namespace fs = std::filesystem;

namespace {


// A lock file left an hour ago (by a process that is gone, as far as its age tells).
void stale_lock(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  { std::ofstream(path) << ""; }
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

void make_old(const std::string& path) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

// A live process (sleep) that holds `path` open, as a writer in the middle of an update would.
// Killed when it goes out of scope.
class Holder {
 public:
  Holder(const Sandbox& sb, const std::string& path) : sb_(sb) {
    Run r = sb.sh(sb.root(), "(exec 3>>'" + path + "'; exec sleep 300) </dev/null >/dev/null 2>&1 & echo $!");
    REQUIRE(r.code == 0);
    pid_ = std::stoi(r.out);
    // until the background shell has opened the file
    for (int i = 0; i < 500 && !holds(path); ++i) usleep(10000);
    REQUIRE(holds(path));
  }
  ~Holder() { stop(); }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      sb_.sh(sb_.root(), "while kill -0 " + std::to_string(pid_) + " 2>/dev/null; do sleep 0.01; done");
      pid_ = -1;
    }
  }
  int pid() const { return pid_; }

 private:
  bool holds(const std::string& path) const {
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", ec))
      if (fs::equivalent(fd.path(), path, ec)) return true;
    return false;
  }
  const Sandbox& sb_;
  int pid_ = -1;
};

}  // namespace

TEST_CASE("locks: a stale packed-refs.lock is never removed, and the command names it", "[locks][replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k = sb.clone(origin, "k");
  // A tracking ref the remote no longer has: the fetch's --prune must delete it, which takes
  // packed-refs.lock.
  sb.git_ok(k, {"update-ref", "refs/remotes/origin/agent-queue/gone", "HEAD"});
  const std::string lock = k + "/.git/packed-refs.lock";
  stale_lock(lock);
  Run r = sb.aq(k, {"sync"});
  INFO(r.err);
  CHECK(r.code == 4);
  CHECK(has(r.err, lock));
  CHECK(has(r.err, "1h"));  // its age
  CHECK(has(r.err, "rm "));
  CHECK(fs::exists(lock));
}

TEST_CASE("locks: a stale lock of a branch is never removed, and the command names it", "[locks][replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k = sb.clone(origin, "k");
  // A clone that mirrors the remote's branches: its fetch also updates refs/heads/main.
  sb.git_ok(k, {"checkout", "-q", "-b", "elsewhere"});
  sb.git_ok(k, {"config", "--add", "remote.origin.fetch", "+refs/heads/*:refs/heads/*"});
  const std::string seed = sb.path("seed");
  sb.commit_file(seed, "later.txt", "later\n");
  sb.git_ok(seed, {"push", "-q", "origin", "main"});
  const std::string lock = k + "/.git/refs/heads/main.lock";
  stale_lock(lock);
  Run r = sb.aq(k, {"sync"});
  INFO(r.err);
  CHECK(r.code == 4);
  CHECK(has(r.err, lock));
  CHECK(fs::exists(lock));
  fs::remove(lock);  // what the message says to do
  Run again = sb.aq(k, {"sync"});
  INFO(again.err);
  CHECK(again.code == 0);
}

TEST_CASE("locks: a stale lock of the queue log is removed only when no process holds it", "[locks]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string lock = repo + "/.git/refs/agent-queue/log.lock";
  stale_lock(lock);
  const std::string before = sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"});
  {
    Holder holder(sb, lock);
    make_old(lock);
    Run r = sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"});
    INFO(r.err);
    CHECK(r.code == 4);
    CHECK(has(r.err, lock));
    CHECK(has(r.err, "process " + std::to_string(holder.pid())));
    CHECK(fs::exists(lock));
    CHECK(sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}) == before);
  }
  // nobody holds it now: it is the leftover of a dead writer
  make_old(lock);
  Run r = sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_FALSE(fs::exists(lock));
  CHECK(sb.aq_json(repo, {"show", "A-1"})["owner"] == "agent-a");
}

TEST_CASE("locks: a stale lock of a queue tracking ref nobody holds is removed and the fetch succeeds",
          "[locks][replication]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k = sb.clone(origin, "k"), other = sb.clone(origin, "other");
  REQUIRE(sb.aq(other, {"claim", "A-1", "--actor", "agent-a"}).code == 0);  // origin's log moves on
  const std::string lock = k + "/.git/refs/remotes/origin/agent-queue/log.lock";
  stale_lock(lock);
  Run r = sb.aq(k, {"sync"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_FALSE(fs::exists(lock));
  CHECK(sb.aq_json(k, {"show", "A-1"})["owner"] == "agent-a");
}

TEST_CASE("locks: the refs git-agentq owns", "[locks]") {
  for (const char* ours : {"refs/agent-queue/log", "refs/agent-queue/pending/agent-a", "refs/notes/agentq",
                           "refs/notes/agentq-old", "refs/remotes/origin/agent-queue/log",
                           "refs/remotes/origin/notes/agentq", "refs/remotes/team/origin/agent-queue/log"}) {
    INFO(ours);
    CHECK(agentq::owned_ref(ours));
  }
  for (const char* theirs : {"refs/heads/main", "packed-refs", "refs/remotes/origin/main", "refs/notes/commits",
                             "refs/agent-queue", "refs/agent-queue/", "refs/remotes/origin/agent-queue",
                             "refs/remotes//agent-queue/log", "refs/tags/agent-queue/log", "index", "HEAD"}) {
    INFO(theirs);
    CHECK_FALSE(agentq::owned_ref(theirs));
  }
}
