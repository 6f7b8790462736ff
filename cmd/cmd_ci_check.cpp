// git agentq ci-check: the whole-queue consistency check CI runs on origin. Fetches the queue,
// the notes and the branches from the remote, validates everything, cross-checks the base branch
// both ways (done ⇒ merged, merged ⇒ accounted for), and reports every finding with its code
// as text, JSON or JUnit XML (one testcase per check). Fails closed: a remote that cannot be
// reached, definitions that cannot be read, a missing queue ref are failures, never a pass.
#include <fstream>
#include <sstream>

#include "cmd/command.h"
#include "cmd/common.h"
#include "core/base_audit.h"
#include "gitstore/history.h"
#include "gitstore/notes.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq::cli {
namespace {

struct CiCheck {
  std::string name, what;
  bool ran = false;
  std::vector<Error> failures;
  std::vector<Error> notices;  // reported, not failures (overrides)
};

Error from_item(const ReadyItem& i, const std::string& task = {}) {
  Error e(i.code, i.message, {}, i.fix);
  if (!i.commit.empty()) e.where = Location::in_commit(i.commit, "commit");
  e.where.task = task;
  return e;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

std::string junit(const std::vector<CiCheck>& checks) {
  size_t failures = 0, skipped = 0;
  for (const auto& c : checks) {
    failures += c.ran && !c.failures.empty();
    skipped += !c.ran;
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"git-agentq ci-check\" tests=\"" << checks.size() << "\" failures=\"" << failures << "\" skipped=\""
    << skipped << "\">\n";
  x << "  <testsuite name=\"git-agentq ci-check\" tests=\"" << checks.size() << "\" failures=\"" << failures
    << "\" skipped=\"" << skipped << "\">\n";
  for (const auto& c : checks) {
    x << "    <testcase classname=\"git-agentq.ci-check\" name=\"" << xml_escape(c.name) << "\">";
    if (!c.ran) {
      x << "<skipped message=\"not run: an earlier check failed\"/>";
    } else if (!c.failures.empty()) {
      std::string body;
      for (const auto& f : c.failures)
        body += "error[" + std::string(code_name(f.code)) + "]: " + f.str() + (f.fix.empty() ? "" : "\nhint: " + f.fix) + "\n";
      x << "\n      <failure type=\"" << code_name(c.failures.front().code) << "\" message=\""
        << xml_escape(std::to_string(c.failures.size()) + " finding(s): " + c.failures.front().message) << "\">"
        << xml_escape(body) << "</failure>\n    ";
    }
    if (!c.notices.empty()) {
      std::string out;
      for (const auto& n : c.notices) out += "notice[" + std::string(code_name(n.code)) + "]: " + n.str() + "\n";
      x << "<system-out>" << xml_escape(out) << "</system-out>";
    }
    x << "</testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

json report_json(const std::vector<CiCheck>& checks, const json& meta) {
  json j = meta;
  json items = json::array(), list = json::array(), notices = json::array();
  bool ok = true;
  for (const auto& c : checks) {
    json cj;
    cj["name"] = c.name;
    cj["description"] = c.what;
    cj["ran"] = c.ran;
    cj["ok"] = c.ran && c.failures.empty();
    ok &= c.ran && c.failures.empty();
    json ci = json::array();
    for (const auto& f : c.failures) {
      json e = error_json(f);
      e["check"] = c.name;
      e["task"] = f.where.task.empty() ? json(nullptr) : json(f.where.task);
      if (!f.where.commit.empty()) e["commit"] = f.where.commit;
      ci.push_back(e);
      items.push_back(e);
    }
    for (const auto& n : c.notices) {
      json e = error_json(n);
      e["check"] = c.name;
      notices.push_back(e);
    }
    cj["items"] = ci;
    list.push_back(cj);
  }
  j["ok"] = ok;
  j["items"] = items;
  j["checks"] = list;
  j["notices"] = notices;
  return j;
}

}  // namespace

int run_ci_check(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string format = in.str("format", ctx.out.json_mode ? "json" : "text");
  const std::string output = in.str("output"), last_green = in.str("last-green");
  Queue& q = in.queue();
  std::string remote = in.str("remote");
  if (remote.empty() && q.repo().config_get("remote.origin.url")) remote = "origin";

  std::vector<CiCheck> checks;
  auto add = [&](std::string name, std::string what) -> CiCheck& {
    checks.push_back(CiCheck{std::move(name), std::move(what), true, {}, {}});
    return checks.back();
  };
  int env_exit = 0;
  json meta;
  meta["remote"] = remote.empty() ? json(nullptr) : json(remote);

  // 1. fetch
  if (!remote.empty()) {
    CiCheck& c = add("fetch", "fetch the queue, the notes and the branches from " + remote);
    const std::string cwd = git_cwd(q.repo());
    auto shallow = run_git({"rev-parse", "--is-shallow-repository"}, cwd);
    std::vector<std::string> cmd = {"fetch", "--quiet", "--prune"};
    if (shallow && shallow->out.rfind("true", 0) == 0) cmd.push_back("--unshallow");
    cmd.insert(cmd.end(), {remote, "+refs/heads/*:refs/remotes/" + remote + "/*",
                           "+refs/agent-queue/*:refs/remotes/" + remote + "/agent-queue/*",
                           "+refs/notes/agentq*:refs/remotes/" + remote + "/notes/agentq*"});
    auto r = run_git(cmd, cwd);
    if (!r || r->exit_code != 0) {
      c.failures.push_back(Error(Code::REMOTE_UNREACHABLE,
                                 "cannot fetch from " + remote + ": " + (r ? r->err : r.error().message), {},
                                 "check the remote URL and the CI credentials"));
      env_exit = 4;
    }
  }
  const bool fetched_ok = checks.empty() || checks.back().failures.empty();

  // 2. queue and definitions
  LoadOptions load;
  load.keep_log = true;
  if (!remote.empty()) {
    load.log_ref = "refs/remotes/" + remote + "/agent-queue/log";
    load.base_remote = remote;
  }
  CiCheck& qc = add("queue", "the queue log exists, starts with init, and the definitions load");
  bool loaded = false;
  if (fetched_ok) {
    auto st = q.load(load);
    if (!st) {
      qc.failures.push_back(st.error());
      env_exit = st.error().exit_code() == 2 ? 2 : 4;
    } else {
      loaded = true;
    }
  } else {
    qc.ran = false;
  }
  const char* rest[][2] = {
      {"replay", "every event is legal under the definitions it names (signatures, identity, rules)"},
      {"notes", "refs/notes/agentq agrees with the log"},
      {"done-on-base", "every done task's commit is on the base branch"},
      {"base-accounted", "every first-parent commit on base since init belongs to a task"},
      {"handoff-commits", "every open task's handoff commit exists"},
      {"queue-history", "the queue still contains the tip of the last green run"},
  };
  if (!loaded) {
    for (auto& r : rest) checks.push_back(CiCheck{r[0], r[1], false, {}, {}});
  } else {
    const QueueState& s = q.state();
    meta["log_tip"] = s.tip;
    meta["base"] = s.base;
    meta["base_tip"] = q.base_tip();
    meta["events"] = s.events;

    CiCheck& rc = add(rest[0][0], rest[0][1]);
    for (const Finding& f : s.illegal)
      if (!f.voided) rc.failures.push_back(finding_error(f));

    CiCheck& nc = add(rest[1][0], rest[1][1]);
    const std::string notes_ref = remote.empty() ? std::string(kNotesRef) : "refs/remotes/" + remote + "/notes/agentq";
    auto notes = check_notes(q.repo(), q.entries(), q.repo().ref(notes_ref));
    if (!notes) nc.failures.push_back(notes.error());
    else
      for (const auto& f : *notes) nc.failures.push_back(finding_error(f));

    CiCheck& dc = add(rest[2][0], rest[2][1]);
    for (const auto& [id, t] : s.tasks)
      if (t.status == TaskStatus::done && !t.done_commit.empty() && !q.view().reachable_from_base(t.done_commit))
        dc.failures.push_back(Error(Code::NOT_MERGED,
                                    "done task " + id + " names " + short_id(t.done_commit) + ", which is not on " + s.base,
                                    Location::in_commit(t.done_commit, "commit"),
                                    "restore it on " + s.base + " (was the branch force-pushed?)")
                                  .in_task(id));

    CiCheck& bc = add(rest[3][0], rest[3][1]);
    auto walk = first_parent_since(q.repo(), q.base_tip(), s.init_defs);
    if (!walk) {
      bc.failures.push_back(walk.error());
    } else {
      if (!walk->reached_stop)
        bc.failures.push_back(Error(Code::NON_FAST_FORWARD,
                                    s.base + " no longer contains the commit the queue started on (" +
                                        short_id(s.init_defs) + "): its history was rewritten",
                                    {}, "restore " + s.base + " from a clone that has it"));
      auto audit = audit_base(s, q.defs(), walk->commits);
      for (const auto& i : audit.untracked) bc.failures.push_back(from_item(i));
      for (const auto& i : audit.overridden) bc.notices.push_back(from_item(i));
    }

    CiCheck& hc = add(rest[4][0], rest[4][1]);
    for (const auto& [id, t] : s.tasks)
      if (t.handoff && t.status != TaskStatus::done && !q.repo().has_object(t.handoff->commit))
        hc.failures.push_back(Error(Code::COMMIT_MISSING,
                                    "the handoff commit " + short_id(t.handoff->commit) + " of " + id + " is missing",
                                    {}, "push " + t.handoff->branch + " to the remote")
                                  .in_task(id));

    CiCheck& gc = add(rest[5][0], rest[5][1]);
    if (!last_green.empty() && path_exists(last_green)) {
      auto text = read_file(last_green);
      std::string green = text ? text->substr(0, 40) : "";
      if (green.size() == 40 && !q.repo().is_ancestor(green, s.tip))
        gc.failures.push_back(Error(Code::NON_FAST_FORWARD,
                                    "the queue no longer contains " + short_id(green) +
                                        ", the tip of the last green run: its history was rewritten (force-push)",
                                    {}, "restore refs/agent-queue/log from a clone that has " + short_id(green)));
    }
  }

  bool ok = true;
  for (const auto& c : checks) ok &= c.ran && c.failures.empty();
  if (ok && loaded && !last_green.empty()) {
    if (auto st = write_file_atomic(last_green, q.state().tip + "\n"); !st) ctx.out.warn(st.error().message);
  }

  std::string report;
  if (format == "json") report = report_json(checks, meta).dump(2) + "\n";
  else if (format == "junit") report = junit(checks);
  if (!output.empty()) {
    std::string body = report;
    if (format == "text") {
      std::ostringstream t;
      for (const auto& c : checks) {
        t << (c.ran ? (c.failures.empty() ? "ok    " : "FAIL  ") : "skip  ") << c.name << "\n";
        for (const auto& f : c.failures) t << "  error[" << code_name(f.code) << "]: " << f.str() << "\n";
      }
      body = t.str();
    }
    if (auto st = write_file_atomic(output, body); !st) return ctx.out.error(st.error());
  }
  if (!output.empty() || format == "text") {
    if (!ctx.out.quiet) {
      ctx.out.line(std::string("ci-check ") + (remote.empty() ? "(local refs)" : remote) +
                   (loaded ? ": log " + short_id(q.state().tip) + ", " + q.state().base + " " + short_id(q.base_tip()) : ""));
      for (const auto& c : checks)
        ctx.out.line("  " + (c.ran ? (c.failures.empty() ? ctx.out.green("ok  ") : ctx.out.red("FAIL")) : ctx.out.dim("skip")) +
                     "  " + pad(c.name, 16) + c.what);
    }
    for (const auto& c : checks) {
      for (const auto& f : c.failures) ctx.out.diagnostic(f);
      for (const auto& n : c.notices) ctx.out.diagnostic(n, "notice");
    }
  } else {
    ctx.out.raw(report);
  }
  if (env_exit) return env_exit;
  return ok ? 0 : 1;
}

}  // namespace agentq::cli
