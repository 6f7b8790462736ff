// The dependency DAG as Graphviz DOT and Mermaid (core/graph.h): one node per task in YAML order,
// one edge per dependency, coloured by status with todo split into ready and waiting.
// (stats_test.cpp has a first smoke test of both formats.)
#include <catch2/catch.hpp>

#include <cctype>
#include <set>

#include "core/graph.h"
#include "fake_repo.h"

using namespace agentq;
using testing::hex40;
using testing::push;

namespace {

bool graph_has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

size_t graph_count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// One task in every shade: done (D), in_review (R), blocked (B), in_progress (P), ready (Y),
// waiting for a dependency (W), waiting for a lane (L).
const char* kGraphYaml = R"(version: 1
policy: { base: main }
roles:
  dev: { kind: delivery, lanes: 3 }
  ops: { kind: delivery, lanes: 1 }
  coord: { kind: coordinator }
actors:
  dev-1: { roles: [dev, ops] }
  alice: { roles: [coord], human: true }
tasks:
  - { id: D, role: dev, title: Done task }
  - { id: R, role: dev, depends_on: [D] }
  - { id: B, role: dev }
  - { id: P, role: ops }
  - { id: Y, role: dev, depends_on: [D] }
  - { id: W, role: dev, depends_on: [R, D] }
  - { id: L, role: ops }
)";

struct GraphWorld {
  testing::FakeRepo repo{kGraphYaml};
  testing::EventFactory f;
  QueueState s;
  GraphWorld() {
    REQUIRE_FALSE(push(s, repo, f.init()));
    Event d = claim("D", "dev", 1);
    REQUIRE_FALSE(push(s, repo, f.handoff("dev-1", "D", "dev", d.id)));
    repo.merged.insert(hex40('c'));
    Event done = f.status("alice", "D", "coord", "done");
    done.commit = hex40('c');
    REQUIRE_FALSE(push(s, repo, done));
    Event r = claim("R", "dev", 1);
    REQUIRE_FALSE(push(s, repo, f.handoff("dev-1", "R", "dev", r.id)));
    Event b = claim("B", "dev", 2);
    REQUIRE_FALSE(push(s, repo, f.status("dev-1", "B", "dev", "blocked", b.id)));
    claim("P", "ops", 1);
  }
  Event claim(const std::string& task, const std::string& role, int lane) {
    Event e = f.claim("dev-1", task, role, lane);
    REQUIRE_FALSE(push(s, repo, e));
    return e;
  }
  const Definitions& d() const { return repo.defs(); }
};

Definitions graph_defs(const std::string& tasks) {
  auto d = load_definitions("version: 1\npolicy: { base: main }\nroles:\n  dev: { kind: delivery }\ntasks:\n" + tasks,
                            "queue.yaml");
  if (!d) FAIL(d.error().str());
  return std::move(*d);
}

}  // namespace

