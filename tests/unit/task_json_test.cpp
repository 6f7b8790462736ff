#include "core/task_json.h"

#include <catch2/catch.hpp>

using namespace agentq;

TEST_CASE("task_json: an untouched task has every field, absent ones null", "[task_json]") {
  Definitions d;
  Task t;
  t.id = "A-1";
  t.title = "first";
  t.role = "impl";
  t.depends_on = {"A-0"};
  d.tasks.push_back(t);
  d.reindex();
  const auto j = task_json(d, QueueState{}, "A-1");
  CHECK(j["id"] == "A-1");
  CHECK(j["title"] == "first");
  CHECK(j["status"] == "todo");
  CHECK(j["role"] == "impl");
  CHECK(j["depends_on"] == std::vector<std::string>{"A-0"});
  for (const char* k : {"owner", "lane", "branch", "claim", "claimed_at", "last_activity", "handoff", "blocked"})
    CHECK(j[k].is_null());
  CHECK(j["evidence"].empty());
  CHECK(j["reviews"].empty());
  CHECK(!j.contains("done"));
  // The order of the keys is part of the output scripts read.
  CHECK(j.begin().key() == "id");
}

TEST_CASE("task_json: claimed, blocked and reviewed state", "[task_json]") {
  Definitions d;
  QueueState s;
  TaskState& ts = s.tasks["B-1"];
  ts.status = TaskStatus::blocked;
  ts.owner = "agent-a";
  ts.branch = "task/B-1";
  ts.blocked_reason = "waiting";
  ReviewRecord r;
  r.role = "reviewer";
  r.decision = "approved";
  ts.reviews.push_back(r);
  const auto j = task_json(d, s, "B-1");
  CHECK(j["title"] == "");  // not declared (any more): state still shows
  CHECK(j["owner"] == "agent-a");
  CHECK(j["branch"] == "task/B-1");
  CHECK(j["blocked"]["reason"] == "waiting");
  CHECK(j["blocked"]["blocked_by"].is_null());
  CHECK(j["reviews"][0]["decision"] == "approved");
  CHECK(!j["reviews"][0].contains("note"));
}
