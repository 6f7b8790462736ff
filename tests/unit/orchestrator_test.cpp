// core/orchestrator: the stage runner's state machine, gates, retry policy and JSON models,
// driven through a scripted environment (no processes, no clock).
#include <cstdio>
#include <deque>

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "core/orchestrator.h"

using namespace agentq;
using namespace agentq::orch;

namespace {

struct ScriptedEnv : Environment {
  std::map<std::string, std::deque<AttemptOutcome>> script;  // per stage, one outcome per attempt
  std::vector<std::string> ran;
  std::vector<int64_t> slept;
  int saves = 0;
  bool fail_save = false;
  GateInputs inputs;
  std::optional<Error> gate_error;

  AttemptOutcome run_stage(const StageSpec& s, int attempt, const RunOptions&) override {
    ran.push_back(s.name + "#" + std::to_string(attempt));
    auto& q = script[s.name];
    if (q.empty()) return ok();
    AttemptOutcome o = q.front();
    q.pop_front();
    return o;
  }
  void sleep_ms(int64_t ms) override { slept.push_back(ms); }
  Status save_checkpoint(const Checkpoint&) override {
    ++saves;
    if (fail_save) return fail(Error::io("disk full"));
    return {};
  }
  Result<GateInputs> gates(const RunOptions&) override {
    if (gate_error) return fail(*gate_error);
    return inputs;
  }
  std::string now() override { return "2026-12-01T00:00:00Z"; }

  static AttemptOutcome ok() {
    AttemptOutcome o;
    o.started = true;
    o.exit_code = 0;
    return o;
  }
  static AttemptOutcome exit(int code) {
    AttemptOutcome o = ok();
    o.exit_code = code;
    return o;
  }
};

GateInputs passing() {
  GateInputs in;
  in.source = "flags";
  in.policy.status = "allow";
  in.ci.status = "success";
  in.review.status = "approved";
  return in;
}

RunOptions two_stages() {
  RunOptions o;
  o.candidate = "default";
  o.manager.bin = "/bin/sh";
  o.executor.bin = "/bin/sh";
  o.retry.backoff_ms = 100;
  o.retry.backoff_cap_ms = 250;
  return o;
}

Checkpoint fresh(const RunOptions& o) {
  Checkpoint c;
  c.options = o;
  c.run_id = run_id_for(o);
  c.invocation = 1;
  return c;
}

}  // namespace

TEST_CASE("orchestrator: both stages and every gate pass: done", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs = passing();
  Checkpoint c = fresh(two_stages());
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "done");
  CHECK(env.ran == std::vector<std::string>{"manager#1", "executor#1"});
  REQUIRE(r.gates.size() == 3);
  CHECK(r.gates[0].gate == "policy");
  CHECK(r.gates[1].gate == "ci");
  CHECK(r.gates[2].gate == "review");
  CHECK(r.blocked_reason_codes.empty());
  CHECK(env.saves >= 2);  // after every stage, and at the end
  CHECK(exit_code_for_state(r.terminal_state) == 0);
  CHECK(c.terminal_state == "done");
}

TEST_CASE("orchestrator: gates fail closed in the order policy, ci, review", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs.policy.status = "deny";
  env.inputs.ci.status = "";  // missing
  env.inputs.review.status = "approved";
  Checkpoint c = fresh(two_stages());
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "blocked");
  CHECK(r.blocked_reason_codes == std::vector<std::string>{"GATE_POLICY_DENIED_OR_UNKNOWN", "GATE_CI_NOT_SUCCESS"});
  CHECK(r.gates[1].status == "missing");
  CHECK_FALSE(r.gates[1].passed);
  CHECK(r.gates[2].passed);
  CHECK(exit_code_for_state("blocked") == 1);

  SECTION("inputs that cannot be read block every gate") {
    ScriptedEnv broken;
    broken.gate_error = Error(Code::NO_QUEUE, "no queue");
    Checkpoint c2 = fresh(two_stages());
    Report r2 = run_invocation(c2, broken, false);
    CHECK(r2.terminal_state == "blocked");
    CHECK(r2.blocked_reason_codes.size() == 3);
  }
  SECTION("pass states are exact: 'allowed' is not 'allow'") {
    GateInputs in = passing();
    in.policy.status = "allowed";
    auto g = evaluate_gates(in);
    CHECK_FALSE(g[0].passed);
    CHECK(g[0].code == Code::GATE_POLICY_DENIED_OR_UNKNOWN);
  }
}

