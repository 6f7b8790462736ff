// The notes view (core/notes_view.h): which implementation commits an event is noted on, and the
// line it contributes to each note.
#include <catch2/catch.hpp>

#include "core/notes_view.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;

namespace {

testing::EventFactory notes_events;

Event promote_event() {
  Event e = notes_events.make(EventType::promote, "alice", {}, "coord");
  e.release = "release/1";
  e.commit = hex40('5');
  e.tasks = {"A-1"};
  e.risks = "none known";
  e.rollback = "promote the previous release";
  return e;
}

Event override_event() {
  Event e = notes_events.make(EventType::override_, "alice", "A-1", "coord");
  e.reason = "hotfix";
  e.commit = hex40('7');
  e.commits = {hex40('6'), hex40('7')};
  return e;
}

}  // namespace

TEST_CASE("notes view: evidence is noted on the tested commit", "[notes]") {
  Event e = notes_events.evidence("agent-a", "A-1", "pass");
  e.commit = hex40('3');
  CHECK(named_commits(e) == std::vector<std::string>{hex40('3')});
}

TEST_CASE("notes view: a handoff is noted on the handed-off commit only", "[notes]") {
  Event e = notes_events.handoff("agent-a", "A-1", "backend", "claim-1", hex40('c'));
  e.commits = {hex40('a'), hex40('c')};  // neither the branch's other commits nor the merge base
  CHECK(named_commits(e) == std::vector<std::string>{hex40('c')});
}

TEST_CASE("notes view: a review is noted on the reviewed commit", "[notes]") {
  CHECK(named_commits(notes_events.review("rev", "A-1", "arch", "approved", hex40('4'))) ==
        std::vector<std::string>{hex40('4')});
  CHECK(named_commits(notes_events.review("rev", "A-1", "arch", "changes_requested", hex40('4'))) ==
        std::vector<std::string>{hex40('4')});
}

TEST_CASE("notes view: a promotion is noted on the promoted commit", "[notes]") {
  CHECK(named_commits(promote_event()) == std::vector<std::string>{hex40('5')});
}

TEST_CASE("notes view: an override is noted on the last commit it let through", "[notes]") {
  CHECK(named_commits(override_event()) == std::vector<std::string>{hex40('7')});
}

TEST_CASE("notes view: events that name no implementation commit have no note", "[notes]") {
  CHECK(named_commits(notes_events.init()).empty());
  CHECK(named_commits(notes_events.claim("agent-a", "A-1", "backend")).empty());
  Event un = notes_events.make(EventType::unclaim, "alice", "A-1", "coord");
  CHECK(named_commits(un).empty());
  CHECK(named_commits(notes_events.status("agent-a", "A-1", "backend", "blocked", "claim-1")).empty());
  Event done = notes_events.status("alice", "A-1", "coord", "done");
  done.commit = hex40('c');
  CHECK(named_commits(done).empty());  // the handoff and its reviews already note that commit
  Event v = notes_events.make(EventType::void_, "alice");
  v.event = hex40('e');
  v.reason = "hand-written";
  CHECK(named_commits(v).empty());
  Event g = notes_events.make(EventType::gate, "agent-a", "A-1");
  g.run = "run-1";
  g.gate = "ci";
  g.passed = true;
  CHECK(named_commits(g).empty());
  Event r = notes_events.make(EventType::run, "agent-a", "A-1");
  r.run = "run-1";
  r.state = "done";
  CHECK(named_commits(r).empty());
}

TEST_CASE("notes view: an event of a noted type without a commit names nothing", "[notes]") {
  for (Event e : {notes_events.evidence("agent-a", "A-1", "pass"), notes_events.review("rev", "A-1", "arch", "approved"),
                  notes_events.handoff("agent-a", "A-1", "backend", "claim-1"), promote_event(), override_event()}) {
    e.commit.clear();
    CHECK(named_commits(e).empty());
  }
}

TEST_CASE("notes view: the note line is the event's canonical JSON on one line", "[notes]") {
  for (const Event& e : {notes_events.evidence("agent-a", "A-1", "pass"), notes_events.review("rev", "A-1", "arch", "approved"),
                         notes_events.handoff("agent-a", "A-1", "backend", "claim-1"), promote_event(), override_event()}) {
    const std::string line = note_line(e);
    CHECK(line == encode_json(e));
    CHECK(line.find('\n') == std::string::npos);
    auto back = decode_json(line);
    REQUIRE(back);
    CHECK(*back == e);
  }
}

TEST_CASE("notes view: the note line has one spelling per event", "[notes]") {
  Event e = notes_events.review("rev", "A-1", "arch", "changes_requested", hex40('4'));
  e.note = "multi\nline \"note\"";
  Event same;  // built field by field in another order
  same.note = e.note;
  same.commit = e.commit;
  same.decision = e.decision;
  same.defs = e.defs;
  same.at = e.at;
  same.role = e.role;
  same.actor = e.actor;
  same.task = e.task;
  same.id = e.id;
  same.type = e.type;
  CHECK(note_line(same) == note_line(e));
  CHECK(note_line(e).find('\n') == std::string::npos);  // newlines inside strings are escaped
  Event other = e;
  other.id = "ev-other";
  CHECK(note_line(other) != note_line(e));
}
