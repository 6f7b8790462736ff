// The stage runner on real processes: small shell scripts as manager and executor.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "harness.h"

using namespace agentq::it;
using nlohmann::json;

namespace {

const std::vector<std::string> kPass = {"--policy-status", "allow", "--ci-status", "success", "--review-status", "approved"};

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A stage that runs `script` with /bin/sh.
std::vector<std::string> stage(const std::string& name, const std::string& script) {
  return {"--" + name + "-bin", "/bin/sh", "--" + name + "-arg", "-c", "--" + name + "-arg", script};
}

struct Runner {
  Sandbox sb;
  std::string dir;
  Runner() : dir(sb.path("work")) { sb.sh(sb.root(), "mkdir -p work"); }
  Run run(const std::vector<std::string>& args) { return sb.aq(dir, cat({"run", "out"}, args)); }
  json report() { return json::parse(sb.read("work/out/orchestrator_run_report.json")); }
  json checkpoint() { return json::parse(sb.read("work/out/orchestrator_checkpoint.json")); }
};

std::vector<std::string> codes(const json& report) {
  std::vector<std::string> out;
  for (const auto& c : report["blocked_reason_codes"]) out.push_back(c);
  return out;
}

}  // namespace

TEST_CASE("run: both stages succeed and every gate passes: done", "[run]") {
  Runner r;
  // --manager-arg a,b stays one argument (CXXOPTS_VECTOR_DELIMITER is '\0')
  Run done = r.run(cat(cat(cat(kPass, {"--manager-bin", "/bin/sh", "--manager-arg", "-c", "--manager-arg",
                                       "printf '%s|' \"$0\" \"$MODE\" > args.txt; echo '{\"plan\": 1}' > plan.json",
                                       "--manager-arg", "a,b", "--manager-env", "MODE=x=y",
                                       "--manager-expected-artifact", "plan.json"}),
                           stage("executor", "exit 0")),
                       {}));
  INFO(done.all());
  REQUIRE(done.code == 0);
  CHECK(r.sb.read("work/args.txt") == "a,b|x=y|");
  json rep = r.report();
  CHECK(rep["terminal_state"] == "done");
  CHECK(rep["closure_ready"] == true);
  CHECK(rep["blocked_reason_codes"].empty());
  REQUIRE(rep["gate_decisions"].size() == 3);
  for (const auto& g : rep["gate_decisions"]) CHECK(g["passed"] == true);
  REQUIRE(rep["stage_executions"].size() == 2);
  CHECK(rep["stage_executions"][0]["stage"] == "manager");
  CHECK(rep["stage_executions"][0]["skipped"] == false);
  CHECK(rep["stage_executions"][0]["error"].is_null());
  CHECK(rep["run_id"].get<std::string>().rfind("run-", 0) == 0);
  json cp = r.checkpoint();
  CHECK(cp["run_id"] == rep["run_id"]);
  CHECK(cp["terminal_state"] == "done");
  CHECK(cp["stages"][1]["status"] == "completed");
  // the same options in another directory give the same run id (deterministic)
  Run again = r.sb.aq(r.dir, cat(cat(cat({"run", "out2"}, kPass),
                                     {"--manager-bin", "/bin/sh", "--manager-arg", "-c", "--manager-arg",
                                      "printf '%s|' \"$0\" \"$MODE\" > args.txt; echo '{\"plan\": 1}' > plan.json",
                                      "--manager-arg", "a,b", "--manager-env", "MODE=x=y",
                                      "--manager-expected-artifact", "plan.json"}),
                                 stage("executor", "exit 0")));
  REQUIRE(again.code == 0);
  CHECK(json::parse(r.sb.read("work/out2/orchestrator_run_report.json"))["run_id"] == rep["run_id"]);
  // a second fresh run into the same OUT_DIR is refused: the earlier record is never overwritten
  Run twice = r.run(cat(kPass, stage("manager", "exit 0")));
  CHECK(twice.code == 2);
  CHECK(twice.err.find("--resume") != std::string::npos);
}