TEST_CASE("orchestrator: a deterministic failure never retries and ends failed", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs = passing();
  env.script["manager"] = {ScriptedEnv::exit(1)};
  Checkpoint c = fresh(two_stages());
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "failed");
  CHECK(env.ran == std::vector<std::string>{"manager#1"});
  CHECK(env.slept.empty());
  CHECK(r.gates.empty());
  REQUIRE(r.stages.size() == 1);
  CHECK(r.stages[0].error_code == "STAGE_EXIT_NONZERO");
  CHECK(c.stage("manager")->status == "failed");
  CHECK(c.stage("manager")->failures == 1);
}

TEST_CASE("orchestrator: transient failures retry with capped exponential backoff", "[orchestrator]") {
  RunOptions o = two_stages();
  o.retry.transient_exit_codes = {75};
  o.retry.max_attempts = 4;
  o.retry.pause_after = 10;
  ScriptedEnv env;
  env.inputs = passing();
  AttemptOutcome eagain;
  eagain.started = false;
  eagain.spawn_errno = 11;
  env.script["manager"] = {ScriptedEnv::exit(75), eagain, ScriptedEnv::exit(75)};
  Checkpoint c = fresh(o);
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "done");
  CHECK(env.ran == std::vector<std::string>{"manager#1", "manager#2", "manager#3", "manager#4", "executor#1"});
  CHECK(env.slept == std::vector<int64_t>{100, 200, 250});
  CHECK(r.stages[0].attempts.size() == 4);
  CHECK(r.stages[0].attempts[1].failure_class == "transient");
  CHECK(c.stage("manager")->failures == 0);  // reset once it completed

  SECTION("the cap on attempts ends the run failed") {
    RunOptions o2 = o;
    o2.retry.max_attempts = 2;
    ScriptedEnv env2;
    env2.script["manager"] = {ScriptedEnv::exit(75), ScriptedEnv::exit(75), ScriptedEnv::exit(75)};
    Checkpoint c2 = fresh(o2);
    Report r2 = run_invocation(c2, env2, false);
    CHECK(r2.terminal_state == "failed");
    CHECK(env2.ran.size() == 2);
  }
}

TEST_CASE("orchestrator: backoff doubles up to the cap", "[orchestrator]") {
  RetryPolicy p;
  p.backoff_ms = 50;
  p.backoff_cap_ms = 300;
  CHECK(backoff_before(1, p) == 0);
  CHECK(backoff_before(2, p) == 50);
  CHECK(backoff_before(3, p) == 100);
  CHECK(backoff_before(4, p) == 200);
  CHECK(backoff_before(5, p) == 300);
  CHECK(backoff_before(40, p) == 300);
}

TEST_CASE("orchestrator: classification fails closed", "[orchestrator]") {
  RetryPolicy p;
  p.transient_exit_codes = {75};
  AttemptOutcome a = ScriptedEnv::ok();
  CHECK(classify(a, p).cls == FailureClass::none);
  a.artifacts = {{"out/plan.json", std::nullopt}};
  CHECK(classify(a, p).code == Code::ARTIFACT_MISSING);
  a.artifacts = {{"out/plan.json", std::string("{\"a\": ")}};
  CHECK(classify(a, p).code == Code::ARTIFACT_INVALID);
  CHECK(classify(a, p).cls == FailureClass::deterministic);
  a.artifacts = {{"out/plan.txt", std::string("{\"a\": ")}, {"out/ok.json", std::string("[1]")}};
  CHECK(classify(a, p).cls == FailureClass::none);  // only *.json must parse
  AttemptOutcome t = ScriptedEnv::ok();
  t.timed_out = true;
  CHECK(classify(t, p).cls == FailureClass::timeout);
  AttemptOutcome sig = ScriptedEnv::ok();
  sig.exit_code = -1;
  sig.signal = 9;
  CHECK(classify(sig, p).cls == FailureClass::deterministic);
  AttemptOutcome noexec;
  noexec.started = false;
  noexec.spawn_errno = 2;  // ENOENT
  CHECK(classify(noexec, p).cls == FailureClass::deterministic);
  CHECK(classify(noexec, p).code == Code::STAGE_SPAWN_FAILED);
  CHECK(classify(ScriptedEnv::exit(75), p).cls == FailureClass::transient);
  CHECK(classify(ScriptedEnv::exit(76), p).cls == FailureClass::deterministic);
}

