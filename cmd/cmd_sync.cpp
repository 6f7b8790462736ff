// git agentq sync: the queue travels by fetch and push. Fetches policy.remote, replays what
// only this repository has (and the acting actor's --offline events) onto the remote's tip,
// and pushes log and notes in one atomic push. Exit 3 when a pending event was rejected.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/claim_store.h"
#include "gitstore/git_config.h"
#include "gitstore/init.h"

namespace agentq::cli {
namespace {

json event_summary(const Event& e) {
  json j;
  j["id"] = e.id;
  j["type"] = std::string(to_string(e.type));
  j["task"] = e.task.empty() ? json(nullptr) : json(e.task);
  j["actor"] = e.actor;
  j["subject"] = subject_line(e);
  return j;
}

json report_json(const SyncReport& r, const Queue& q) {
  json j;
  j["ok"] = r.rejected.empty();
  j["remote"] = r.remote;
  j["log_tip"] = r.log_tip;
  j["notes_tip"] = r.notes_tip.empty() ? json(nullptr) : json(r.notes_tip);
  j["events"] = q.state().events;
  j["joined"] = r.joined;
  j["created"] = r.created;
  j["fetched"] = r.fetched;
  json published = json::array(), dropped = json::array(), rejected = json::array();
  for (const Event& e : r.published) published.push_back(event_summary(e));
  for (const Event& e : r.dropped) dropped.push_back(event_summary(e));
  for (const RejectedEvent& x : r.rejected) {
    json item = x.event.id.empty() ? json::object() : event_summary(x.event);
    item["code"] = std::string(code_name(x.why.code));
    item["message"] = x.why.message;
    item["source"] = x.source;
    item["commit"] = x.commit;
    item["file"] = x.file;
    rejected.push_back(item);
  }
  j["published"] = published;
  j["dropped"] = dropped;
  j["rejected"] = rejected;
  json elsewhere = json::object();
  for (const auto& [actor, count] : r.pending_elsewhere) elsewhere[actor] = count;
  j["pending_elsewhere"] = elsewhere;
  j["warnings"] = r.warnings;
  return j;
}

std::string sync_events(uint64_t n) { return std::to_string(n) + (n == 1 ? " event" : " events"); }

void report_text(Context& ctx, const SyncReport& r, const Queue& q) {
  if (r.joined) ctx.out.line("joined the queue of " + r.remote + " (" + sync_events(r.fetched) + ")");
  else if (r.fetched) ctx.out.line("fetched " + std::to_string(r.fetched) + " event(s) from " + r.remote);
  if (r.created) ctx.out.line("published the queue to " + r.remote + " (it had none)");
  if (!r.published.empty()) {
    ctx.out.line("published " + std::to_string(r.published.size()) + " local event(s) to " + r.remote + ":");
    for (const Event& e : r.published) ctx.out.line("  " + ctx.out.green("published") + " " + subject_line(e));
  }
  for (const Event& e : r.dropped) ctx.out.line("  " + ctx.out.dim("already on " + r.remote + ": " + subject_line(e)));
  for (const RejectedEvent& x : r.rejected) {
    Error shown = x.why;
    shown.message = (x.event.id.empty() ? std::string("an undecodable event") : subject_line(x.event)) +
                    " was not published: " + x.why.message;
    shown.fix = "it is kept in " + x.file + (x.why.fix.empty() ? "" : "; " + x.why.fix);
    ctx.out.diagnostic(shown);
  }
  for (const auto& [actor, count] : r.pending_elsewhere)
    ctx.out.note(std::to_string(count) + " pending event(s) of " + actor + " stay pending ('git agentq sync --actor " +
                 actor + "' publishes them)");
  for (const std::string& w : r.warnings) ctx.out.warn(w);
  ctx.out.line((r.rejected.empty() ? ctx.out.green("ok") : ctx.out.red("rejected " + std::to_string(r.rejected.size()))) +
               ": in step with " + r.remote + " (log " + short_id(r.log_tip) + ", " + sync_events(q.state().events) + ")");
}

}  // namespace

int run_sync(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
  if (auto ready = prepare_sync(*q); !ready) return ctx.out.error(ready.error());
  // Optional: without an actor, sync publishes no pending events.
  auto actor = resolve_actor(q->repo(), ctx.actor);
  if (!actor) return ctx.out.error(actor.error());

  ctx.out.progress("sync: fetching " + q->remote() + ", publishing, pushing ...");
  auto report = q->sync(*actor);
  if (!report) return ctx.out.error(report.error());
  forget_lost_claims(q->repo(), report->rejected);
  if (ctx.out.json_mode) ctx.out.emit(report_json(*report, *q));
  else report_text(ctx, *report, *q);
  return report->rejected.empty() ? 0 : exit_code_for(Code::LOST_RACE);
}

}  // namespace agentq::cli
