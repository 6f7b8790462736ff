#include "gitstore/prune_stale.h"

#include "gitstore/claim_store.h"
#include "gitstore/saved_work.h"

namespace agentq {

std::vector<PruneOutcome> prune_stale(Queue& q, const std::string& actor, Millis now, bool dry_run) {
  const Definitions& d = q.defs();
  std::vector<PruneOutcome> out;
  for (const StaleClaim& c : stale_claims(q.state(), d, now)) {
    PruneOutcome o;
    o.claim = c;
    o.reason = "stale: no activity for " + format_age(c.idle) + " (policy.stale_after " +
               format_duration(d.policy.stale_after) + ")";
    if (q.state().task(c.task).status == TaskStatus::blocked) {
      o.kind = PruneOutcome::Kind::blocked;
      out.push_back(std::move(o));
      continue;
    }
    if (dry_run) {
      out.push_back(std::move(o));
      continue;
    }
    auto saved = save_lane_work(q, c.task);
    if (!saved) {
      o.kind = PruneOutcome::Kind::failed;
      o.error = saved.error();
      out.push_back(std::move(o));
      continue;
    }
    o.saved_patch = *saved;
    Acting how = acting_on(q, actor, c.task);
    Event e;
    e.type = EventType::unclaim;
    e.task = c.task;
    e.actor = actor;
    e.role = how.role;
    e.claim = how.claim;
    e.reason = o.reason;
    e.saved_patch = *saved;
    // The claim may have come back to life (or been released) since we looked: prune only the
    // claim that was judged stale, and only while it still is.
    const std::string claim = c.claim;
    auto still_stale = [claim, now](Event& ev, const QueueState& s, const Definitions& defs) -> Status {
      for (const auto& sc : stale_claims(s, defs, now))
        if (sc.task == ev.task && sc.claim == claim && s.task(ev.task).status != TaskStatus::blocked) return {};
      return fail(Error(Code::LOST_RACE, ev.task + " is no longer the stale claim it was", {}, "nothing to do"));
    };
    auto w = q.write(e, {}, still_stale);
    if (!w) {
      o.kind = w.error().code == Code::LOST_RACE ? PruneOutcome::Kind::skipped : PruneOutcome::Kind::failed;
      o.error = w.error();
    } else {
      o.kind = PruneOutcome::Kind::pruned;
      o.written = std::move(*w);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace agentq
