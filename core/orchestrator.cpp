#include "core/orchestrator.h"

#include <algorithm>
#include <cstdio>

#include "core/digest.h"
#include "core/utf8.h"

namespace agentq::orch {
namespace {

const StageSpec* stage_of(const RunOptions& o, const std::string& name) {
  if (name == o.manager.name) return &o.manager;
  if (name == o.executor.name) return &o.executor;
  return nullptr;
}

json stage_json(const StageSpec& s) {
  return json{{"bin", s.bin}, {"args", s.args}, {"env", s.env}, {"expected_artifacts", s.expected_artifacts}};
}

json retry_json(const RetryPolicy& p) {
  return json{{"max_attempts", p.max_attempts},
              {"backoff_ms", p.backoff_ms},
              {"backoff_cap_ms", p.backoff_cap_ms},
              {"pause_after", p.pause_after},
              {"transient_exit_codes", p.transient_exit_codes}};
}

// The options that define the work, without the gate inputs (see run_id_for).
json work_json(const RunOptions& o) {
  return json{{"candidate", o.candidate}, {"task", o.task},          {"manager", stage_json(o.manager)},
              {"executor", stage_json(o.executor)}, {"timeout_ms", o.timeout_ms}, {"retry", retry_json(o.retry)}};
}

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string code_str(std::optional<Code> c) { return c ? std::string(code_name(*c)) : std::string(); }

json str_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

std::vector<const StageSpec*> planned_stages(const RunOptions& o) {
  std::vector<const StageSpec*> out;
  for (const StageSpec* s : {&o.manager, &o.executor})
    if (!s->bin.empty()) out.push_back(s);
  return out;
}

Status check_options(const RunOptions& o) {
  for (const StageSpec* s : {&o.manager, &o.executor}) {
    if (s->bin.empty() && (!s->args.empty() || !s->env.empty() || !s->expected_artifacts.empty()))
      return fail(Error::usage("--" + s->name + "-arg/-env/-expected-artifact need --" + s->name + "-bin"));
    for (const std::string& kv : s->env) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        return fail(Error::usage("--" + s->name + "-env takes KEY=VALUE, not '" + kv + "'"));
    }
  }
  if (o.timeout_ms < 0) return fail(Error::usage("--timeout-ms must be 0 (none) or more"));
  if (o.retry.max_attempts < 1) return fail(Error::usage("--max-attempts must be 1 or more"));
  if (o.retry.pause_after < 1) return fail(Error::usage("--pause-after must be 1 or more"));
  if (o.retry.backoff_ms < 0 || o.retry.backoff_cap_ms < 0) return fail(Error::usage("backoff times cannot be negative"));
  for (int64_t c : o.retry.transient_exit_codes)
    if (c < 1 || c > 255) return fail(Error::usage("--transient-exit-code must be between 1 and 255"));
  return {};
}

std::string run_id_for(const RunOptions& o) { return "run-" + sha256_hex_prefix(work_json(o).dump(), 16); }

namespace {

// The run id git-agentq 0.1 derived (64-bit FNV-1a): checkpoints it wrote keep theirs, so their
// stages' idempotency keys (candidate/stage/run id) still match on --resume.
std::string legacy_run_id_for(const RunOptions& o) { return "run-" + hex16(legacy_fnv1a64(work_json(o).dump())); }

}  // namespace

json options_json(const RunOptions& o) {
  json j = work_json(o);
  j["policy_status"] = o.policy_status;
  j["ci_status"] = o.ci_status;
  j["review_status"] = o.review_status;
  return j;
}

Result<RunOptions> options_from_json(const json& j) {
  // nlohmann throws on a wrong type: caught here, at the edge, and turned into an error.
  try {
    RunOptions o;
    o.candidate = j.at("candidate").get<std::string>();
    o.task = j.at("task").get<std::string>();
    o.policy_status = j.at("policy_status").get<std::string>();
    o.ci_status = j.at("ci_status").get<std::string>();
    o.review_status = j.at("review_status").get<std::string>();
    for (StageSpec* s : {&o.manager, &o.executor}) {
      const json& x = j.at(s->name);
      s->bin = x.at("bin").get<std::string>();
      s->args = x.at("args").get<std::vector<std::string>>();
      s->env = x.at("env").get<std::vector<std::string>>();
      s->expected_artifacts = x.at("expected_artifacts").get<std::vector<std::string>>();
    }
    o.timeout_ms = j.at("timeout_ms").get<int64_t>();
    const json& r = j.at("retry");
    o.retry.max_attempts = r.at("max_attempts").get<int>();
    o.retry.backoff_ms = r.at("backoff_ms").get<int64_t>();
    o.retry.backoff_cap_ms = r.at("backoff_cap_ms").get<int64_t>();
    o.retry.pause_after = r.at("pause_after").get<int>();
    o.retry.transient_exit_codes = r.at("transient_exit_codes").get<std::vector<int64_t>>();
    AGENTQ_TRY(check_options(o));
    return o;
  } catch (const json::exception& e) {
    return fail(Error(Code::CHECKPOINT_INVALID, std::string("options: ") + e.what()));
  }
}

Status check_resume_options(const RunOptions& restored, const RunOptions& given,
                            const std::vector<std::string>& groups) {
  auto has = [&](const char* g) { return std::find(groups.begin(), groups.end(), g) != groups.end(); };
  auto mismatch = [&](const std::string& what, const std::string& was, const std::string& now) {
    return fail(Error(Code::RUN_OPTIONS_MISMATCH,
                      "--resume restores the run's options, and " + what + " differs: the run has " + was + ", given " + now,
                      {}, "drop the option to use the run's, or start a new run in another OUT_DIR"));
  };
  for (const StageSpec* s : {&restored.manager, &restored.executor}) {
    const StageSpec* g = stage_of(given, s->name);
    if (has(s->name.c_str()) && !(*g == *s))
      return mismatch("the " + s->name + " stage", stage_json(*s).dump(), stage_json(*g).dump());
  }
  if (has("timeout") && given.timeout_ms != restored.timeout_ms)
    return mismatch("--timeout-ms", std::to_string(restored.timeout_ms), std::to_string(given.timeout_ms));
  if (has("retry") && !(given.retry == restored.retry))
    return mismatch("the retry policy", retry_json(restored.retry).dump(), retry_json(given.retry).dump());
  if (has("task") && given.task != restored.task)
    return mismatch("--task", "'" + restored.task + "'", "'" + given.task + "'");
  return {};
}

int64_t backoff_before(int attempt, const RetryPolicy& p) {
  if (attempt <= 1) return 0;
  int64_t wait = p.backoff_ms;
  for (int i = 2; i < attempt && wait < p.backoff_cap_ms; ++i) wait *= 2;
  return std::min(wait, p.backoff_cap_ms);
}

std::string_view to_string(FailureClass c) {
  switch (c) {
    case FailureClass::none: return "none";
    case FailureClass::transient: return "transient";
    case FailureClass::deterministic: return "deterministic";
    case FailureClass::timeout: return "timeout";
  }
  return "?";
}

Classified classify(const AttemptOutcome& a, const RetryPolicy& p) {
  constexpr int kEagain = 11;  // errno EAGAIN on Linux (core includes no system headers)
  Classified c;
  if (!a.started) {
    c.cls = a.spawn_errno == kEagain ? FailureClass::transient : FailureClass::deterministic;
    c.code = Code::STAGE_SPAWN_FAILED;
    c.message = "cannot start the stage: " + (a.spawn_error.empty() ? std::string("spawn failed") : a.spawn_error);
    return c;
  }
  if (a.timed_out) {
    c.cls = FailureClass::timeout;
    c.code = Code::STAGE_TIMEOUT;
    c.message = "the stage did not finish within --timeout-ms (killed after " + std::to_string(a.duration_ms) +
                " ms, with its children)";
    return c;
  }
  if (a.signal) {
    c.cls = FailureClass::deterministic;
    c.code = Code::STAGE_EXIT_NONZERO;
    c.message = "the stage was killed by signal " + std::to_string(a.signal);
    return c;
  }
  if (a.exit_code != 0) {
    const bool transient = std::find(p.transient_exit_codes.begin(), p.transient_exit_codes.end(), a.exit_code) !=
                           p.transient_exit_codes.end();
    c.cls = transient ? FailureClass::transient : FailureClass::deterministic;
    c.code = Code::STAGE_EXIT_NONZERO;
    c.message = "the stage exited with status " + std::to_string(a.exit_code) + (transient ? " (transient)" : "");
    return c;
  }
  for (const auto& [path, content] : a.artifacts) {
    if (!content) {
      c.cls = FailureClass::deterministic;
      c.code = Code::ARTIFACT_MISSING;
      c.message = "expected artifact " + path + " does not exist";
      return c;
    }
    if (ends_with(path, ".json")) {
      try {
        const json parsed = json::parse(*content);
        (void)parsed;
      } catch (const json::parse_error& e) {
        c.cls = FailureClass::deterministic;
        c.code = Code::ARTIFACT_INVALID;
        // The parser quotes the bytes it stopped at, which need not be UTF-8.
        c.message = sanitize_utf8("expected artifact " + path + " is not valid JSON: " + e.what());
        return c;
      }
    }
  }
  return c;
}

std::vector<GateDecision> evaluate_gates(const GateInputs& in) {
  struct Def {
    const char* gate;
    const GateInput* input;
    const char* pass;
    Code code;
  };
  const Def defs[] = {{"policy", &in.policy, "allow", Code::GATE_POLICY_DENIED_OR_UNKNOWN},
                      {"ci", &in.ci, "success", Code::GATE_CI_NOT_SUCCESS},
                      {"review", &in.review, "approved", Code::GATE_REVIEW_NOT_APPROVED}};
  std::vector<GateDecision> out;
  for (const Def& d : defs) {
    GateDecision g;
    g.gate = d.gate;
    g.status = d.input->status.empty() ? "missing" : d.input->status;
    g.passed = d.input->status == d.pass;
    if (!g.passed) g.code = d.code;
    g.detail = d.input->detail;
    g.causes = d.input->codes;
    out.push_back(std::move(g));
  }
  return out;
}

GateInputs gates_from_queue(const QueueState& s, const Definitions& d, const Task& t, const RepoFacts& facts) {
  GateInputs in;
  in.source = "queue";
  const TaskState& ts = s.task(t.id);
  if (ts.status == TaskStatus::done) {
    in.policy = {"deny", t.id + " is already done", {Code::ILLEGAL_TRANSITION}};
    in.ci = {"unknown", "the task is done", {}};
    in.review = {"unknown", "the task is done", {}};
    return in;
  }
  const auto items = merge_ready_items(s, d, t, facts, true);
  auto is_ci = [](Code c) {
    return c == Code::EVIDENCE_MISSING || c == Code::EVIDENCE_FAILED || c == Code::HANDOFF_MISSING;
  };
  auto is_review = [](Code c) {
    return c == Code::REVIEW_MISSING || c == Code::REVIEW_STALE || c == Code::REVIEW_CHANGES_REQUESTED ||
           c == Code::SELF_APPROVAL || c == Code::SAME_MODEL_REVIEW;
  };
  auto add = [](GateInput& g, const ReadyItem& i) {
    g.codes.push_back(i.code);
    g.detail += (g.detail.empty() ? "" : "; ") + std::string(code_name(i.code)) + ": " + i.message;
  };
  for (const ReadyItem& i : items) {
    if (is_ci(i.code)) {
      add(in.ci, i);
      if (in.ci.status.empty() || in.ci.status == "missing")
        in.ci.status = i.code == Code::EVIDENCE_FAILED ? "failure" : "missing";
      // No handoff: there is no commit to review either.
      if (i.code == Code::HANDOFF_MISSING && in.review.status.empty()) {
        in.review.status = "missing";
        add(in.review, i);
      }
    } else if (is_review(i.code)) {
      add(in.review, i);
      if (in.review.status.empty())
        in.review.status = i.code == Code::REVIEW_CHANGES_REQUESTED ? "changes_requested"
                           : i.code == Code::REVIEW_STALE            ? "stale"
                           : i.code == Code::REVIEW_MISSING          ? "missing"
                                                                     : "denied";
    } else {
      add(in.policy, i);
      in.policy.status = "deny";
    }
  }
  if (in.policy.status.empty()) in.policy.status = "allow";
  if (in.ci.status.empty()) in.ci.status = "success";
  if (in.review.status.empty()) in.review.status = "approved";
  return in;
}

StageRecord* Checkpoint::stage(const std::string& name) {
  for (StageRecord& r : stages)
    if (r.stage == name) return &r;
  StageRecord r;
  r.stage = name;
  stages.push_back(r);
  return &stages.back();
}

json checkpoint_json(const Checkpoint& c) {
  json stages = json::array();
  for (const StageRecord& r : c.stages)
    stages.push_back(json{{"stage", r.stage},
                          {"status", r.status},
                          {"attempts", r.attempts},
                          {"failures", r.failures},
                          {"completed_run", str_or_null(r.completed_run)},
                          {"error_code", str_or_null(r.error_code)},
                          {"error", str_or_null(r.error)}});
  return json{{"schema", kCheckpointSchema},
              {"run_id", c.run_id},
              {"candidate_id", c.options.candidate},
              {"invocation", c.invocation},
              {"options", options_json(c.options)},
              {"stages", stages},
              {"paused", c.paused},
              {"paused_reason", str_or_null(c.paused_reason)},
              {"terminal_state", str_or_null(c.terminal_state)},
              {"updated_at", c.updated_at}};
}

Result<Checkpoint> checkpoint_from_json(const std::string& text, const std::string& file) {
  auto bad = [&](const std::string& why) {
    return fail(Error(Code::CHECKPOINT_INVALID, "cannot read the checkpoint: " + why, Location::in_file(file), 
                      "restore it, or start a new run in another OUT_DIR"));
  };
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return bad(e.what());
  }
  auto opt_str = [](const json& x, const char* key) {
    return x.contains(key) && x[key].is_string() ? x[key].get<std::string>() : std::string();
  };
  try {
    if (j.at("schema").get<std::string>() != kCheckpointSchema)
      return bad("schema '" + j.at("schema").get<std::string>() + "' is not " + kCheckpointSchema);
    Checkpoint c;
    c.run_id = j.at("run_id").get<std::string>();
    c.invocation = j.at("invocation").get<int>();
    auto o = options_from_json(j.at("options"));
    if (!o) return bad(o.error().message);
    c.options = std::move(*o);
    for (const json& s : j.at("stages")) {
      StageRecord r;
      r.stage = s.at("stage").get<std::string>();
      r.status = s.at("status").get<std::string>();
      r.attempts = s.at("attempts").get<int>();
      r.failures = s.at("failures").get<int>();
      r.completed_run = opt_str(s, "completed_run");
      r.error_code = opt_str(s, "error_code");
      r.error = opt_str(s, "error");
      c.stages.push_back(std::move(r));
    }
    c.paused = j.at("paused").get<bool>();
    c.paused_reason = opt_str(j, "paused_reason");
    c.terminal_state = opt_str(j, "terminal_state");
    c.updated_at = opt_str(j, "updated_at");
    if (c.run_id != run_id_for(c.options) && c.run_id != legacy_run_id_for(c.options))
      return bad("run id " + c.run_id + " does not match its options (edited by hand?)");
    return c;
  } catch (const json::exception& e) {
    return bad(e.what());
  }
}

