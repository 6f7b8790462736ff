#include <catch2/catch.hpp>

#include <random>

#include "core/replay.h"
#include "core/snapshot.h"
#include "fake_repo.h"

using namespace agentq;
using testing::EventFactory;
using testing::FakeRepo;

namespace {

// Random events over the fixture's definitions: legal and illegal, live and stale claims,
// retried and clashing ids, voids of findings, so replay takes every path it can.
class RandomLog {
 public:
  explicit RandomLog(uint32_t seed) : rng_(seed) {}

  std::vector<LogEntry> make(size_t n) {
    std::vector<LogEntry> log;
    log.push_back(entry(f_.init(), log.size()));
    QueueState s;  // to aim some events at live claims
    replay_entry(s, log.back(), repo_);
    while (log.size() < n) {
      Event e = next(s);
      log.push_back(entry(e, log.size()));
      replay_entry(s, log.back(), repo_);
    }
    return log;
  }
  FakeRepo& repo() { return repo_; }

 private:
  LogEntry entry(const Event& e, size_t i) {
    LogEntry l;
    l.commit = std::string(40, '0');
    const std::string n = std::to_string(i + 1);
    l.commit.replace(40 - n.size(), n.size(), n);
    if (pick(20) == 0) {
      l.error = Error(Code::EVENT_INVALID, "undecodable");  // a commit replay cannot read
      return l;
    }
    l.event = e;
    return l;
  }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <class T>
  const T& any(const std::vector<T>& v) {
    return v[pick(v.size())];
  }

  Event next(const QueueState& s) {
    static const std::vector<std::string> tasks = {"A-1", "A-2", "B-1", "B-2", "B-3", "B-PIN", "NOPE"};
    static const std::vector<std::pair<std::string, std::string>> actors = {
        {"agent-a", "backend"}, {"agent-b", "ui"}, {"agent-b2", "ui"}, {"rev", "arch"}, {"alice", "coord"}, {"mallory", "ui"}};
    const std::string task = any(tasks);
    auto [actor, role] = any(actors);
    const TaskState& ts = s.task(task);
    // Half the time act as the owner under the live claim.
    const bool as_owner = !ts.owner.empty() && pick(2) == 0;
    if (as_owner) {
      actor = ts.owner;
      role = ts.role;
    }
    const std::string claim = as_owner ? ts.claim : (pick(4) == 0 ? "ev-" + std::to_string(pick(40)) : "");
    Event e;
    switch (pick(9)) {
      case 0: e = f_.claim(actor, task, role, static_cast<int>(pick(3)) + 1); break;
      case 1: e = f_.make(EventType::unclaim, actor, task, role), e.claim = claim; break;
      case 2: e = f_.status(actor, task, role, any(std::vector<std::string>{"blocked", "in_progress", "done"}), claim); break;
      case 3: e = f_.evidence(actor, task, pick(2) ? "pass" : "fail"); break;
      case 4: e = f_.handoff(actor, task, role, claim); break;
      case 5: e = f_.review(actor, task, role, pick(2) ? "approved" : "changes_requested"); break;
      case 6: {
        e = f_.make(EventType::void_, "alice");
        e.event = s.illegal.empty() ? "nothing" : any(s.illegal).commit;
        break;
      }
      case 7: e = f_.acceptance(actor, task, "true", "pass"); break;
      default: {
        e = f_.make(EventType::override_, pick(2) ? "alice" : actor, task);
        e.reason = "hotfix";
        e.commit = testing::hex40('c');
        e.commits = {testing::hex40('c')};
        break;
      }
    }
    if (pick(15) == 0 && !s.event_ids.empty()) e.id = "ev-" + std::to_string(pick(static_cast<size_t>(s.events) + 1));
    return e;
  }

  std::mt19937 rng_;
  EventFactory f_;
  FakeRepo repo_{testing::kQueueYaml};
};

}  // namespace

TEST_CASE("snapshot: random logs replayed whole and through snapshots give the same state", "[snapshot]") {
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    RandomLog gen(seed);
    const std::vector<LogEntry> log = gen.make(80);
    QueueState whole;
    for (const LogEntry& e : log) replay_entry(whole, e, gen.repo());

    // Stop at random points, write the state down, read it back and go on from there.
    std::mt19937 cut(seed * 7919u);
    QueueState s;
    for (size_t i = 0; i < log.size(); ++i) {
      replay_entry(s, log[i], gen.repo());
      if (std::uniform_int_distribution<int>(0, 9)(cut) == 0) {
        SnapshotInfo info;
        info.key = "test";
        info.log_tip = log[i].commit;
        info.base_sensitive = (i % 2) == 1;
        auto back = decode_snapshot(encode_snapshot(info, s));
        REQUIRE(back);
        CHECK(back->info.log_tip == info.log_tip);
        CHECK(back->info.base_sensitive == info.base_sensitive);
        s = std::move(back->state);
      }
    }
    INFO("seed " << seed);
    REQUIRE(encode_state(s) == encode_state(whole));
    CHECK(s.open_findings() == whole.open_findings());
    CHECK(s.events == whole.events);
  }
}

TEST_CASE("snapshot: every field survives the round trip", "[snapshot]") {
  RandomLog gen(42);
  QueueState s;
  for (const LogEntry& e : gen.make(400)) replay_entry(s, e, gen.repo());
  REQUIRE(!s.illegal.empty());
  REQUIRE(!s.tasks.empty());
  SnapshotInfo info{"k", "tip", "base", "main", "origin", true};
  const std::string bytes = encode_snapshot(info, s);
  auto back = decode_snapshot(bytes);
  REQUIRE(back);
  CHECK(back->info.key == "k");
  CHECK(back->info.base_tip == "base");
  CHECK(back->info.root_base == "main");
  CHECK(back->info.root_remote == "origin");
  CHECK(encode_snapshot(back->info, back->state) == bytes);
  CHECK(back->state.event_ids == s.event_ids);
  CHECK(back->state.id_commits == s.id_commits);
  CHECK(back->state.lane_holders == s.lane_holders);
  CHECK(back->state.released_claims == s.released_claims);
}

TEST_CASE("snapshot: damage of any kind is CACHE_CORRUPT, never a state", "[snapshot]") {
  RandomLog gen(7);
  QueueState s;
  for (const LogEntry& e : gen.make(60)) replay_entry(s, e, gen.repo());
  const std::string bytes = encode_snapshot(SnapshotInfo{"k", "t", "b", "main", "", false}, s);
  auto code = [](const std::string& b) {
    auto r = decode_snapshot(b, "snap");
    return r ? std::optional<Code>() : std::optional<Code>(r.error().code);
  };
  CHECK(code("") == Code::CACHE_CORRUPT);
  CHECK(code("agentq snapshot 9\n") == Code::CACHE_CORRUPT);
  CHECK(code(bytes.substr(0, bytes.size() - 1)) == Code::CACHE_CORRUPT);
  CHECK(code(bytes + "x") == Code::CACHE_CORRUPT);
  for (size_t at : {size_t(0), size_t(20), size_t(50), bytes.size() / 2, bytes.size() - 1}) {
    std::string b = bytes;
    b[at] = static_cast<char>(b[at] ^ 0x20);
    CHECK(code(b) == Code::CACHE_CORRUPT);
  }
  auto r = decode_snapshot("nope", "the/file");
  REQUIRE_FALSE(r);
  CHECK(r.error().where.file == "the/file");
}
