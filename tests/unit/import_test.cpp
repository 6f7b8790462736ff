// core/import: legacy queue -> definitions + events, without a repository.
#include <catch2/catch.hpp>

#include "core/digest.h"
#include "core/import.h"

using namespace agentq;

namespace {

const std::string kSha(40, 'a');

std::vector<std::string> subjects(const ImportPlan& p) {
  std::vector<std::string> out;
  for (const Event& e : p.events) out.push_back(subject_line(e));
  return out;
}

}  // namespace

TEST_CASE("import: definitions and events from a legacy queue", "[import]") {
  const std::string yaml = R"(tasks:
  - { id: D, role: ops, status: done, owner: c, commit: )" + kSha + R"( }
  - id: W
    role: api
    depends_on: [D]
    status: in_progress
    owner: a
    evidence: [{ command: "make test", result: pass, commit: )" + kSha + R"( }]
  - { id: W2, role: api, status: in_review, owner: b }
  - { id: L, role: api, status: todo, depends_on: [W] }
)";
  auto plan = plan_import(yaml, "q.yaml", "main");
  REQUIRE(plan);
  CHECK(plan->defs.policy.base == "main");
  CHECK(plan->defs.policy.allow_no_merge);
  CHECK(plan->defs.task("D")->no_merge);
  CHECK_FALSE(plan->defs.task("W")->no_merge);
  CHECK(plan->defs.role("api")->lanes == 2);  // two claims in progress
  CHECK(plan->defs.actor("a")->holds("api"));
  CHECK(subjects(*plan) == std::vector<std::string>{
                               "claim D by c (ops, lane 1)", "status D -> done by c", "claim W by a (api, lane 1)",
                               "evidence W pass `make test` by a", "claim W2 by b (api, lane 2)"});
  CHECK(plan->events[1].claim == plan->events[0].id);
  CHECK(plan->events[2].id == "import-W-1");
  CHECK(plan->events[3].kind == "other");
  bool review_note = false;
  for (const auto& n : plan->notes) review_note |= n.find("W2: was in review") != std::string::npos;
  CHECK(review_note);
  // deterministic: the same file gives the same bytes
  CHECK(plan_import(yaml, "q.yaml", "main")->yaml == plan->yaml);
}

TEST_CASE("import: refusals", "[import]") {
  auto unknown = plan_import("tasks:\n  - { id: T, role: r, priority: 1 }\n", "q.yaml", "main");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Code::DEF_UNKNOWN_KEY);
  CHECK(unknown.error().where.str().find("q.yaml:2:") != std::string::npos);
  auto deps = plan_import("tasks:\n  - { id: A, role: r }\n  - { id: B, role: r, depends_on: [A], status: blocked, owner: x }\n",
                          "q.yaml", "main");
  REQUIRE_FALSE(deps);
  CHECK(deps.error().code == Code::DEP_NOT_DONE);
  auto signed_ = plan_import("policy: { base: main, require_signed: true }\ntasks: []\n", "q.yaml", "main");
  REQUIRE_FALSE(signed_);
  // every spelling the definitions loader reads as true is refused the same way
  for (const char* spelling : {"True", "TRUE"}) {
    auto signed_too = plan_import(std::string("policy: { base: main, require_signed: ") + spelling + " }\ntasks: []\n",
                                  "q.yaml", "main");
    INFO(spelling);
    REQUIRE_FALSE(signed_too);
    CHECK(signed_too.error().code == Code::DEF_INVALID);
    CHECK(signed_too.error().message.find("cannot sign") != std::string::npos);
  }
  auto short_sha = plan_import("tasks:\n  - { id: A, role: r, status: done, owner: x, commit: abc123 }\n", "q.yaml", "main");
  REQUIRE_FALSE(short_sha);  // only the repository can resolve it
  auto resolved = plan_import("tasks:\n  - { id: A, role: r, status: done, owner: x, commit: abc123 }\n", "q.yaml", "main",
                              [](const std::string&) -> Result<std::string> { return kSha; });
  REQUIRE(resolved);
  CHECK(resolved->events.back().commit == kSha);
  auto lanes = plan_import(R"(roles: { r: { kind: delivery, lanes: 1 } }
tasks:
  - { id: A, role: r, status: in_progress, owner: x }
  - { id: B, role: r, status: in_progress, owner: x }
)",
                           "q.yaml", "main");
  REQUIRE_FALSE(lanes);
  CHECK(lanes.error().code == Code::LANE_BUSY);
}

TEST_CASE("import: a task id too long for an event id is replaced by its SHA-256", "[import]") {
  const std::string id(95, 'T');
  auto plan = plan_import("tasks:\n  - { id: " + id + ", role: r, status: in_progress, owner: x }\n", "q.yaml", "main");
  REQUIRE(plan);
  REQUIRE(plan->events.size() == 1);
  CHECK(plan->events[0].id == "import-" + sha256_hex_prefix(id, 16) + "-1");
  CHECK(plan_import("tasks:\n  - { id: " + id + ", role: r, status: in_progress, owner: x }\n", "q.yaml", "main")
            ->events[0]
            .id == plan->events[0].id);
}
