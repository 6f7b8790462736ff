// Merge-ready (core/merge_ready.h): every item that keeps a task from merging, each with its code,
// and the review rules it shares with replay. review_test.cpp covers the handoff and review events
// themselves, "every item at once" and approvals across trivial rebases; this file covers each
// item's branches. Merge-ready judges under the definitions it is given, so some tests replay
// under one policy and judge under a stricter one, as happens when the YAML changes.
#include <catch2/catch.hpp>

#include "core/merge_ready.h"
#include "core/rules.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

// `reviews_policy` lines go under `reviews:`; `task_p` replaces task P's definition.
std::string mr_yaml(const std::string& reviews_policy = "", const std::string& task_p = "{ id: P, role: backend }") {
  return R"(version: 1
policy: { base: main }
roles:
  backend: { kind: delivery, lanes: 3 }
  arch: { kind: review }
  gov: { kind: review }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend], model: m1 }
  dev2: { roles: [backend], model: m5 }
  anon-dev: { roles: [backend] }
  dev-arch: { roles: [backend, arch], model: m9 }
  archie: { roles: [arch], model: m2 }
  twin: { roles: [arch], model: m1 }
  plain: { roles: [arch] }
  govvy: { roles: [gov], model: m3 }
  alice: { roles: [coord], human: true }
reviews:
)" + reviews_policy + R"(  routes:
    - { paths: ["doc/api/**"], require: [arch] }
    - { paths: ["**/auth/**"], require: [gov] }
high_risk_paths: ["**/terminal/**"]
tasks:
  - )" + task_p + R"(
  - { id: F, role: backend, acceptance_checks: ["make test", "make lint"] }
  - { id: D, role: backend, kind: defect }
  - { id: H, role: backend, risk: high }
  - { id: RV, role: arch }
)";
}

Definitions mr_defs(const std::string& reviews_policy, const std::string& task_p = "{ id: P, role: backend }") {
  auto d = load_definitions(mr_yaml(reviews_policy, task_p), "queue.yaml");
  if (!d) FAIL(d.error().str());
  return std::move(*d);
}

const std::vector<std::string> kApiFile{"doc/api/v1.yaml"};

struct MergeWorld {
  testing::FakeRepo repo;
  testing::EventFactory f;
  QueueState s;
  explicit MergeWorld(const std::string& reviews_policy = "") : repo(mr_yaml(reviews_policy)) {
    REQUIRE_FALSE(push(s, repo, f.init()));
  }
  const Definitions& d() const { return repo.defs(); }
  std::string claim(const std::string& task, const std::string& actor = "dev") {
    const Task& t = *d().task(task);
    Event c = f.claim(actor, task, t.role, *pick_lane(s, d(), t, std::nullopt));
    REQUIRE_FALSE(push(s, repo, c));
    return c.id;
  }
  Event handoff(const std::string& task, const std::string& claim, const std::string& commit = hex40('c'),
                std::vector<std::string> files = {"services/x.go"}, const std::string& actor = "dev") {
    Event h = f.handoff(actor, task, d().task(task)->role, claim, commit, std::move(files));
    REQUIRE_FALSE(push(s, repo, h));
    return h;
  }
  void evidence(const std::string& task, const std::string& command, const std::string& kind, const std::string& result,
                const std::string& commit = hex40('c'), std::optional<int64_t> exit_code = std::nullopt) {
    Event e = f.evidence("dev", task, result);
    e.command = command;
    e.kind = kind;
    e.commit = commit;
    e.exit_code = exit_code;
    REQUIRE_FALSE(push(s, repo, e));
  }
  void review(const std::string& actor, const std::string& task, const std::string& role, const std::string& decision,
              const std::string& commit = hex40('c'), const std::string& note = {}) {
    Event r = f.review(actor, task, role, decision, commit);
    r.note = note;
    REQUIRE_FALSE(push(s, repo, r));
  }
  void set_status(const std::string& task, const std::string& claim, const std::string& status) {
    REQUIRE_FALSE(push(s, repo, f.status("dev", task, "backend", status, claim)));
  }
  std::vector<ReadyItem> all(const std::string& task, const RepoFacts& facts = {}, const Definitions* defs = nullptr,
                             bool findings = true) {
    const Definitions& dd = defs ? *defs : d();
    return merge_ready_items(s, dd, *dd.task(task), facts, findings);
  }
  std::vector<Code> items(const std::string& task, const RepoFacts& facts = {}, const Definitions* defs = nullptr) {
    std::vector<Code> out;
    for (const ReadyItem& i : all(task, facts, defs)) out.push_back(i.code);
    return out;
  }
  void garbage(const std::string& commit) {
    LogEntry bad;
    bad.commit = commit;
    bad.error = Error(Code::EVENT_INVALID, "event is not valid JSON at byte 1");
    replay_entry(s, bad, repo);
  }
};

