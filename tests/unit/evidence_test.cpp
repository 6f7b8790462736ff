// Questions about a task's recorded evidence (core/evidence.h), asked by the handoff rules and by
// merge-ready. "Newest" is log order: evidence is recorded by replaying evidence events.
#include <catch2/catch.hpp>

#include "core/evidence.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

struct EvidenceWorld {
  testing::FakeRepo repo{testing::kQueueYaml};
  testing::EventFactory f;
  QueueState s;
  EvidenceWorld() { REQUIRE_FALSE(push(s, repo, f.init())); }
  // Records evidence on A-1 and returns its event id.
  std::string record(const std::string& command, const std::string& kind, const std::string& result,
                     const std::string& commit = hex40('c')) {
    Event e = f.evidence("agent-a", "A-1", result);
    e.command = command;
    e.kind = kind;
    e.commit = commit;
    REQUIRE_FALSE(push(s, repo, e));
    return e.id;
  }
  const TaskState& t() const { return s.task("A-1"); }
};

}  // namespace

TEST_CASE("evidence: latest_evidence is null without matching evidence", "[evidence]") {
  EvidenceWorld w;
  CHECK(latest_evidence(w.t(), "make test", hex40('c'), "acceptance") == nullptr);
  w.record("make test", "acceptance", "pass");
  CHECK(latest_evidence(w.t(), "make test", hex40('c'), "acceptance") != nullptr);
  CHECK(latest_evidence(w.t(), "make lint", hex40('c'), "acceptance") == nullptr);   // other command
  CHECK(latest_evidence(w.t(), "make test", hex40('9'), "acceptance") == nullptr);   // other commit
  CHECK(latest_evidence(w.t(), "make test", hex40('c'), "runtime") == nullptr);      // other kind
  CHECK(latest_evidence(w.t(), "make test ", hex40('c'), "acceptance") == nullptr);  // commands match exactly
  CHECK(latest_evidence(w.t(), "make test", hex40('c').substr(0, 12), "acceptance") == nullptr);
}

TEST_CASE("evidence: latest_evidence is the newest of several matching records", "[evidence]") {
  EvidenceWorld w;
  w.record("make test", "acceptance", "fail");
  const std::string second = w.record("make test", "acceptance", "pass");
  w.record("make test", "acceptance", "pass", hex40('9'));  // newer, but on another commit
  w.record("make test", "other", "fail");                   // newer, but of another kind
  const EvidenceRecord* e = latest_evidence(w.t(), "make test", hex40('c'), "acceptance");
  REQUIRE(e);
  CHECK(e->id == second);
  CHECK(e->result == "pass");
  const std::string third = w.record("make test", "acceptance", "fail");
  CHECK(latest_evidence(w.t(), "make test", hex40('c'), "acceptance")->id == third);
}

TEST_CASE("evidence: has_passing_kind needs a pass of that kind on that commit", "[evidence]") {
  EvidenceWorld w;
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));
  w.record("curl /health", "runtime", "fail");
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));
  w.record("curl /health", "runtime", "pass", hex40('9'));
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));  // passed elsewhere
  w.record("curl /health", "code_anchor", "pass");
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));  // passed as another kind
  CHECK(has_passing_kind(w.t(), hex40('c'), "code_anchor"));
  w.record("curl /health", "runtime", "pass");
  CHECK(has_passing_kind(w.t(), hex40('c'), "runtime"));
  CHECK(has_passing_kind(w.t(), hex40('9'), "runtime"));
}

TEST_CASE("evidence: a later failure of the same command withdraws its pass", "[evidence]") {
  EvidenceWorld w;
  w.record("curl /health", "runtime", "pass");
  w.record("curl /health", "runtime", "fail");
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));
  w.record("curl /health", "runtime", "pass");
  CHECK(has_passing_kind(w.t(), hex40('c'), "runtime"));
}