json gate_json(const GateDecision& g) {
  json causes = json::array();
  for (Code c : g.causes) causes.push_back(std::string(code_name(c)));
  return json{{"gate", g.gate},
              {"status", g.status},
              {"passed", g.passed},
              {"reason_code", g.code ? json(code_str(g.code)) : json(nullptr)},
              {"detail", str_or_null(g.detail)},
              {"causes", causes}};
}

json report_json(const Report& r) {
  json gates = json::array();
  for (const GateDecision& g : r.gates) gates.push_back(gate_json(g));
  json stages = json::array();
  for (const StageExecution& s : r.stages) {
    json attempts = json::array();
    for (const AttemptRecord& a : s.attempts)
      attempts.push_back(json{{"attempt", a.attempt},
                              {"exit_code", a.exit_code},
                              {"signal", a.signal},
                              {"timed_out", a.timed_out},
                              {"duration_ms", a.duration_ms},
                              {"failure_class", a.failure_class},
                              {"error_code", str_or_null(a.error_code)},
                              {"error", str_or_null(a.error)},
                              {"backoff_ms", a.backoff_ms},
                              {"log", str_or_null(a.log)}});
    json err = s.error.empty() ? json(nullptr) : json{{"code", s.error_code}, {"message", s.error}};
    stages.push_back(json{{"stage", s.stage},
                          {"idempotency_key", s.idempotency_key},
                          {"status", s.status},
                          {"skipped", s.skipped},
                          {"skip_reason", str_or_null(s.skip_reason)},
                          {"attempts", attempts},
                          {"retries", attempts.empty() ? 0 : static_cast<int>(attempts.size()) - 1},
                          {"error", err}});
  }
  return json{{"schema", kReportSchema},
              {"run_id", r.run_id},
              {"candidate_id", r.candidate},
              {"task", str_or_null(r.task)},
              {"invocation", r.invocation},
              {"resumed", r.resumed},
              {"terminal_state", r.terminal_state},
              {"closure_ready", r.terminal_state == "done"},
              {"gate_source", str_or_null(r.gate_source)},
              {"gate_decisions", gates},
              {"blocked_reason_codes", r.blocked_reason_codes},
              {"stage_executions", stages},
              {"paused", r.paused},
              {"paused_reason", str_or_null(r.paused_reason)},
              {"error", r.error.empty() ? json(nullptr) : json{{"code", r.error_code}, {"message", r.error}}},
              {"started_at", r.started_at},
              {"finished_at", r.finished_at}};
}