using Codes = std::vector<Code>;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("merge-ready: a task without a handoff needs one, whatever else it lacks", "[merge_ready]") {
  MergeWorld w;
  auto items = w.all("F");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::HANDOFF_MISSING);
  CHECK(mentions(items[0].fix, "git agentq handoff F --commit SHA"));
  const std::string c = w.claim("F");
  CHECK(w.items("F") == Codes{Code::HANDOFF_MISSING});  // in_progress, never handed off
  w.handoff("F", c);
  Event un = w.f.make(EventType::unclaim, "alice", "F", "coord");
  un.reason = "reassign";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  CHECK(w.items("F") == Codes{Code::HANDOFF_MISSING});  // an unclaim drops the handoff
}

TEST_CASE("merge-ready: a clean handoff of a task with nothing else to prove is ready", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));
  CHECK(w.all("P").empty());
  RepoFacts good;
  good.based_on_base = true;
  good.base_name = "origin/main";
  good.worktree_clean = true;
  CHECK(w.all("P", good).empty());
}

TEST_CASE("merge-ready: a done task has one item, already done", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));
  w.repo.merged.insert(hex40('c'));
  Event done = w.f.status("alice", "P", "coord", "done");
  done.commit = hex40('c');
  REQUIRE_FALSE(push(w.s, w.repo, done));
  RepoFacts bad;
  bad.based_on_base = false;
  bad.worktree_clean = false;
  auto items = w.all("P", bad);
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::ILLEGAL_TRANSITION);
  CHECK(items[0].commit == hex40('c'));
  w.garbage(hex40('a'));
  CHECK(w.items("P") == Codes{Code::EVENT_INVALID, Code::ILLEGAL_TRANSITION});  // findings still come first
}

TEST_CASE("merge-ready: a blocked task says why, and what else is missing", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  Event blocked = w.f.status("dev", "P", "backend", "blocked", c);
  blocked.reason = "waiting for the schema";
  REQUIRE_FALSE(push(w.s, w.repo, blocked));
  auto items = w.all("P");
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == Code::ILLEGAL_TRANSITION);
  CHECK(mentions(items[0].message, "waiting for the schema"));
  CHECK(mentions(items[0].fix, "set-status P in_progress"));
  CHECK(items[1].code == Code::HANDOFF_MISSING);
}

TEST_CASE("merge-ready: blocked in review is not ready, unblocked it is again", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c);
  w.set_status("P", c, "blocked");
  CHECK(w.items("P") == Codes{Code::ILLEGAL_TRANSITION});
  w.set_status("P", c, "in_progress");
  REQUIRE(w.s.task("P").status == TaskStatus::in_review);
  CHECK(w.items("P").empty());
}

TEST_CASE("merge-ready: back in progress after a handoff needs a new handoff", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c);
  w.set_status("P", c, "in_progress");  // the owner took it back without a review asking
  auto items = w.all("P");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::HANDOFF_MISSING);
  CHECK(items[0].commit == hex40('c'));
  w.handoff("P", c, hex40('e'));
  CHECK(w.items("P").empty());
}

TEST_CASE("merge-ready: changes requested on the handoff is reported as such, not as a missing handoff", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c, hex40('c'), kApiFile);
  w.review("archie", "P", "arch", "changes_requested", hex40('c'), "split the migration");
  REQUIRE(w.s.task("P").status == TaskStatus::in_progress);
  auto items = w.all("P");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::REVIEW_CHANGES_REQUESTED);
  CHECK(items[0].role == "arch");
  CHECK(items[0].commit == hex40('c'));
  CHECK(mentions(items[0].message, "archie"));
  CHECK(mentions(items[0].message, "split the migration"));
  // a later change request on an older handoff does not excuse this one
  w.handoff("P", c, hex40('e'), kApiFile);
  w.set_status("P", c, "in_progress");
  CHECK(w.items("P") == Codes{Code::HANDOFF_MISSING, Code::REVIEW_MISSING});
}

