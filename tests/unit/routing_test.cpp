// Review routing and risk (core/routing.h): which reviewer roles a change needs and whether it is
// high-risk, from the files it touches. (review_test.cpp drives the same rules through replay.)
#include <catch2/catch.hpp>

#include "core/routing.h"

using namespace agentq;

namespace {

Definitions routing_defs(const std::string& reviews_and_risk) {
  const std::string yaml = R"(version: 1
policy: { base: main }
roles:
  dev: { kind: delivery }
  arch: { kind: review }
  gov: { kind: review }
  sec: { kind: review }
)" + reviews_and_risk + R"(
tasks:
  - { id: N, role: dev }
  - { id: H, role: dev, risk: high }
)";
  auto d = load_definitions(yaml, "queue.yaml");
  if (!d) FAIL(d.error().str());
  return std::move(*d);
}

using Roles = std::vector<std::string>;

const char* kRoutes = R"(reviews:
  routes:
    - { paths: ["doc/api/**"], require: [arch] }
    - { paths: ["**/auth/**", "scripts/ci/**"], require: [sec, gov] }
    - { paths: ["doc/**"], require: [gov, arch] }
high_risk_paths: ["**/terminal/**", "deploy"]
)";

}  // namespace

TEST_CASE("routing: no routes, or no files, need no reviewer", "[routing]") {
  Definitions none = routing_defs("");
  CHECK(routed_roles(none, {"doc/api/v1.yaml", "web/auth/login.ts"}).empty());
  Definitions d = routing_defs(kRoutes);
  CHECK(routed_roles(d, {}).empty());
  CHECK(routed_roles(d, {"services/x.go", "README.md"}).empty());
}

TEST_CASE("routing: a route applies when any of its patterns matches any file", "[routing]") {
  Definitions d = routing_defs(kRoutes);
  CHECK(routed_roles(d, {"scripts/ci/run"}) == Roles{"sec", "gov"});
  CHECK(routed_roles(d, {"services/x.go", "web/auth/login.ts"}) == Roles{"sec", "gov"});
}

TEST_CASE("routing: roles in order of first appearance in the routes, each once", "[routing]") {
  Definitions d = routing_defs(kRoutes);
  // route 1 adds arch; route 3 adds gov (arch is already there)
  CHECK(routed_roles(d, {"doc/api/v1.yaml"}) == Roles{"arch", "gov"});
  // the files' order does not matter, the routes' does
  CHECK(routed_roles(d, {"doc/guide.md", "web/auth/x"}) == Roles{"sec", "gov", "arch"});
  CHECK(routed_roles(d, {"web/auth/x", "doc/guide.md"}) == Roles{"sec", "gov", "arch"});
  CHECK(routed_roles(d, {"doc/api/a", "doc/api/b", "doc/api/c"}) == Roles{"arch", "gov"});
}

TEST_CASE("routing: patterns mean what git's :(glob) pathspec means", "[routing]") {
  Definitions d = routing_defs(R"(reviews:
  routes:
    - { paths: ["doc/*.md"], require: [arch] }
    - { paths: ["services"], require: [gov] }
)");
  CHECK(routed_roles(d, {"doc/readme.md"}) == Roles{"arch"});
  CHECK(routed_roles(d, {"doc/sub/readme.md"}).empty());  // `*` never crosses `/`
  CHECK(routed_roles(d, {"other/doc/readme.md"}).empty());  // anchored at the root
  CHECK(routed_roles(d, {"services/x/y.go"}) == Roles{"gov"});  // a directory matches what is below it
  CHECK(routed_roles(d, {"services.go"}).empty());
}

TEST_CASE("risk: risk: high is high-risk whatever the files", "[routing]") {
  Definitions d = routing_defs("");
  CHECK(is_high_risk(d, *d.task("H"), {}));
  CHECK(is_high_risk(d, *d.task("H"), {"README.md"}));
  CHECK_FALSE(is_high_risk(d, *d.task("N"), {}));
  CHECK_FALSE(is_high_risk(d, *d.task("N"), {"cmd/terminal/main.go"}));  // no high_risk_paths declared
}

TEST_CASE("risk: a normal task touching a high_risk_paths file is high-risk", "[routing]") {
  Definitions d = routing_defs(kRoutes);
  const Task& n = *d.task("N");
  CHECK_FALSE(is_high_risk(d, n, {}));
  CHECK_FALSE(is_high_risk(d, n, {"cmd/x.go", "doc/api/v1.yaml"}));  // routed for review, but not risky
  CHECK(is_high_risk(d, n, {"cmd/x.go", "web/terminal/pty.ts"}));
  CHECK(is_high_risk(d, n, {"deploy/prod.yaml"}));  // below a directory pattern
  CHECK_FALSE(is_high_risk(d, n, {"deployment.md"}));
}