TEST_CASE("orchestrator: a timeout ends the run as timeout, without retry", "[orchestrator]") {
  ScriptedEnv env;
  AttemptOutcome t = ScriptedEnv::ok();
  t.timed_out = true;
  t.exit_code = -1;
  env.script["executor"] = {t};
  Checkpoint c = fresh(two_stages());
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "timeout");
  CHECK(env.ran == std::vector<std::string>{"manager#1", "executor#1"});
  CHECK(r.stages[1].error_code == "STAGE_TIMEOUT");
}

TEST_CASE("orchestrator: resume skips completed stages and records them as skipped", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs = passing();
  env.script["executor"] = {ScriptedEnv::exit(2)};
  Checkpoint c = fresh(two_stages());
  CHECK(run_invocation(c, env, false).terminal_state == "failed");
  // through JSON, as the next process would read it
  auto back = checkpoint_from_json(checkpoint_json(c).dump(), "cp.json");
  REQUIRE(back);
  Checkpoint c2 = *back;
  CHECK(c2.options == c.options);
  c2.invocation++;
  env.ran.clear();
  Report r = run_invocation(c2, env, true);
  CHECK(r.terminal_state == "done");
  CHECK(env.ran == std::vector<std::string>{"executor#1"});
  REQUIRE(r.stages.size() == 2);
  CHECK(r.stages[0].skipped);
  CHECK(r.stages[0].status == "skipped");
  CHECK(r.stages[0].idempotency_key == "default/manager/" + c.run_id);
  CHECK_FALSE(r.stages[1].skipped);
  CHECK(r.resumed);
}

TEST_CASE("orchestrator: repeated failures of one stage pause the candidate", "[orchestrator]") {
  RunOptions o = two_stages();
  o.retry.pause_after = 2;
  ScriptedEnv env;
  env.script["manager"] = {ScriptedEnv::exit(1), ScriptedEnv::exit(1), ScriptedEnv::exit(1)};
  Checkpoint c = fresh(o);
  CHECK(run_invocation(c, env, false).terminal_state == "failed");
  CHECK_FALSE(c.paused);
  c.invocation++;
  Report r = run_invocation(c, env, true);
  CHECK(r.terminal_state == "failed");
  CHECK(c.paused);
  CHECK(r.paused);
  CHECK(r.paused_reason.find("stage manager failed 2 time(s)") != std::string::npos);
  // paused: nothing runs until a human lifts it
  env.ran.clear();
  c.invocation++;
  Report p = run_invocation(c, env, true);
  CHECK(env.ran.empty());
  CHECK(p.error_code == "RUN_PAUSED");
}

TEST_CASE("orchestrator: a checkpoint that cannot be saved fails the run", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs = passing();
  env.fail_save = true;
  Checkpoint c = fresh(two_stages());
  Report r = run_invocation(c, env, false);
  CHECK(r.terminal_state == "failed");
  CHECK(env.ran == std::vector<std::string>{"manager#1"});
  CHECK(r.error.find("checkpoint persistence failure") != std::string::npos);
}

TEST_CASE("orchestrator: run ids, options and resume matching", "[orchestrator]") {
  RunOptions a = two_stages();
  RunOptions b = a;
  b.policy_status = "allow";  // gate inputs are not part of the identity
  CHECK(run_id_for(a) == run_id_for(b));
  b.manager.args = {"-c", "exit 0"};
  CHECK(run_id_for(a) != run_id_for(b));
  auto round = options_from_json(options_json(b));
  REQUIRE(round);
  CHECK(*round == b);

  CHECK(check_resume_options(a, RunOptions{}, {}));  // nothing given again: restored as is
  CHECK(check_resume_options(a, a, {"manager", "executor", "timeout", "retry"}));
  auto differs = check_resume_options(a, b, {"manager"});
  REQUIRE_FALSE(differs);
  CHECK(differs.error().code == Code::RUN_OPTIONS_MISMATCH);

  RunOptions bad = a;
  bad.manager.env = {"NOEQUALS"};
  CHECK_FALSE(check_options(bad));
  RunOptions orphan;
  orphan.executor.args = {"x"};
  CHECK_FALSE(check_options(orphan));
}