TEST_CASE("run: gates fail closed in the order policy, ci, review: blocked", "[run]") {
  Runner r;
  Run blocked = r.run(cat({"--policy-status", "unknown", "--review-status", "changes_requested"}, stage("manager", "exit 0")));
  CHECK(blocked.code == 1);
  json rep = r.report();
  CHECK(rep["terminal_state"] == "blocked");
  CHECK(codes(rep) == std::vector<std::string>{"GATE_POLICY_DENIED_OR_UNKNOWN", "GATE_CI_NOT_SUCCESS",
                                               "GATE_REVIEW_NOT_APPROVED"});
  CHECK(rep["gate_decisions"][1]["status"] == "missing");
  CHECK(rep["gate_decisions"][1]["passed"] == false);
  // corrective action: the gates are given again on --resume; the stage is not run again
  Run fixed = r.sb.aq(r.dir, cat({"run", "out", "--resume"}, kPass));
  INFO(fixed.all());
  CHECK(fixed.code == 0);
  rep = r.report();
  CHECK(rep["terminal_state"] == "done");
  CHECK(rep["stage_executions"][0]["skipped"] == true);
}

TEST_CASE("run: a stage that fails ends the run failed, and resume skips what completed", "[run]") {
  Runner r;
  // the executor fails until fixed.flag exists; the manager counts its runs
  const auto args = cat(cat(kPass, stage("manager", "echo x >> manager.runs")),
                        stage("executor", "test -f fixed.flag || { echo broken >&2; exit 3; }"));
  Run failed = r.run(args);
  CHECK(failed.code == 1);
  json rep = r.report();
  CHECK(rep["terminal_state"] == "failed");
  REQUIRE(rep["stage_executions"].size() == 2);
  CHECK(rep["stage_executions"][1]["error"]["code"] == "STAGE_EXIT_NONZERO");
  CHECK(rep["stage_executions"][1]["attempts"].size() == 1);  // deterministic: never retried
  CHECK(rep["stage_executions"][1]["retries"] == 0);
  CHECK(rep["gate_decisions"].empty());
  // the stage's output is kept
  const std::string log = rep["stage_executions"][1]["attempts"][0]["log"];
  CHECK(r.sb.read("work/out/" + log).find("broken") != std::string::npos);

  // options given again must match the restored ones
  Run other = r.sb.aq(r.dir, cat({"run", "out", "--resume"}, stage("manager", "exit 0")));
  CHECK(other.code == 2);
  CHECK(other.err.find("RUN_OPTIONS_MISMATCH") != std::string::npos);

  r.sb.write("work/fixed.flag", "");
  Run resumed = r.sb.aq(r.dir, {"run", "out", "--resume"});  // options restored from the checkpoint
  INFO(resumed.all());
  CHECK(resumed.code == 0);
  rep = r.report();
  CHECK(rep["terminal_state"] == "done");
  CHECK(rep["resumed"] == true);
  CHECK(rep["stage_executions"][0]["skipped"] == true);
  CHECK(rep["stage_executions"][0]["status"] == "skipped");
  CHECK(rep["stage_executions"][1]["skipped"] == false);
  CHECK(r.sb.read("work/manager.runs") == "x\n");  // the manager ran once: idempotent
  CHECK(r.checkpoint()["invocation"] == 2);
}

TEST_CASE("run: a stage over --timeout-ms is killed with its children: timeout", "[run]") {
  Runner r;
  Run t = r.run(cat(cat(kPass, {"--timeout-ms", "300"}),
                    stage("manager", "sleep 30 & echo $! > child.pid; wait")));
  CHECK(t.code == 1);
  json rep = r.report();
  CHECK(rep["terminal_state"] == "timeout");
  CHECK(rep["stage_executions"][0]["error"]["code"] == "STAGE_TIMEOUT");
  CHECK(rep["stage_executions"][0]["attempts"].size() == 1);
  // the grandchild (its own process, same group) is gone: no such process, or a zombie at most
  std::string pid = r.sb.read("work/child.pid");
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  REQUIRE(!pid.empty());
  Run alive = r.sb.sh(r.dir, "for i in $(seq 100); do kill -0 " + pid +
                                  " 2>/dev/null || exit 1; grep -q '^State:.*Z' /proc/" + pid +
                                  "/status 2>/dev/null && exit 1; sleep 0.05; done; exit 0");
  CHECK(alive.code == 1);
}