TEST_CASE("merge-ready: acceptance checks need acceptance evidence on the handoff commit, in YAML order", "[merge_ready]") {
  MergeWorld w;
  w.handoff("F", w.claim("F"));
  auto items = w.all("F");
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == Code::EVIDENCE_MISSING);
  CHECK(mentions(items[0].message, "`make test`"));
  CHECK(items[0].commit == hex40('c'));
  CHECK(mentions(items[1].message, "`make lint`"));
  w.evidence("F", "make test", "acceptance", "pass", hex40('9'));  // another commit
  w.evidence("F", "make test", "other", "pass");                   // not an acceptance run
  CHECK(w.items("F") == Codes{Code::EVIDENCE_MISSING, Code::EVIDENCE_MISSING});
  w.evidence("F", "make test", "acceptance", "pass");
  w.evidence("F", "make lint", "acceptance", "fail", hex40('c'), 2);
  items = w.all("F");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::EVIDENCE_FAILED);
  CHECK(mentions(items[0].message, "`make lint`"));
  CHECK(mentions(items[0].message, "exit 2"));
  w.evidence("F", "make lint", "acceptance", "pass");
  CHECK(w.items("F").empty());
  w.evidence("F", "make test", "acceptance", "fail");  // the newest run decides
  CHECK(w.items("F") == Codes{Code::EVIDENCE_FAILED});
}

TEST_CASE("merge-ready: checks added to the definitions after the handoff must run too", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));
  Definitions later = mr_defs("", R"({ id: P, role: backend, acceptance_checks: ["make e2e"] })");
  CHECK(w.items("P", {}, &later) == Codes{Code::EVIDENCE_MISSING});
}

TEST_CASE("merge-ready: a defect needs a passing proof command on the handoff commit", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("D");
  w.evidence("D", "go test -run TestBound", "other", "pass");
  Event h = w.f.handoff("dev", "D", "backend", c);
  h.root_cause = "retries were unbounded";
  h.owning_file = "services/retry.go";
  h.proof_command = "go test -run TestBound";
  REQUIRE_FALSE(push(w.s, w.repo, h));
  CHECK(w.items("D").empty());
  w.evidence("D", "go test -run TestBound", "other", "fail");  // a later failure withdraws the proof
  auto items = w.all("D");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::ROOT_CAUSE_MISSING);
  CHECK(mentions(items[0].message, "go test -run TestBound"));
  CHECK(items[0].commit == hex40('c'));
}

TEST_CASE("merge-ready: a defect handed off without root-cause fields is reported", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));  // handed off as a feature
  Definitions later = mr_defs("", "{ id: P, role: backend, kind: defect }");
  auto items = w.all("P", {}, &later);
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::ROOT_CAUSE_MISSING);
  CHECK(mentions(items[0].fix, "--root-cause"));
}

TEST_CASE("merge-ready: high-risk work needs passing code_anchor and runtime evidence", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("H");
  w.evidence("H", "grep -n retry services/x.go", "code_anchor", "pass");
  w.evidence("H", "curl /health", "runtime", "pass");
  w.handoff("H", c);
  CHECK(w.items("H").empty());
  w.evidence("H", "curl /health", "runtime", "fail");
  auto items = w.all("H");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::REALITY_CHECK_MISSING);
  CHECK(mentions(items[0].message, "runtime"));
  CHECK(mentions(items[0].fix, "--kind runtime"));
  w.evidence("H", "grep -n retry services/x.go", "code_anchor", "fail");
  items = w.all("H");
  REQUIRE(items.size() == 2);
  CHECK(mentions(items[0].message, "code_anchor"));
  CHECK(mentions(items[1].message, "runtime"));
}

TEST_CASE("merge-ready: a normal task is high-risk when its files match high_risk_paths", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));  // services/x.go
  CHECK(w.items("P").empty());
  std::string yaml = mr_yaml();
  const std::string terminal = "high_risk_paths: [\"**/terminal/**\"]";
  yaml.replace(yaml.find(terminal), terminal.size(), "high_risk_paths: [\"services/**\"]");
  auto later = load_definitions(yaml, "queue.yaml");
  REQUIRE(later);
  CHECK(w.items("P", {}, &*later) == Codes{Code::REALITY_CHECK_MISSING, Code::REALITY_CHECK_MISSING});
}