TEST_CASE("evidence: one command whose newest result passed is enough for the kind", "[evidence]") {
  EvidenceWorld w;
  w.record("curl /health", "runtime", "pass");
  w.record("./smoke.sh", "runtime", "fail");  // another command's failure does not withdraw it
  CHECK(has_passing_kind(w.t(), hex40('c'), "runtime"));
  w.record("curl /health", "runtime", "fail");
  CHECK_FALSE(has_passing_kind(w.t(), hex40('c'), "runtime"));
  w.record("./smoke.sh", "runtime", "pass");
  CHECK(has_passing_kind(w.t(), hex40('c'), "runtime"));
}

TEST_CASE("evidence: has_passing_kind judges a command by its newest evidence of that kind only", "[evidence]") {
  EvidenceWorld w;
  w.record("go test ./...", "runtime", "pass");
  w.record("go test ./...", "other", "fail");  // of another kind: the runtime pass stands
  CHECK(has_passing_kind(w.t(), hex40('c'), "runtime"));
}

TEST_CASE("evidence: command_passed is decided by the newest evidence of any kind", "[evidence]") {
  EvidenceWorld w;
  CHECK_FALSE(command_passed(w.t(), "go test ./x", hex40('c')));
  w.record("go test ./x", "acceptance", "pass");
  CHECK(command_passed(w.t(), "go test ./x", hex40('c')));
  w.record("go test ./x", "other", "fail");
  CHECK_FALSE(command_passed(w.t(), "go test ./x", hex40('c')));
  w.record("go test ./x", "runtime", "pass");
  CHECK(command_passed(w.t(), "go test ./x", hex40('c')));
}

TEST_CASE("evidence: command_passed looks only at that command on that commit", "[evidence]") {
  EvidenceWorld w;
  w.record("go test ./x", "other", "pass", hex40('9'));
  w.record("go test ./y", "other", "pass");
  CHECK_FALSE(command_passed(w.t(), "go test ./x", hex40('c')));
  w.record("go test ./x", "other", "fail");
  w.record("go test ./x", "other", "pass", hex40('9'));  // a newer pass on another commit
  CHECK_FALSE(command_passed(w.t(), "go test ./x", hex40('c')));
  CHECK(command_passed(w.t(), "go test ./x", hex40('9')));
  CHECK(command_passed(w.t(), "go test ./y", hex40('c')));
}

TEST_CASE("evidence: the questions are about one task's evidence", "[evidence]") {
  EvidenceWorld w;
  w.record("go test ./x", "runtime", "pass");
  const TaskState& other = w.s.task("B-1");
  CHECK(latest_evidence(other, "go test ./x", hex40('c'), "runtime") == nullptr);
  CHECK_FALSE(has_passing_kind(other, hex40('c'), "runtime"));
  CHECK_FALSE(command_passed(other, "go test ./x", hex40('c')));
}

TEST_CASE("evidence: a log is attached whole up to the cap, else cut with a note", "[evidence]") {
  AttachedLog whole = attach_log("all of it\n", 10);
  CHECK(whole.text == "all of it\n");
  CHECK_FALSE(whole.full_size);
  AttachedLog cut = attach_log("0123456789abc", 10);
  CHECK(cut.text == "0123456789\n[truncated: 13 bytes, kept 10]\n");
  CHECK(cut.full_size == 13);
}

TEST_CASE("evidence: a log read up to the cap says how large it was, or that it was larger", "[evidence]") {
  CHECK(attach_log_head("short", 5, true, 10).text == "short");
  CHECK_FALSE(attach_log_head("short", 5, true, 10).full_size);
  AttachedLog cut = attach_log_head(std::string(11, 'x'), 100, true, 10);
  CHECK(cut.text == std::string(10, 'x') + "\n[truncated: 100 bytes, kept 10]\n");
  CHECK(cut.full_size == 100);
  AttachedLog endless = attach_log_head(std::string(11, 'x'), 5000, false, 10);
  CHECK(endless.text.find("[truncated: more than 5000 bytes, kept 10]") != std::string::npos);
}
