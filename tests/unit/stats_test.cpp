#include <catch2/catch.hpp>

#include "core/graph.h"
#include "core/stats.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;

namespace {

struct Log {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  std::vector<LogEntry> entries;
  void add(Event e, const std::string& at) {
    e.at = at;
    LogEntry le;
    le.commit = hex40('e');
    le.event = e;
    size_t before = s.illegal.size();
    replay_entry(s, le, repo);
    REQUIRE(s.illegal.size() == before);
    entries.push_back(le);
  }
};

}  // namespace

TEST_CASE("stats: percentiles are nearest-rank", "[stats]") {
  std::vector<Millis> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(percentile(v, 50) == 5);
  CHECK(percentile(v, 90) == 9);
  CHECK(percentile({}, 50) == 0);
  CHECK(percentile({7}, 90) == 7);
}

TEST_CASE("stats: stage latencies, retries and failure classes from the log", "[stats]") {
  Log l;
  l.add(l.f.init(), "2026-11-25T10:00:00Z");
  Event c = l.f.claim("agent-a", "A-1", "backend");
  l.add(c, "2026-11-25T10:00:00Z");
  Event fail = l.f.acceptance("agent-a", "A-1", "true", "fail");
  fail.exit_code = 124;
  l.add(fail, "2026-11-25T10:30:00Z");
  l.add(l.f.acceptance("agent-a", "A-1", "true", "pass"), "2026-11-25T10:40:00Z");
  l.add(l.f.handoff("agent-a", "A-1", "backend", c.id), "2026-11-25T11:00:00Z");     // claim -> handoff 1h
  l.add(l.f.review("rev", "A-1", "arch", "changes_requested"), "2026-11-25T11:30:00Z");  // 30m
  l.add(l.f.handoff("agent-a", "A-1", "backend", c.id, hex40('7')), "2026-11-25T12:00:00Z");
  l.add(l.f.acceptance("agent-a", "A-1", "true", "pass", hex40('7')), "2026-11-25T12:01:00Z");
  l.add(l.f.review("rev", "A-1", "arch", "approved", hex40('7')), "2026-11-25T12:10:00Z");  // 10m
  l.repo.merged.insert(hex40('7'));
  Event done = l.f.status("alice", "A-1", "coord", "done");
  done.commit = hex40('7');
  l.add(done, "2026-11-25T13:10:00Z");  // review -> done 1h, claim -> done 3h10m
  Stats st = compute_stats(l.entries, l.s, l.repo.defs(), 0);
  auto lat = [&](const std::string& stage) {
    for (const auto& x : st.latencies)
      if (x.stage == stage) return x;
    return Latency{};
  };
  CHECK(lat("claim_to_handoff").count == 1);
  CHECK(lat("claim_to_handoff").median == 3600000);
  CHECK(lat("handoff_to_review").count == 2);
  CHECK(lat("handoff_to_review").median == 10 * 60000);
  CHECK(lat("handoff_to_review").p90 == 30 * 60000);
  CHECK(lat("review_to_done").median == 3600000);
  CHECK(lat("claim_to_done").median == 190 * 60000);
  CHECK(st.retries["rehandoffs"] == 1);
  CHECK(st.retries["check_reruns"] == 2);
  CHECK(st.failures["check_timeout"] == 1);
  CHECK(st.failures["changes_requested"] == 1);
  CHECK(st.depth["backend"]["done"] == 1);
  CHECK(st.depth["backend"]["ready"] == 1);  // A-2 became ready
  // a window excludes what came before it
  Stats recent = compute_stats(l.entries, l.s, l.repo.defs(), *parse_rfc3339("2026-11-25T12:05:00Z"));
  CHECK(recent.events == 2);
  CHECK(recent.failures.count("changes_requested") == 0);
}

TEST_CASE("graph: DOT and Mermaid, coloured by status, edges from dependency to dependant", "[stats]") {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(testing::push(s, repo, f.init()));
  REQUIRE_FALSE(testing::push(s, repo, f.claim("agent-a", "A-1", "backend")));
  std::string dot = graph_dot(repo.defs(), s);
  CHECK(dot.rfind("digraph agentq {", 0) == 0);
  CHECK(dot.find("\"A-1\" -> \"A-2\";") != std::string::npos);
  CHECK(dot.find("(in_progress, backend)\", fillcolor=\"#ffe08a\"") != std::string::npos);
  CHECK(dot.find("\"B-1\" [label=\"B-1\\nui one") == std::string::npos);  // kQueueYaml's B-1 has no title
  std::string mm = graph_mermaid(repo.defs(), s);
  CHECK(mm.rfind("flowchart LR\n", 0) == 0);
  CHECK(mm.find("t_A_1 --> t_A_2") != std::string::npos);
  CHECK(mm.find("t_A_2[\"A-2<br/>todo\"]:::todo") != std::string::npos);
  CHECK(mm.find("t_B_1[\"B-1<br/>ready\"]:::ready") != std::string::npos);
}