TEST_CASE("merge-ready: every routed role must approve, one item per missing role", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"), hex40('c'), {"doc/api/v1.yaml", "web/auth/login.ts"});
  auto items = w.all("P");
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == Code::REVIEW_MISSING);
  CHECK(items[0].role == "arch");
  CHECK(items[0].commit == hex40('c'));
  CHECK(items[0].fix == "git agentq review P --decision approved --commit " + hex40('c') + " --role arch");
  CHECK(items[1].role == "gov");
  w.review("archie", "P", "arch", "approved");
  items = w.all("P");
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::REVIEW_MISSING);
  CHECK(items[0].role == "gov");  // arch's approval does not count for gov
  w.review("govvy", "P", "gov", "approved");
  CHECK(w.items("P").empty());
}

TEST_CASE("merge-ready: the newest review of a role on the handoff decides", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c, hex40('c'), kApiFile);
  w.review("archie", "P", "arch", "approved");
  w.review("plain", "P", "arch", "changes_requested");  // a second reviewer of the role disagrees
  CHECK(w.items("P") == Codes{Code::REVIEW_CHANGES_REQUESTED});
  w.handoff("P", c, hex40('c'), kApiFile);  // the same commit handed off again
  CHECK(w.items("P") == Codes{Code::REVIEW_CHANGES_REQUESTED});
  w.review("archie", "P", "arch", "approved");
  CHECK(w.items("P").empty());
}

TEST_CASE("merge-ready: an approval of an earlier commit is stale, a change request on it is no approval", "[merge_ready]") {
  SECTION("approved before") {
    MergeWorld w;
    const std::string c = w.claim("P");
    w.handoff("P", c, hex40('c'), kApiFile);
    w.review("archie", "P", "arch", "approved");
    w.handoff("P", c, hex40('e'), kApiFile);  // another patch
    auto items = w.all("P");
    REQUIRE(items.size() == 1);
    CHECK(items[0].code == Code::REVIEW_STALE);
    CHECK(items[0].role == "arch");
    CHECK(items[0].commit == hex40('e'));
    CHECK(mentions(items[0].fix, hex40('e')));
  }
  SECTION("changes requested before") {
    MergeWorld w;
    const std::string c = w.claim("P");
    w.handoff("P", c, hex40('c'), kApiFile);
    w.review("archie", "P", "arch", "changes_requested");
    w.handoff("P", c, hex40('e'), kApiFile);
    CHECK(w.items("P") == Codes{Code::REVIEW_MISSING});
  }
}

TEST_CASE("merge-ready: an approval the current review rules forbid is reported with its role", "[merge_ready]") {
  SECTION("self-approval, allowed when it was written") {
    MergeWorld w{"  self_approval: true\n  same_model: allow\n"};
    w.handoff("P", w.claim("P", "dev-arch"), hex40('c'), kApiFile, "dev-arch");
    w.review("dev-arch", "P", "arch", "approved");
    CHECK(w.items("P").empty());
    Definitions strict = mr_defs("");
    auto items = w.all("P", {}, &strict);
    REQUIRE(items.size() == 1);
    CHECK(items[0].code == Code::SELF_APPROVAL);
    CHECK(items[0].role == "arch");
    CHECK(items[0].commit == hex40('c'));
  }
  SECTION("same model") {
    MergeWorld w{"  same_model: allow\n"};
    w.handoff("P", w.claim("P"), hex40('c'), kApiFile);  // dev runs m1
    w.review("twin", "P", "arch", "approved");          // so does twin
    CHECK(w.items("P").empty());
    Definitions noted = mr_defs("");
    auto items = w.all("P", {}, &noted);
    REQUIRE(items.size() == 1);
    CHECK(items[0].code == Code::SAME_MODEL_REVIEW);
    CHECK(items[0].role == "arch");
    CHECK(items[0].commit == hex40('c'));
  }
  SECTION("same model with an exception note, until policy forbids it") {
    MergeWorld w;
    w.handoff("P", w.claim("P"), hex40('c'), kApiFile);
    Event r = w.f.review("twin", "P", "arch", "approved");
    r.exception_note = "the other model is down; reviewed line by line";
    REQUIRE_FALSE(push(w.s, w.repo, r));
    CHECK(w.items("P").empty());
    Definitions forbid = mr_defs("  same_model: forbid\n");
    CHECK(w.items("P", {}, &forbid) == Codes{Code::SAME_MODEL_REVIEW});
  }
}

