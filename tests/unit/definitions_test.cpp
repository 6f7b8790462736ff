#include <catch2/catch.hpp>

#include "core/definitions.h"
#include "fake_repo.h"

using namespace agentq;

namespace {

Error load_error(const std::string& yaml) {
  auto d = load_definitions(yaml, "q.yaml");
  REQUIRE_FALSE(d.has_value());
  return d.error();
}

const char* kHead = "version: 1\npolicy:\n  base: main\nroles:\n  r: { kind: delivery }\n";

}  // namespace

TEST_CASE("definitions: the design's example loads with defaults filled in", "[definitions]") {
  auto d = load_definitions(testing::kQueueYaml, "q.yaml");
  REQUIRE(d);
  CHECK(d->policy.base == "main");
  CHECK(d->policy.stale_after == 3600 * 1000);
  CHECK(d->policy.remote.empty());
  CHECK_FALSE(d->policy.require_signed);
  CHECK(d->roles.size() == 4);
  CHECK(d->role("ui")->lanes == 2);
  CHECK(d->role("backend")->lanes == 1);
  CHECK(d->actor("alice")->human);
  CHECK(d->reviews.same_model == SameModel::exception_note);
  CHECK_FALSE(d->reviews.self_approval);
  REQUIRE(d->tasks.size() == 6);
  CHECK(d->tasks[0].id == "A-1");
  CHECK(d->tasks[0].kind == TaskKind::feature);
  CHECK(d->tasks[0].risk == Risk::normal);
  CHECK(d->task("B-PIN")->lane == 2);
  CHECK(d->task_pos("B-1") == 2);
  CHECK(d->task("nope") == nullptr);
}

TEST_CASE("definitions: unknown key is DEF_UNKNOWN_KEY with 1-based line:col", "[definitions]") {
  Error e = load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    colour: red\n");
  CHECK(e.code == Code::DEF_UNKNOWN_KEY);
  CHECK(e.where.file == "q.yaml");
  CHECK(e.where.line == 9);
  CHECK(e.where.col == 5);
  CHECK(e.message.find("colour") != std::string::npos);
  CHECK(e.str().rfind("q.yaml:9:5: ", 0) == 0);
}

TEST_CASE("definitions: unknown top-level and policy keys", "[definitions]") {
  CHECK(load_error(std::string(kHead) + "extra: 1\n").code == Code::DEF_UNKNOWN_KEY);
  CHECK(load_error("version: 1\npolicy:\n  base: main\n  bsae: x\n").code == Code::DEF_UNKNOWN_KEY);
}

TEST_CASE("definitions: wrong types are DEF_WRONG_TYPE", "[definitions]") {
  CHECK(load_error(std::string(kHead) + "tasks: {a: 1}\n").code == Code::DEF_WRONG_TYPE);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    depends_on: X\n").code ==
        Code::DEF_WRONG_TYPE);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    lane: two\n").code ==
        Code::DEF_WRONG_TYPE);
  CHECK(load_error("version: 1\npolicy:\n  base: main\n  require_signed: maybe\n").code == Code::DEF_WRONG_TYPE);
  CHECK(load_error("version: 1\npolicy: [a]\n").code == Code::DEF_WRONG_TYPE);
  Error e = load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    title: [a, b]\n");
  CHECK(e.code == Code::DEF_WRONG_TYPE);
  CHECK(e.where.line == 9);
}

TEST_CASE("definitions: duplicates are DEF_DUPLICATE (yaml-cpp keeps them silently)", "[definitions]") {
  Error key = load_error("version: 1\npolicy:\n  base: main\n  base: dev\n");
  CHECK(key.code == Code::DEF_DUPLICATE);
  CHECK(key.where.line == 4);
  Error id = load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n  - id: T\n    role: r\n");
  CHECK(id.code == Code::DEF_DUPLICATE);
  CHECK(id.where.line == 9);
  CHECK(load_error("version: 1\npolicy:\n  base: main\nroles:\n  r: { kind: delivery }\n  r: { kind: review }\n").code ==
        Code::DEF_DUPLICATE);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    depends_on: [] \n    acceptance_checks: [a, a]\n")
            .code == Code::DEF_DUPLICATE);
}