TEST_CASE("orchestrator: checkpoints are read strictly", "[orchestrator]") {
  CHECK(checkpoint_from_json("{", "cp").error().code == Code::CHECKPOINT_INVALID);
  CHECK(checkpoint_from_json("{\"schema\": \"other/1\"}", "cp").error().code == Code::CHECKPOINT_INVALID);
  Checkpoint c = fresh(two_stages());
  json j = checkpoint_json(c);
  j["run_id"] = "run-0000000000000000";
  CHECK_FALSE(checkpoint_from_json(j.dump(), "cp"));  // edited by hand
}

TEST_CASE("orchestrator: the report carries what 003 asks for", "[orchestrator]") {
  ScriptedEnv env;
  env.inputs = passing();
  Checkpoint c = fresh(two_stages());
  json j = report_json(run_invocation(c, env, false));
  for (const char* key : {"terminal_state", "gate_decisions", "blocked_reason_codes", "stage_executions", "run_id"})
    CHECK(j.contains(key));
  CHECK(j["gate_decisions"][0].contains("passed"));
  CHECK(j["stage_executions"][0].contains("error"));
  CHECK(j["stage_executions"][0].contains("skipped"));
}

TEST_CASE("orchestrator: gates from the queue", "[orchestrator]") {
  auto defs = load_definitions(R"(version: 1
policy: { base: main }
roles:
  dev: { kind: delivery }
  arch: { kind: review }
actors:
  d: { roles: [dev] }
  r: { roles: [arch] }
reviews:
  routes:
    - { paths: ["api/**"], require: [arch] }
tasks:
  - { id: T, role: dev, acceptance_checks: ["make test"] }
)",
                               "q.yaml");
  REQUIRE(defs);
  const Task& t = *defs->task("T");
  QueueState s;
  s.initialised = true;
  GateInputs none = gates_from_queue(s, *defs, t, RepoFacts{});
  CHECK(none.policy.status == "allow");
  CHECK(none.ci.status == "missing");
  CHECK(none.review.status == "missing");

  TaskState& ts = s.task_mut("T");
  ts.status = TaskStatus::in_review;
  HandoffRecord h;
  h.commit = std::string(40, 'a');
  h.files = {"api/x.yaml"};
  ts.handoff = h;
  EvidenceRecord e;
  e.command = "make test";
  e.kind = "acceptance";
  e.result = "pass";
  e.commit = h.commit;
  ts.evidence.push_back(e);
  GateInputs ci = gates_from_queue(s, *defs, t, RepoFacts{});
  CHECK(ci.ci.status == "success");
  CHECK(ci.review.status == "missing");
  CHECK(ci.review.codes == std::vector<Code>{Code::REVIEW_MISSING});

  ReviewRecord rv;
  rv.role = "arch";
  rv.actor = "r";
  rv.commit = h.commit;
  rv.decision = "approved";
  ts.reviews.push_back(rv);
  RepoFacts facts;
  facts.based_on_base = false;
  facts.base_name = "main";
  GateInputs all = gates_from_queue(s, *defs, t, facts);
  CHECK(all.review.status == "approved");
  CHECK(all.ci.status == "success");
  CHECK(all.policy.status == "deny");  // not based on base
  CHECK(all.policy.codes == std::vector<Code>{Code::NOT_BASED_ON_BASE});
}

TEST_CASE("orchestrator: run ids are SHA-256 derived, and checkpoints of git-agentq 0.1 still resume", "[orchestrator]") {
  const RunOptions o = two_stages();
  json work = options_json(o);
  for (const char* gate : {"policy_status", "ci_status", "review_status"}) work.erase(gate);
  const std::string text = work.dump();
  CHECK(run_id_for(o) == "run-" + sha256_hex_prefix(text, 16));
  // the id 0.1 wrote (64-bit FNV-1a of the same options) is kept as it is on resume
  char legacy[21];
  std::snprintf(legacy, sizeof legacy, "run-%016llx", static_cast<unsigned long long>(legacy_fnv1a64(text)));
  Checkpoint c = fresh(o);
  json j = checkpoint_json(c);
  j["run_id"] = legacy;
  auto old = checkpoint_from_json(j.dump(), "cp");
  REQUIRE(old);
  CHECK(old->run_id == legacy);
  CHECK(checkpoint_from_json(checkpoint_json(*old).dump(), "cp"));  // and saved again, it still reads
}