TEST_CASE("merge-ready: repository facts are judged only when given", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));
  RepoFacts facts;
  facts.base_name = "origin/main";
  CHECK(w.all("P", facts).empty());
  facts.based_on_base = false;
  auto items = w.all("P", facts);
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::NOT_BASED_ON_BASE);
  CHECK(items[0].commit == hex40('c'));
  CHECK(mentions(items[0].message, "origin/main"));
  facts.based_on_base = true;
  facts.worktree_clean = false;
  facts.dirty = "M cmd/x.go";
  items = w.all("P", facts);
  REQUIRE(items.size() == 1);
  CHECK(items[0].code == Code::WORKTREE_DIRTY);
  CHECK(mentions(items[0].message, "M cmd/x.go"));
  facts.dirty.clear();
  CHECK(w.items("P", facts) == Codes{Code::WORKTREE_DIRTY});
}

TEST_CASE("merge-ready: open findings of the whole log come first, voided ones not at all", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"));
  w.garbage(hex40('a'));
  CHECK(push(w.s, w.repo, w.f.claim("dev", "NOPE", "backend"), hex40('b')) == Code::UNKNOWN_TASK);
  auto items = w.all("P");
  REQUIRE(items.size() == 2);
  CHECK(items[0].code == Code::EVENT_INVALID);
  CHECK(items[0].commit == hex40('a'));
  CHECK(mentions(items[0].fix, "git agentq void " + hex40('a')));  // undecodable: named by its commit
  CHECK(items[1].code == Code::UNKNOWN_TASK);
  CHECK(items[1].commit == hex40('b'));
  CHECK(mentions(items[1].fix, "git agentq void " + w.s.illegal[1].event_id + " "));  // decoded: by its event id
  CHECK(w.all("P", {}, nullptr, false).empty());  // replay judges done without them

  Event v = w.f.make(EventType::void_, "alice");
  v.event = hex40('a');
  v.reason = "hand-written";
  REQUIRE_FALSE(push(w.s, w.repo, v));
  CHECK(w.items("P") == Codes{Code::UNKNOWN_TASK});
}

TEST_CASE("merge-ready: items come in a fixed order, all at once", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c, hex40('c'), kApiFile);
  w.set_status("P", c, "blocked");
  w.garbage(hex40('a'));
  Definitions later = mr_defs("", R"({ id: P, role: backend, kind: defect, risk: high, acceptance_checks: ["make test"] })");
  RepoFacts facts;
  facts.based_on_base = false;
  facts.worktree_clean = false;
  CHECK(w.items("P", facts, &later) ==
        Codes{Code::EVENT_INVALID, Code::ILLEGAL_TRANSITION, Code::EVIDENCE_MISSING, Code::ROOT_CAUSE_MISSING,
              Code::REALITY_CHECK_MISSING, Code::REALITY_CHECK_MISSING, Code::REVIEW_MISSING, Code::NOT_BASED_ON_BASE,
              Code::WORKTREE_DIRTY});
}

TEST_CASE("merge-ready: required reviewers follow the current handoff's files", "[merge_ready]") {
  MergeWorld w;
  using Roles = std::vector<std::string>;
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")).empty());  // no handoff yet
  const std::string c = w.claim("P");
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")).empty());
  w.handoff("P", c, hex40('c'), {"web/auth/a.ts", "doc/api/v1.yaml"});
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")) == Roles{"arch", "gov"});  // in route order
  w.handoff("P", c, hex40('e'), {"services/x.go"});
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")).empty());
  w.handoff("P", c, hex40('7'), kApiFile);
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")) == Roles{"arch"});
  Event un = w.f.make(EventType::unclaim, "alice", "P", "coord");
  un.reason = "reassign";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  CHECK(required_reviewers(w.s, w.d(), *w.d().task("P")).empty());
}