TEST_CASE("definitions: unknown role, actor role and dependency", "[definitions]") {
  CHECK(load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: nope\n").code == Code::UNKNOWN_ROLE);
  CHECK(load_error(std::string(kHead) + "actors:\n  a: { roles: [ghost] }\n").code == Code::UNKNOWN_ROLE);
  Error dep = load_error(std::string(kHead) + "tasks:\n  - id: T\n    role: r\n    depends_on: [GHOST]\n");
  CHECK(dep.code == Code::UNKNOWN_TASK);
  CHECK(dep.message.find("GHOST") != std::string::npos);
  CHECK(load_error(std::string(kHead) + "reviews:\n  routes:\n    - { paths: [a], require: [ghost] }\n").code ==
        Code::UNKNOWN_ROLE);
  CHECK(load_error(std::string(kHead) + "reviews:\n  routes:\n    - { paths: [a], require: [r] }\n").code ==
        Code::DEF_INVALID);
}

TEST_CASE("definitions: a dependency cycle is DEP_CYCLE and the message prints it", "[definitions]") {
  Error e = load_error(std::string(kHead) +
                       "tasks:\n  - {id: A, role: r, depends_on: [B]}\n  - {id: B, role: r, depends_on: [C]}\n"
                       "  - {id: C, role: r, depends_on: [A]}\n  - {id: D, role: r}\n");
  CHECK(e.code == Code::DEP_CYCLE);
  CHECK(e.message.find("A -> B -> C -> A") != std::string::npos);
  CHECK(e.where.line > 0);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {id: A, role: r, depends_on: [A]}\n").code == Code::DEP_CYCLE);
}

TEST_CASE("definitions: lanes below 1 and lane pins beyond the role are DEF_INVALID", "[definitions]") {
  CHECK(load_error("version: 1\npolicy:\n  base: main\nroles:\n  r: { kind: delivery, lanes: 0 }\n").code ==
        Code::DEF_INVALID);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {id: A, role: r, lane: 2}\n").code == Code::DEF_INVALID);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {id: A, role: r, lane: 0}\n").code == Code::DEF_INVALID);
}

TEST_CASE("definitions: an empty acceptance_checks entry is DEF_INVALID", "[definitions]") {
  Error e = load_error(std::string(kHead) + "tasks:\n  - id: A\n    role: r\n    acceptance_checks:\n      - make test\n      - \"  \"\n");
  CHECK(e.code == Code::DEF_INVALID);
  CHECK(e.where.line == 11);
}

TEST_CASE("definitions: syntax errors, empty files and bad values", "[definitions]") {
  Error syntax = load_error("version: 1\npolicy: {base: main\n");
  CHECK(syntax.code == Code::DEF_INVALID);
  CHECK(syntax.where.line > 0);
  CHECK(load_error("").code == Code::DEF_INVALID);
  CHECK(load_error("version: 2\npolicy: {base: main}\n").code == Code::DEF_INVALID);
  CHECK(load_error("version: 1\n").code == Code::DEF_INVALID);
  CHECK(load_error("version: 1\npolicy: {release: r}\n").code == Code::DEF_INVALID);
  CHECK(load_error("version: 1\npolicy: {base: main, stale_after: soon}\n").code == Code::DEF_INVALID);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {id: 'a b', role: r}\n").code == Code::DEF_INVALID);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {role: r}\n").code == Code::DEF_INVALID);
  CHECK(load_error(std::string(kHead) + "tasks:\n  - {id: A, role: r, kind: epic}\n").code == Code::DEF_INVALID);
  CHECK(load_error("version: 1\npolicy: {base: main}\nroles:\n  r: {lanes: 1}\n").code == Code::DEF_INVALID);
}

TEST_CASE("definitions: valid_name guards file and ref names", "[definitions]") {
  CHECK(valid_name("A-P7-001"));
  CHECK(valid_name("agent_a.2"));
  CHECK_FALSE(valid_name(""));
  CHECK_FALSE(valid_name("-x"));
  CHECK_FALSE(valid_name(".x"));
  CHECK_FALSE(valid_name("a..b"));
  CHECK_FALSE(valid_name("a/b"));
  CHECK_FALSE(valid_name("a b"));
}

TEST_CASE("definitions: every YAML spelling of a key means the same key", "[definitions]") {
  // What the loader reads is what the signature check obeys: spellings that hide the literal
  // text of a key still set it.
  const std::string head = "version: 1\nroles: { r: { kind: delivery } }\n";
  for (const std::string& yaml : {head + "policy:\n  base: main\n  \"require\\x5fsigned\": true\n",
                                  head + "policy:\n  base: main\n  \"require\\u005fsigned\": TRUE\n",
                                  head + "tasks:\n  - { id: A-1, role: r, title: &k \"require\\x5fsigned\" }\n"
                                         "policy:\n  base: main\n  *k : True\n"}) {
    INFO(yaml);
    auto d = load_definitions(yaml, "q.yaml");
    REQUIRE(d);
    CHECK(d->policy.require_signed);
  }
  // yaml-cpp 0.7 has no merge keys: `<<` is a key like any other, and unknown. Whatever a later
  // yaml-cpp makes of it, it never loads with signing silently off.
  auto merged = load_definitions(head + "tasks:\n  - { id: A-1, role: r, title: x }\n"
                                        "policy:\n  base: main\n  <<: { require_signed: true }\n",
                                 "q.yaml");
  if (merged) CHECK(merged->policy.require_signed);
  else CHECK(merged.error().code == Code::DEF_UNKNOWN_KEY);
}