Report run_invocation(Checkpoint& c, Environment& env, bool resumed) {
  Report r;
  r.run_id = c.run_id;
  r.candidate = c.options.candidate;
  r.task = c.options.task;
  r.invocation = c.invocation;
  r.resumed = resumed;
  r.started_at = env.now();
  c.terminal_state.clear();
  auto finish = [&](const std::string& state) {
    r.terminal_state = state;
    r.paused = c.paused;
    r.paused_reason = c.paused_reason;
    c.terminal_state = state;
    c.updated_at = env.now();
    r.finished_at = c.updated_at;
    // A checkpoint that cannot be persisted fails the run (003: checkpoint persistence failure).
    if (Status saved = env.save_checkpoint(c); !saved) {
      r.terminal_state = "failed";
      r.error_code = std::string(code_name(saved.error().code));
      r.error = "checkpoint persistence failure: " + saved.error().message;
    }
    return r;
  };
  const auto stages = planned_stages(c.options);
  for (const StageSpec* s : stages) (void)c.stage(s->name);
  if (c.paused) {
    r.error_code = std::string(code_name(Code::RUN_PAUSED));
    r.error = "the candidate is paused: " + c.paused_reason;
    return finish("failed");
  }
  for (const StageSpec* s : stages) {
    StageRecord& rec = *c.stage(s->name);
    StageExecution x;
    x.stage = s->name;
    x.idempotency_key = c.options.candidate + "/" + s->name + "/" + c.run_id;
    if (rec.status == "completed" && rec.completed_run == c.run_id) {
      x.status = "skipped";
      x.skipped = true;
      x.skip_reason = "completed in an earlier invocation of " + c.run_id;
      r.stages.push_back(std::move(x));
      continue;
    }
    Classified last;
    for (int attempt = 1; attempt <= c.options.retry.max_attempts; ++attempt) {
      AttemptRecord a;
      a.attempt = attempt;
      a.backoff_ms = backoff_before(attempt, c.options.retry);
      if (a.backoff_ms > 0) env.sleep_ms(a.backoff_ms);
      const AttemptOutcome out = env.run_stage(*s, attempt, c.options);
      ++rec.attempts;
      last = classify(out, c.options.retry);
      a.exit_code = out.started ? out.exit_code : -1;
      a.signal = out.signal;
      a.timed_out = out.timed_out;
      a.duration_ms = out.duration_ms;
      a.log = out.log;
      a.failure_class = std::string(to_string(last.cls));
      if (last.cls != FailureClass::none) {
        a.error_code = std::string(code_name(last.code));
        a.error = last.message;
      }
      x.attempts.push_back(a);
      if (last.cls == FailureClass::none) {
        rec.status = "completed";
        rec.failures = 0;
        rec.completed_run = c.run_id;
        rec.error_code.clear();
        rec.error.clear();
        break;
      }
      ++rec.failures;
      rec.status = last.cls == FailureClass::timeout ? "timeout" : "failed";
      rec.error_code = a.error_code;
      rec.error = last.message;
      if (rec.failures >= c.options.retry.pause_after) {
        c.paused = true;
        c.paused_reason = "stage " + s->name + " failed " + std::to_string(rec.failures) +
                          " time(s) in a row (last: " + rec.error_code + ": " + rec.error + ")";
        break;
      }
      if (last.cls != FailureClass::transient) break;
    }
    x.status = rec.status;
    if (rec.status != "completed") {
      x.error_code = rec.error_code;
      x.error = rec.error;
    }
    r.stages.push_back(std::move(x));
    c.updated_at = env.now();
    if (Status saved = env.save_checkpoint(c); !saved) {
      r.terminal_state = "failed";
      r.error_code = std::string(code_name(saved.error().code));
      r.error = "checkpoint persistence failure: " + saved.error().message;
      r.paused = c.paused;
      r.paused_reason = c.paused_reason;
      r.finished_at = env.now();
      return r;
    }
    if (rec.status != "completed") return finish(last.cls == FailureClass::timeout ? "timeout" : "failed");
  }
  auto inputs = env.gates(c.options);
  GateInputs in;
  if (inputs) {
    in = *inputs;
  } else {
    // Fail closed: inputs that cannot be read are unknown, and unknown blocks.
    in.source = "error";
    for (GateInput* g : {&in.policy, &in.ci, &in.review}) *g = {"unknown", inputs.error().message, {inputs.error().code}};
  }
  r.gate_source = in.source;
  r.gates = evaluate_gates(in);
  for (const GateDecision& g : r.gates)
    if (g.code) r.blocked_reason_codes.push_back(code_str(g.code));
  return finish(r.blocked_reason_codes.empty() ? "done" : "blocked");
}

int exit_code_for_state(const std::string& terminal_state) { return terminal_state == "done" ? 0 : 1; }

}  // namespace agentq::orch