TEST_CASE("run: a missing and a malformed expected artifact fail the stage", "[run]") {
  Runner r;
  Run missing = r.run(cat(cat(kPass, stage("manager", "exit 0")), {"--manager-expected-artifact", "out/plan.json"}));
  CHECK(missing.code == 1);
  json rep = r.report();
  CHECK(rep["terminal_state"] == "failed");
  CHECK(rep["stage_executions"][0]["error"]["code"] == "ARTIFACT_MISSING");

  Run bad = r.sb.aq(r.dir, cat(cat(cat({"run", "out-bad"}, kPass), stage("manager", "printf '{\"a\": ' > plan.json")),
                               {"--manager-expected-artifact", "plan.json"}));
  CHECK(bad.code == 1);
  json rep2 = json::parse(r.sb.read("work/out-bad/orchestrator_run_report.json"));
  CHECK(rep2["terminal_state"] == "failed");
  CHECK(rep2["stage_executions"][0]["error"]["code"] == "ARTIFACT_INVALID");
  // only .json artifacts must parse
  Run text = r.sb.aq(r.dir, cat(cat(cat({"run", "out-txt"}, kPass), stage("manager", "printf '{' > plan.txt")),
                                {"--manager-expected-artifact", "plan.txt"}));
  CHECK(text.code == 0);
  // a program that cannot start is a deterministic spawn failure
  Run nobin = r.sb.aq(r.dir, cat(cat({"run", "out-nobin"}, kPass), {"--manager-bin", "/nonexistent/bin"}));
  CHECK(nobin.code == 1);
  json rep3 = json::parse(r.sb.read("work/out-nobin/orchestrator_run_report.json"));
  CHECK(rep3["stage_executions"][0]["error"]["code"] == "STAGE_SPAWN_FAILED");
  CHECK(rep3["stage_executions"][0]["attempts"].size() == 1);
}

TEST_CASE("run: a transient failure retries with backoff, a deterministic one does not", "[run]") {
  Runner r;
  // exits 75 (EX_TEMPFAIL) on its first two runs, then succeeds
  const std::string flaky = "n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ] || exit 75";
  Run retried = r.run(cat(cat(kPass, stage("manager", flaky)),
                          {"--transient-exit-code", "75", "--backoff-ms", "10", "--backoff-cap-ms", "20"}));
  INFO(retried.all());
  CHECK(retried.code == 0);
  json rep = r.report();
  CHECK(rep["terminal_state"] == "done");
  const json& attempts = rep["stage_executions"][0]["attempts"];
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0]["failure_class"] == "transient");
  CHECK(attempts[1]["backoff_ms"] == 10);
  CHECK(attempts[2]["backoff_ms"] == 20);
  CHECK(attempts[2]["failure_class"] == "none");
  CHECK(rep["stage_executions"][0]["retries"] == 2);

  Run det = r.sb.aq(r.dir, cat(cat(cat({"run", "out-det"}, kPass), stage("manager", "echo x >> det.runs; exit 4")),
                               {"--transient-exit-code", "75", "--backoff-ms", "10"}));
  CHECK(det.code == 1);
  json rep2 = json::parse(r.sb.read("work/out-det/orchestrator_run_report.json"));
  CHECK(rep2["stage_executions"][0]["attempts"].size() == 1);
  CHECK(rep2["stage_executions"][0]["attempts"][0]["failure_class"] == "deterministic");
  CHECK(r.sb.read("work/det.runs") == "x\n");
}

