// core/consistency: what validate, ci-check and git-check report when the repository no
// longer agrees with a replayed state.
#include <catch2/catch.hpp>

#include "core/consistency.h"
#include "fake_repo.h"

using namespace agentq;
using testing::FakeRepo;
using testing::hex40;

namespace {

// A repository that lacks some commits.
class Sparse : public FakeRepo {
 public:
  Sparse() : FakeRepo(testing::kQueueYaml) {}
  std::set<std::string> missing;
  bool commit_exists(const std::string& c) override { return !missing.count(c); }
};

TaskState task(const std::string& id, TaskStatus st) {
  TaskState t;
  t.id = id;
  t.status = st;
  return t;
}

std::vector<Code> codes(const std::vector<Finding>& f) {
  std::vector<Code> out;
  for (const auto& x : f) out.push_back(x.code);
  return out;
}

}  // namespace

TEST_CASE("consistency: a done task whose commit left base is NOT_MERGED, named with its commit", "[consistency]") {
  Sparse repo;
  QueueState s;
  s.base = "main";
  TaskState on = task("A-1", TaskStatus::done), off = task("B-1", TaskStatus::done), nomerge = task("B-2", TaskStatus::done);
  on.done_commit = hex40('1');
  off.done_commit = hex40('2');
  s.tasks = {{"A-1", on}, {"B-1", off}, {"B-2", nomerge}};  // B-2: done without a commit (no_merge)
  repo.merged = {hex40('1')};
  auto f = done_not_on_base(s, repo);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == Code::NOT_MERGED);
  CHECK(f[0].task == "B-1");
  CHECK(f[0].commit == hex40('2'));
  CHECK_FALSE(f[0].in_log);  // a commit of the repository, not of the log
  CHECK(f[0].message.find("not on main") != std::string::npos);
}

TEST_CASE("consistency: open tasks the definitions no longer declare are UNKNOWN_TASK, done ones are history", "[consistency]") {
  FakeRepo repo{testing::kQueueYaml};
  auto d = repo.definitions_at(hex40('d'));
  REQUIRE(d);
  QueueState s;
  s.tasks = {{"A-1", task("A-1", TaskStatus::in_progress)},
             {"GONE", task("GONE", TaskStatus::blocked)},
             {"OLD", task("OLD", TaskStatus::done)}};
  auto f = undeclared_tasks(s, **d);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == Code::UNKNOWN_TASK);
  CHECK(f[0].task == "GONE");
  CHECK(f[0].message.find("blocked") != std::string::npos);
}

TEST_CASE("consistency: a handed-off commit the repository lacks is COMMIT_MISSING until the task is done", "[consistency]") {
  Sparse repo;
  QueueState s;
  TaskState review = task("A-1", TaskStatus::in_review), done = task("B-1", TaskStatus::done);
  HandoffRecord h;
  h.commit = hex40('3');
  h.branch = "agent/backend";
  review.handoff = h;
  done.handoff = h;
  s.tasks = {{"A-1", review}, {"B-1", done}};
  CHECK(missing_handoff_commits(s, repo).empty());
  repo.missing = {hex40('3')};
  auto f = missing_handoff_commits(s, repo);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == Code::COMMIT_MISSING);
  CHECK(f[0].task == "A-1");
  CHECK(f[0].fix.find("agent/backend") != std::string::npos);
}

TEST_CASE("consistency: claimed tasks need an existing branch of their own", "[consistency]") {
  QueueState s;
  TaskState a = task("A-1", TaskStatus::in_progress), b = task("B-1", TaskStatus::in_review),
            c = task("B-2", TaskStatus::blocked), todo = task("B-3", TaskStatus::todo);
  a.branch = "agent/backend";
  b.branch = "agent/ui-1";
  c.branch = "agent/ui-1";
  todo.branch = "gone";  // not claimed: its branch is nobody's business
  s.tasks = {{"A-1", a}, {"B-1", b}, {"B-2", c}, {"B-3", todo}};
  auto exists = [](const std::string& branch) { return branch != "agent/backend"; };
  auto f = branch_findings(s, exists);
  CHECK(codes(f) == std::vector<Code>{Code::BRANCH_MISSING, Code::BRANCH_IN_USE});
  CHECK(f[0].task == "A-1");
  CHECK(f[1].message.find("B-1, B-2") != std::string::npos);
  CHECK(branch_findings(QueueState{}, exists).empty());
}
