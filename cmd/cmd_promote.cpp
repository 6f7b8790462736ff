// git agentq promote / release-guard: human-gated promotion of a base commit to policy.release
// and the guard on it. The promotion and the judgement are gitstore's (gitstore/promote.h);
// this renders them.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/strings.h"
#include "gitstore/promote.h"

namespace agentq::cli {

Status check_promote(const Invocation& in) {
  if (in.str("sha").empty())
    return fail(Error::usage("which commit?").hint("git agentq promote SHA --risks TEXT --rollback TEXT"));
  if (blank(in.str("risks")) || blank(in.str("rollback")))
    return fail(Error::usage("a promotion needs --risks TEXT and --rollback TEXT: they are the release record"));
  return {};
}

int run_promote(Invocation& in) {
  Context& ctx = in.ctx;
  auto p = promote(in.queue(), in.actor(), in.event_id(), in.str("sha"), in.str("risks"), in.str("rollback"), ctx.offline);
  if (!p) return ctx.out.error(p.error());
  const Written& w = p->written;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w.noop}, {"release", p->release}, {"commit", p->commit}, {"tasks", p->tasks},
                      {"previous", p->previous ? json(*p->previous) : json(nullptr)}, {"event", w.commit},
                      {"pushed", !p->remote.empty()}, {"pending", w.pending}});
  } else if (w.noop) {
    ctx.out.line(p->release + " is already at " + ctx.out.bold(short_id(p->commit)) + ", promoted by event " +
                 w.event.id + ": nothing to do");
    return 0;
  } else {
    ctx.out.line("promoted " + ctx.out.bold(short_id(p->commit)) + " to " + p->release + " (" +
                 std::to_string(p->tasks.size()) + " task(s): " + (p->tasks.empty() ? std::string("none new") : join(p->tasks)) + ")" +
                 (p->remote.empty() ? "" : ", pushed to " + p->remote));
    ctx.out.line("  release evidence: " + short_id(w.commit) + ":release/evidence.json in " + kLogRef);
  }
  if (!p->local_note.empty())
    ctx.out.warn(p->local_note + " (git update-ref refs/heads/" + p->release + " " + p->commit + ")");
  return report_written(ctx, w);
}

int run_release_guard(Invocation& in) {
  Context& ctx = in.ctx;
  Queue& q = in.queue();
  const std::string release = q.defs().policy.release;
  json refs = json::array(), items = json::array();
  size_t bad = 0;
  for (const ReleaseRef& r : check_release_refs(q)) {
    refs.push_back(json{{"ref", r.ref}, {"commit", r.commit}, {"ok", !r.problem}});
    if (!r.problem) {
      ctx.out.line("ok    " + r.ref + " at " + short_id(r.commit) + " (promoted)");
      continue;
    }
    ++bad;
    Error err(r.problem->code, r.problem->message, Location::in_commit(r.commit, r.ref), r.problem->fix);
    json ij = error_json(err);
    ij["ref"] = r.ref;
    ij["commit"] = r.commit;
    items.push_back(ij);
    if (!ctx.out.json_mode) ctx.out.diagnostic(err);
  }
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", bad == 0}, {"release", release.empty() ? json(nullptr) : json(release)}, {"refs", refs},
                      {"items", items}});
  } else if (release.empty()) {
    ctx.out.line("no release branch: policy.release is not set");
  } else if (refs.empty()) {
    ctx.out.line("no " + release + " branch yet: nothing released");
  }
  return bad ? 1 : 0;
}

}  // namespace agentq::cli