TEST_CASE("run: repeated failures of one stage pause the candidate until a human resumes it", "[run]") {
  Runner r;
  const auto args = cat(cat(kPass, stage("manager", "test -f fixed.flag || exit 5")), {"--pause-after", "2"});
  CHECK(r.run(args).code == 1);
  CHECK(r.report()["paused"] == false);
  Run second = r.sb.aq(r.dir, {"run", "out", "--resume"});
  CHECK(second.code == 1);
  json rep = r.report();
  CHECK(rep["paused"] == true);
  CHECK(rep["paused_reason"].get<std::string>().find("manager failed 2 time(s)") != std::string::npos);
  CHECK(r.checkpoint()["paused"] == true);
  // paused: --resume alone is refused, nothing runs
  Run refused = r.sb.aq(r.dir, {"run", "out", "--resume"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("RUN_PAUSED") != std::string::npos);
  CHECK(refused.err.find("--unpause") != std::string::npos);
  // a human fixes the cause and lifts the pause
  r.sb.write("work/fixed.flag", "");
  Run lifted = r.sb.aq(r.dir, {"run", "out", "--resume", "--unpause"});
  INFO(lifted.all());
  CHECK(lifted.code == 0);
  CHECK(r.report()["terminal_state"] == "done");
  CHECK(r.report()["paused"] == false);
}

TEST_CASE("run: bad usage exits 2", "[run]") {
  Runner r;
  CHECK(r.sb.aq(r.dir, {"run"}).code == 2);
  CHECK(r.run({"--manager-env", "NOEQUALS", "--manager-bin", "/bin/true"}).code == 2);
  CHECK(r.run({"--executor-arg", "x"}).code == 2);
  CHECK(r.sb.aq(r.dir, {"run", "nothing-here", "--resume"}).code == 2);
  CHECK(r.run({"--task", "T", "--ci-status", "success"}).code == 2);
  r.sb.sh(r.dir, "mkdir -p broken && echo '{' > broken/orchestrator_checkpoint.json");
  Run broken = r.sb.aq(r.dir, {"run", "broken", "--resume"});
  CHECK(broken.code == 2);
  CHECK(broken.err.find("CHECKPOINT_INVALID") != std::string::npos);
}

TEST_CASE("run --task: gates from the queue, the run and its gates recorded as events", "[run]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  // A-1 (backend) has acceptance check "true"; no review routes
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  sb.git_ok(repo, {"checkout", "-q", "-b", "agent/backend"});
  sb.commit_file(repo, "services/x.go", "package x\n");

  // before the handoff: ci and review have nothing to judge
  Run early = sb.aq(repo, cat({"run", "../out-early", "--task", "A-1", "--actor", "alice"}, stage("manager", "exit 0")));
  INFO(early.all());
  CHECK(early.code == 1);
  json rep = json::parse(sb.read("out-early/orchestrator_run_report.json"));
  CHECK(rep["terminal_state"] == "blocked");
  CHECK(rep["gate_source"] == "queue");
  CHECK(codes(rep) == std::vector<std::string>{"GATE_CI_NOT_SUCCESS", "GATE_REVIEW_NOT_APPROVED"});

  // the executor does the work through the queue: acceptance checks, then the handoff
  Run done = sb.aq(repo, cat({"run", "../out", "--task", "A-1", "--actor", "alice"},
                             stage("executor", "git agentq check A-1 --actor agent-a && git agentq handoff A-1 --actor agent-a")));
  INFO(done.all());
  CHECK(done.code == 0);
  rep = json::parse(sb.read("out/orchestrator_run_report.json"));
  CHECK(rep["terminal_state"] == "done");
  CHECK(rep["task"] == "A-1");
  CHECK(rep["candidate_id"] == "A-1");

  // the events are on the log and the log still validates
  const std::string subjects = sb.git_ok(repo, {"log", "--format=%s", "refs/agent-queue/log"});
  CHECK(subjects.find("gate policy passed (run " + rep["run_id"].get<std::string>() + ")") != std::string::npos);
  CHECK(subjects.find("gate ci failed") != std::string::npos);  // from the early run
  CHECK(subjects.find("run " + rep["run_id"].get<std::string>() + " done") != std::string::npos);
  Run valid = sb.aq(repo, {"validate"});
  INFO(valid.all());
  CHECK(valid.code == 0);
  // the runner's records leave the task's state alone
  CHECK(sb.aq_json(repo, {"show", "A-1"})["status"] == "in_review");
  // a run record names a run id; a forged one without is refused by the rules like any event
  const std::string body = sb.git_ok(repo, {"log", "-1", "--format=%B", "--grep=^run ", "refs/agent-queue/log"});
  CHECK(body.find("\"type\":\"run\"") != std::string::npos);
  CHECK(body.find("\"state\":\"done\"") != std::string::npos);
  // unknown task: bad usage
  CHECK(sb.aq(repo, cat({"run", "../out-x", "--task", "NOPE", "--actor", "alice"}, stage("manager", "exit 0"))).code == 2);
}

TEST_CASE("run: one invocation at a time per OUT_DIR", "[run]") {
  Runner r;
  r.sb.sh(r.dir, "mkdir -p out");
  // flock(1) holds the lock while the second runner starts: it is refused, not run
  Run busy = r.sb.sh(r.dir, "flock out/orchestrator.lock git agentq run out --policy-status allow --ci-status success "
                            "--review-status approved --manager-bin /bin/sh --manager-arg -c --manager-arg 'echo x >> ran'");
  CHECK(busy.code == 1);
  CHECK(busy.err.find("RUN_IN_PROGRESS") != std::string::npos);
  CHECK(r.sb.run({"test", "-e", "ran"}, r.dir).code != 0);
  // the lock goes with its holder: the same run then goes through
  Run free = r.run(cat(kPass, stage("manager", "echo x >> ran")));
  CHECK(free.code == 0);
}