TEST_CASE("graph: DOT has one node per task in YAML order, shaded by status", "[graph]") {
  GraphWorld w;
  const std::string dot = graph_dot(w.d(), w.s);
  CHECK(dot.rfind("digraph agentq {\n", 0) == 0);
  CHECK(dot.size() >= 2);
  CHECK(dot.substr(dot.size() - 2) == "}\n");
  CHECK(graph_has(dot, "\"D\" [label=\"D\\nDone task\\n(done, dev)\", fillcolor=\"#b7e1a1\"];"));
  CHECK(graph_has(dot, "\"R\" [label=\"R\\n(in_review, dev)\", fillcolor=\"#ffc27a\"];"));
  CHECK(graph_has(dot, "\"B\" [label=\"B\\n(blocked, dev)\", fillcolor=\"#f4a3a3\"];"));
  CHECK(graph_has(dot, "\"P\" [label=\"P\\n(in_progress, ops)\", fillcolor=\"#ffe08a\"];"));
  CHECK(graph_has(dot, "\"Y\" [label=\"Y\\n(ready, dev)\", fillcolor=\"#a9d3f5\"];"));
  CHECK(graph_has(dot, "\"W\" [label=\"W\\n(todo, dev)\", fillcolor=\"#e6e6e6\"];"));
  CHECK(graph_has(dot, "\"L\" [label=\"L\\n(todo, ops)\", fillcolor=\"#e6e6e6\"];"));  // ops's only lane is busy
  size_t last = 0;
  for (const char* id : {"D", "R", "B", "P", "Y", "W", "L"}) {
    const size_t at = dot.find("  \"" + std::string(id) + "\" [label=");
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
}

TEST_CASE("graph: DOT has one edge per dependency, from the dependency to the dependant", "[graph]") {
  GraphWorld w;
  const std::string dot = graph_dot(w.d(), w.s);
  CHECK(graph_count(dot, " -> ") == 4);
  CHECK(graph_has(dot, "  \"D\" -> \"R\";\n  \"D\" -> \"Y\";\n  \"R\" -> \"W\";\n  \"D\" -> \"W\";\n}\n"));
}

TEST_CASE("graph: Mermaid has the same nodes, edges and a class for every shade", "[graph]") {
  GraphWorld w;
  const std::string mm = graph_mermaid(w.d(), w.s);
  CHECK(mm.rfind("flowchart LR\n", 0) == 0);
  CHECK(graph_has(mm, "  t_D[\"D: Done task<br/>done\"]:::done\n"));
  CHECK(graph_has(mm, "  t_R[\"R<br/>in_review\"]:::in_review\n"));
  CHECK(graph_has(mm, "  t_B[\"B<br/>blocked\"]:::blocked\n"));
  CHECK(graph_has(mm, "  t_P[\"P<br/>in_progress\"]:::in_progress\n"));
  CHECK(graph_has(mm, "  t_Y[\"Y<br/>ready\"]:::ready\n"));
  CHECK(graph_has(mm, "  t_W[\"W<br/>todo\"]:::todo\n"));
  CHECK(graph_has(mm, "  t_L[\"L<br/>todo\"]:::todo\n"));
  CHECK(graph_has(mm, "  t_D --> t_R\n  t_D --> t_Y\n  t_R --> t_W\n  t_D --> t_W\n"));
  CHECK(graph_count(mm, " --> ") == 4);
  for (const char* sh : {"todo", "ready", "in_progress", "blocked", "in_review", "done"})
    CHECK(graph_count(mm, std::string("  classDef ") + sh + " fill:#") == 1);
  CHECK(graph_has(mm, "classDef done fill:#b7e1a1,stroke:#555\n"));
}

TEST_CASE("graph: a task becomes ready when its dependencies are done and a lane is free", "[graph]") {
  testing::FakeRepo repo{kGraphYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  CHECK(graph_has(graph_dot(repo.defs(), s), "\"R\" [label=\"R\\n(todo, dev)\""));
  CHECK(graph_has(graph_dot(repo.defs(), s), "\"L\" [label=\"L\\n(ready, ops)\""));
  REQUIRE_FALSE(push(s, repo, f.claim("dev-1", "P", "ops", 1)));
  CHECK(graph_has(graph_dot(repo.defs(), s), "\"L\" [label=\"L\\n(todo, ops)\""));
}

TEST_CASE("graph: without tasks both formats are just their frame", "[graph]") {
  auto d = load_definitions("version: 1\npolicy: { base: main }\nroles:\n  dev: { kind: delivery }\n", "queue.yaml");
  REQUIRE(d);
  QueueState s;
  const std::string dot = graph_dot(*d, s);
  CHECK(dot.rfind("digraph agentq {\n", 0) == 0);
  CHECK_FALSE(graph_has(dot, "[label="));
  CHECK_FALSE(graph_has(dot, "->"));
  const std::string mm = graph_mermaid(*d, s);
  CHECK_FALSE(graph_has(mm, "t_"));
  CHECK(graph_count(mm, "classDef ") == 6);
}

TEST_CASE("graph: titles are escaped for DOT and for Mermaid", "[graph]") {
  Definitions d = graph_defs(R"(  - { id: Q, role: dev, title: "say \"hi\" \\ then\nleave" }
)");
  QueueState s;
  const std::string dot = graph_dot(d, s);
  CHECK(graph_has(dot, "[label=\"Q\\nsay \\\"hi\\\" \\\\ then leave\\n(ready, dev)\""));
  const std::string mm = graph_mermaid(d, s);
  CHECK(graph_has(mm, "t_Q[\"Q: say #quot;hi#quot; \\ then leave<br/>ready\"]:::ready"));
}

TEST_CASE("graph: Mermaid ids keep distinct task ids distinct", "[graph]") {
  // Task names may use '-', '_' and '.', which a Mermaid id cannot: they must not fold together.
  Definitions d = graph_defs(R"(  - { id: A-1, role: dev }
  - { id: A-1-2, role: dev }
  - { id: A_1, role: dev }
  - { id: A.1, role: dev, depends_on: [A-1] }
  - { id: 9x, role: dev, depends_on: [A_1] }
)");
  QueueState s;
  const std::string mm = graph_mermaid(d, s);
  std::vector<std::string> ids;
  for (size_t at = mm.find("\n  t_"); at != std::string::npos; at = mm.find("\n  t_", at + 1)) {
    const size_t start = at + 3;
    const size_t end = mm.find_first_of("[ ", start);
    if (mm[end] == '[') ids.push_back(mm.substr(start, end - start));
  }
  REQUIRE(ids.size() == 5);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 5);
  for (const std::string& id : ids)
    for (char c : id) CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '_'));
  // each edge joins the nodes of its own tasks
  CHECK(graph_has(mm, "  " + ids[0] + " --> " + ids[3] + "\n"));
  CHECK(graph_has(mm, "  " + ids[2] + " --> " + ids[4] + "\n"));
  CHECK(graph_count(mm, " --> ") == 2);
  CHECK(graph_has(mm, "  " + ids[0] + "[\"A-1<br/>"));
  CHECK(graph_has(mm, "  " + ids[1] + "[\"A-1-2<br/>"));
  CHECK(graph_has(mm, "  " + ids[2] + "[\"A_1<br/>"));
  CHECK(graph_has(mm, "  " + ids[3] + "[\"A.1<br/>"));
  CHECK(ids[0] == "t_A_1");  // the common spelling stays as it was
}

