// git agentq validate: full replay of the log against the definitions each event names, plus
// the notes view. Exit 1 when anything is wrong, 2 when the definitions cannot be loaded.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/notes.h"
#include "gitstore/seen_tips.h"

namespace agentq::cli {

int run_validate(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  const QueueState& s = q->state();

  std::vector<Finding> findings = s.illegal;
  auto notes = check_notes(q->repo(), q->entries(), q->repo().ref(kNotesRef));
  if (!notes) return ctx.out.error(notes.error());
  findings.insert(findings.end(), notes->begin(), notes->end());
  // Done tasks whose commit is no longer on base (a force-push): the done events stay legal,
  // the repository no longer agrees with them.
  for (const auto& [id, t] : s.tasks) {
    if (t.status != TaskStatus::done || t.done_commit.empty() || q->view().reachable_from_base(t.done_commit)) continue;
    Finding f;
    f.code = Code::NOT_MERGED;
    f.task = id;
    f.commit = t.done_commit;
    f.message = "done task " + id + " names " + t.done_commit.substr(0, 12) + ", which is no longer on " + s.base;
    f.fix = "restore it on " + s.base + " (was the branch force-pushed?)";
    findings.push_back(std::move(f));
  }
  // Tasks the log knows that the definitions no longer declare.
  for (const auto& [id, t] : s.tasks) {
    if (q->defs().task(id) || t.status == TaskStatus::done) continue;
    Finding f;
    f.code = Code::UNKNOWN_TASK;
    f.task = id;
    f.message = "task " + id + " is " + std::string(to_string(t.status)) + " in the log but not in " + q->defs().file;
    f.fix = "finish or unclaim it before removing it from the definitions";
    findings.push_back(std::move(f));
  }
  // A log that lost a tip this clone saw before was rewritten: the local ref, and the remote's
  // as the last fetch brought it (a plain `git fetch` force-updates tracking refs silently).
  auto rewrite = [&](const std::string& name, const std::optional<std::string>& tip, const std::string& what) {
    auto st = check_seen_tip(q->repo(), name, tip, what);
    if (st) {
      if (tip) (void)write_seen_tip(q->repo(), name, *tip);
      return;
    }
    Finding f;
    f.code = st.error().code;
    f.message = st.error().message;
    f.fix = st.error().fix;
    f.commit = st.error().where.commit;
    findings.push_back(std::move(f));
  };
  rewrite("log", s.tip, kLogRef);
  if (!q->remote().empty()) {
    const std::string tracking = "refs/remotes/" + q->remote() + "/agent-queue/log";
    if (auto t = q->repo().ref(tracking)) rewrite("remote-" + q->remote(), t, tracking);
  }
  for (const std::string& w : q->warnings()) ctx.out.warn(w);
  size_t open = 0;
  for (const auto& f : findings) open += f.voided ? 0 : 1;

  if (ctx.out.json_mode) {
    json j;
    j["ok"] = open == 0;
    j["events"] = s.events;
    j["log_tip"] = s.tip;
    j["base_tip"] = q->base_tip();
    j["defs"] = q->defs_commit();
    json items = json::array();
    for (const auto& f : findings) items.push_back(finding_json(f));
    j["findings"] = items;
    ctx.out.emit(j);
    return open ? 1 : 0;
  }
  for (const auto& f : findings) {
    if (f.voided) ctx.out.line(ctx.out.dim("voided[" + std::string(code_name(f.code)) + "]: " + finding_error(f).str()));
    else ctx.out.diagnostic(finding_error(f));
  }
  if (open) {
    ctx.out.note(std::to_string(open) + " finding(s) in " + std::to_string(s.events) + " events");
    return 1;
  }
  ctx.out.line(ctx.out.green("ok") + ": " + std::to_string(s.events) + " events, " + std::to_string(q->defs().tasks.size()) +
               " tasks, log " + short_id(s.tip) + ", base " + short_id(q->base_tip()));
  return 0;
}

}  // namespace agentq::cli