TEST_CASE("review conflict: an implementer never approves its own work unless policy allows it", "[merge_ready]") {
  MergeWorld w;
  const Task& p = *w.d().task("P");
  w.handoff("P", w.claim("P", "dev-arch"), hex40('c'), kApiFile, "dev-arch");
  auto conflict = review_conflict(w.s, w.d(), p, "dev-arch", "arch", "");
  REQUIRE(conflict);
  CHECK(conflict->code == Code::SELF_APPROVAL);
  CHECK(conflict->role == "arch");
  CHECK(review_conflict(w.s, w.d(), p, "dev-arch", "arch", "an exception note does not help")->code == Code::SELF_APPROVAL);
  CHECK_FALSE(review_conflict(w.s, w.d(), p, "archie", "arch", ""));
  Definitions lenient = mr_defs("  self_approval: true\n  same_model: allow\n");
  CHECK_FALSE(review_conflict(w.s, lenient, *lenient.task("P"), "dev-arch", "arch", ""));
}

TEST_CASE("review conflict: every actor that ever implemented the task counts", "[merge_ready]") {
  MergeWorld w;
  const Task& p = *w.d().task("P");
  w.claim("P", "dev-arch");
  Event un = w.f.make(EventType::unclaim, "alice", "P", "coord");
  un.reason = "reassign";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  w.handoff("P", w.claim("P", "dev2"), hex40('c'), kApiFile, "dev2");
  CHECK(review_conflict(w.s, w.d(), p, "dev-arch", "arch", "")->code == Code::SELF_APPROVAL);
}

TEST_CASE("review conflict: the role that implemented a task never approves it", "[merge_ready]") {
  MergeWorld w;
  const Task& rv = *w.d().task("RV");  // a task of the review role arch itself
  Event c = w.f.claim("archie", "RV", "arch", 1);
  REQUIRE_FALSE(push(w.s, w.repo, c));
  Event h = w.f.handoff("archie", "RV", "arch", c.id);
  REQUIRE_FALSE(push(w.s, w.repo, h));
  auto conflict = review_conflict(w.s, w.d(), rv, "plain", "arch", "");  // plain is no implementer
  REQUIRE(conflict);
  CHECK(conflict->code == Code::SELF_APPROVAL);
  CHECK(push(w.s, w.repo, w.f.review("plain", "RV", "arch", "approved")) == Code::SELF_APPROVAL);
}

TEST_CASE("review conflict: same model needs an exception note, or is forbidden, or allowed", "[merge_ready]") {
  MergeWorld w;
  const Task& p = *w.d().task("P");
  w.handoff("P", w.claim("P"), hex40('c'), kApiFile);  // dev runs m1, twin too, archie m2
  CHECK_FALSE(review_conflict(w.s, w.d(), p, "archie", "arch", ""));
  auto conflict = review_conflict(w.s, w.d(), p, "twin", "arch", "");
  REQUIRE(conflict);
  CHECK(conflict->code == Code::SAME_MODEL_REVIEW);
  CHECK(conflict->role == "arch");
  CHECK(mentions(conflict->message, "m1"));
  CHECK_FALSE(review_conflict(w.s, w.d(), p, "twin", "arch", "the other model is down"));

  Definitions forbid = mr_defs("  same_model: forbid\n");
  CHECK(review_conflict(w.s, forbid, *forbid.task("P"), "twin", "arch", "the other model is down")->code ==
        Code::SAME_MODEL_REVIEW);
  CHECK_FALSE(review_conflict(w.s, forbid, *forbid.task("P"), "archie", "arch", ""));
  Definitions allow = mr_defs("  same_model: allow\n");
  CHECK_FALSE(review_conflict(w.s, allow, *allow.task("P"), "twin", "arch", ""));
}

TEST_CASE("review conflict: any implementer on the reviewer's model counts", "[merge_ready]") {
  MergeWorld w;
  w.claim("P", "dev");  // m1
  Event un = w.f.make(EventType::unclaim, "alice", "P", "coord");
  un.reason = "reassign";
  REQUIRE_FALSE(push(w.s, w.repo, un));
  w.handoff("P", w.claim("P", "dev2"), hex40('c'), kApiFile, "dev2");  // m5
  CHECK(review_conflict(w.s, w.d(), *w.d().task("P"), "twin", "arch", "")->code == Code::SAME_MODEL_REVIEW);
}

