// git agentq ci-check: renders gitstore's ci_check (gitstore/ci_check.h) as text, JSON or
// JUnit XML (one testcase per check).
#include <sstream>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/junit.h"
#include "gitstore/ci_check.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

struct Shown {
  const AuditSection* section;
  std::vector<Error> failures, notices;
};

std::vector<Shown> shown_checks(const CiCheckReport& r) {
  std::vector<Shown> out;
  for (const AuditSection& s : r.checks) {
    Shown c{&s, {}, {}};
    if (s.error) c.failures.push_back(*s.error);
    for (const Finding& f : s.findings) c.failures.push_back(finding_error(f));
    for (const Finding& f : s.notices) c.notices.push_back(finding_error(f));
    out.push_back(std::move(c));
  }
  return out;
}

std::string junit(const std::vector<Shown>& checks) {
  std::vector<JunitCase> cases;
  for (const auto& c : checks) {
    JunitCase jc;
    jc.name = c.section->name;
    jc.skipped = !c.section->ran;
    jc.skip_message = "not run: an earlier check failed";
    if (c.section->ran && !c.failures.empty()) {
      jc.failure_type = code_name(c.failures.front().code);
      jc.failure_message = std::to_string(c.failures.size()) + " finding(s): " + c.failures.front().message;
      for (const auto& f : c.failures)
        jc.failure_text += "error[" + std::string(code_name(f.code)) + "]: " + f.str() + (f.fix.empty() ? "" : "\nhint: " + f.fix) + "\n";
    }
    for (const auto& n : c.notices) jc.system_out += "notice[" + std::string(code_name(n.code)) + "]: " + n.str() + "\n";
    cases.push_back(std::move(jc));
  }
  return junit_xml("git-agentq ci-check", "git-agentq.ci-check", cases);
}

json report_json(const CiCheckReport& r, const std::vector<Shown>& checks) {
  json j;
  j["remote"] = r.remote.empty() ? json(nullptr) : json(r.remote);
  if (r.loaded) {
    j["log_tip"] = r.log_tip;
    j["base"] = r.base;
    j["base_tip"] = r.base_tip;
    j["events"] = r.events;
  }
  json items = json::array(), list = json::array(), notices = json::array();
  for (const auto& c : checks) {
    json cj;
    cj["name"] = c.section->name;
    cj["description"] = c.section->what;
    cj["ran"] = c.section->ran;
    cj["ok"] = c.section->ran && c.failures.empty();
    json ci = json::array();
    for (const auto& f : c.failures) {
      json e = error_json(f);
      e["check"] = c.section->name;
      e["task"] = f.where.task.empty() ? json(nullptr) : json(f.where.task);
      if (!f.where.commit.empty()) e["commit"] = f.where.commit;
      ci.push_back(e);
      items.push_back(e);
    }
    for (const auto& n : c.notices) {
      json e = error_json(n);
      e["check"] = c.section->name;
      notices.push_back(e);
    }
    cj["items"] = ci;
    list.push_back(cj);
  }
  j["ok"] = r.ok();
  j["items"] = items;
  j["checks"] = list;
  j["notices"] = notices;
  return j;
}

std::string text_report(const std::vector<Shown>& checks) {
  std::ostringstream t;
  for (const auto& c : checks) {
    t << (c.section->ran ? (c.failures.empty() ? "ok    " : "FAIL  ") : "skip  ") << c.section->name << "\n";
    for (const auto& f : c.failures) t << "  error[" << code_name(f.code) << "]: " << f.str() << "\n";
  }
  return t.str();
}

}  // namespace

int run_ci_check(Invocation& in) {
  Output& out = in.out;
  const std::string format = in.str("format", out.json_mode ? "json" : "text");
  const std::string output = in.str("output");
  Queue& q = in.queue();
  CiCheckOptions o;
  o.remote = in.str("remote");
  if (o.remote.empty() && q.repo().config_get("remote.origin.url")) o.remote = "origin";
  o.last_green = in.str("last-green");
  out.progress(o.remote.empty() ? "ci-check: replaying the local queue ..."
                                 : "ci-check: fetching " + o.remote + ", then replaying its queue ...");
  const CiCheckReport r = ci_check(q, o);
  const std::vector<Shown> checks = shown_checks(r);
  for (const std::string& w : r.warnings) out.warn(w);

  std::string report;
  if (format == "json") report = report_json(r, checks).dump(2) + "\n";
  else if (format == "junit") report = junit(checks);
  if (!output.empty())
    if (auto st = write_file_atomic(output, format == "text" ? text_report(checks) : report); !st) return in.fail(st.error());
  if (!output.empty() || format == "text") {
    if (!out.quiet) {
      out.line(std::string("ci-check ") + (r.remote.empty() ? "(local refs)" : r.remote) +
               (r.loaded ? ": log " + short_id(r.log_tip) + ", " + r.base + " " + short_id(r.base_tip) : ""));
      for (const auto& c : checks)
        out.line("  " + (c.section->ran ? (c.failures.empty() ? out.green("ok  ") : out.red("FAIL")) : out.dim("skip")) +
                 "  " + pad(c.section->name, 16) + c.section->what);
    }
    for (const auto& c : checks) {
      for (const auto& f : c.failures) out.diagnostic(f);
      for (const auto& n : c.notices) out.diagnostic(n, "notice");
    }
  } else {
    out.raw(report);
  }
  return r.exit_code;
}

}  // namespace agentq::cli