TEST_CASE("graph: a blocked task's blocked_by is a dashed edge in both formats, apart from the dependencies", "[graph]") {
  testing::FakeRepo repo{kGraphYaml};
  testing::EventFactory f;
  QueueState s;
  REQUIRE_FALSE(push(s, repo, f.init()));
  Event b = f.claim("dev-1", "B", "dev", 1);
  REQUIRE_FALSE(push(s, repo, b));
  Event blocked = f.status("dev-1", "B", "dev", "blocked", b.id);
  blocked.blocked_by = "L";
  REQUIRE_FALSE(push(s, repo, blocked));
  const std::string dot = graph_dot(repo.defs(), s);
  CHECK(graph_has(dot, "  \"L\" -> \"B\" [style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\", label=\"blocks\"];\n"));
  CHECK(graph_count(dot, " -> ") == 5);  // the four dependencies and the blocker
  const std::string mm = graph_mermaid(repo.defs(), s);
  CHECK(graph_has(mm, "  t_L -. blocks .-> t_B\n"));
  // Unblocked, the edge is gone: it is state, not definition.
  Event unblocked = f.status("dev-1", "B", "dev", "in_progress", b.id);
  REQUIRE_FALSE(push(s, repo, unblocked));
  CHECK_FALSE(graph_has(graph_dot(repo.defs(), s), "dashed"));
  CHECK_FALSE(graph_has(graph_mermaid(repo.defs(), s), "-. blocks .->"));
}