TEST_CASE("review conflict: an absent model never equals another", "[merge_ready]") {
  Definitions forbid = mr_defs("  same_model: forbid\n");
  MergeWorld w{"  same_model: forbid\n"};
  w.handoff("P", w.claim("P", "anon-dev"), hex40('c'), kApiFile, "anon-dev");
  CHECK_FALSE(review_conflict(w.s, forbid, *forbid.task("P"), "twin", "arch", ""));   // implementer has none
  CHECK_FALSE(review_conflict(w.s, forbid, *forbid.task("P"), "plain", "arch", ""));  // reviewer has none
  MergeWorld x{"  same_model: forbid\n"};
  x.handoff("P", x.claim("P", "dev"), hex40('c'), kApiFile);
  CHECK_FALSE(review_conflict(x.s, forbid, *forbid.task("P"), "plain", "arch", ""));
}

TEST_CASE("review conflict: actors the definitions no longer declare are not compared", "[merge_ready]") {
  MergeWorld w;
  w.handoff("P", w.claim("P"), hex40('c'), kApiFile);  // dev, m1
  std::string yaml = mr_yaml();
  const std::string dev_line = "  dev: { roles: [backend], model: m1 }\n";
  yaml.replace(yaml.find(dev_line), dev_line.size(), "");
  auto later = load_definitions(yaml, "queue.yaml");
  REQUIRE(later);
  CHECK_FALSE(review_conflict(w.s, *later, *later->task("P"), "twin", "arch", ""));  // dev's model is unknown now
  CHECK_FALSE(review_conflict(w.s, w.d(), *w.d().task("P"), "ghost", "arch", ""));   // an undeclared reviewer
  CHECK(review_conflict(w.s, w.d(), *w.d().task("P"), "dev", "arch", "")->code == Code::SELF_APPROVAL);
}

TEST_CASE("merge-ready: each required reviewer is approved or says what it lacks", "[merge_ready]") {
  MergeWorld w;
  auto states = [&]() {
    std::string out;
    for (const ReviewerState& r : reviewer_states(w.s, w.d(), *w.d().task("P"), w.all("P", {}, nullptr, false)))
      out += r.role + "=" + r.state + " ";
    return out;
  };
  CHECK(states().empty());  // no handoff: nobody is required yet
  const std::string c = w.claim("P");
  w.handoff("P", c, hex40('c'), {"doc/api/v1.yaml", "svc/auth/login.go"});
  CHECK(states() == "arch=REVIEW_MISSING gov=REVIEW_MISSING ");
  w.review("archie", "P", "arch", "approved");
  CHECK(states() == "arch=approved gov=REVIEW_MISSING ");
  w.review("govvy", "P", "gov", "changes_requested");
  CHECK(states() == "arch=approved gov=REVIEW_CHANGES_REQUESTED ");
}

TEST_CASE("merge-ready: the reviewer role is the actor's only one, else the one the task needs", "[merge_ready]") {
  MergeWorld w;
  const std::string c = w.claim("P");
  w.handoff("P", c, hex40('c'), kApiFile);
  const Task& p = *w.d().task("P");
  CHECK(reviewer_role(w.s, w.d(), *w.d().actor("archie"), p).value() == "arch");
  CHECK(reviewer_role(w.s, w.d(), *w.d().actor("govvy"), p).value() == "gov");  // its only one, needed or not
  CHECK(reviewer_role(w.s, w.d(), *w.d().actor("dev"), p).error().code == Code::ROLE_MISMATCH);

  std::string yaml = mr_yaml("");
  const std::string govvy = "govvy: { roles: [gov], model: m3 }";
  yaml.replace(yaml.find(govvy), govvy.size(), "govvy: { roles: [gov, arch], model: m3 }");
  testing::FakeRepo both{yaml};
  QueueState s;
  testing::EventFactory f;
  REQUIRE_FALSE(push(s, both, f.init()));
  Event claim = f.claim("dev", "P", "backend", 1);
  REQUIRE_FALSE(push(s, both, claim));
  REQUIRE_FALSE(push(s, both, f.handoff("dev", "P", "backend", claim.id, hex40('c'), kApiFile)));
  CHECK(reviewer_role(s, both.defs(), *both.defs().actor("govvy"), *both.defs().task("P")).value() == "arch");
  REQUIRE_FALSE(push(s, both, f.handoff("dev", "P", "backend", claim.id, hex40('e'), {"svc/auth/a.go", "doc/api/b.yaml"})));
  CHECK(reviewer_role(s, both.defs(), *both.defs().actor("govvy"), *both.defs().task("P")).error().code == Code::USAGE);
}
