// git agentq init: the first event, fetch refspecs for the queue refs, notes.displayRef.
// Idempotent; in a clone of a repository that already has a queue it joins it instead of
// writing a second root event.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/git_config.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/notes.h"
#include "gitstore/remote.h"
#include "gitstore/signing.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

Status configure(Context& ctx, Queue& q, const std::string& remote) {
  Repo& repo = q.repo();
  AGENTQ_TRY(repo.config_add_unique("notes.displayRef", kNotesRef));
  AGENTQ_TRY(ensure_reflog(repo, kLogRef));
  if (remote.empty()) return {};
  if (!remote_configured(repo, remote)) {
    ctx.out.warn("policy.remote is '" + remote + "' but this repository has no such remote; the queue stays local " +
                 "until it is added");
    return {};
  }
  return configure_queue_refspecs(repo, remote);
}

// Joins the queue the remote already has instead of starting a second one. False when the
// remote has none.
Result<bool> join_remote_queue(Queue& q, const std::string& base, const std::string& remote) {
  AGENTQ_TRY(q.prepare_uninitialised(base, remote));
  auto joined = q.sync("");
  if (joined) return true;
  if (joined.error().code == Code::NO_QUEUE) return false;
  return fail(joined.error());
}

}  // namespace

int initialise(Context& ctx, Queue& queue, const std::string& defs_rev) {
  Queue* q = &queue;
  // Which base? The definitions at HEAD (or --defs) name it; the base tip must agree.
  auto head = q->repo().resolve_commit(defs_rev);
  if (!head)
    return ctx.out.error(Error(Code::DEF_INVALID, "cannot find the queue definitions: " + head.error().message, {},
                               "commit .agentq/queue.yaml to the base branch first"));
  auto seed = load_definitions_at(q->repo(), *head);
  if (!seed) return ctx.out.error(seed.error());
  const std::string base = seed->policy.base;
  const std::string remote = seed->policy.remote;

  if (auto st = configure(ctx, *q, remote); !st) return ctx.out.error(st.error());

  const bool replicated = remote_configured(q->repo(), remote);
  if (!q->log_tip() && replicated) {
    if (auto joined = join_remote_queue(*q, base, remote); !joined) return ctx.out.error(joined.error());
  }

  auto already = [&]() -> int {
    auto st = q->load();
    if (!st) return ctx.out.error(st.error());
    if (auto signers = write_allowed_signers(q->repo(), q->defs()); !signers)
      ctx.out.warn("the allowed-signers file was not written: " + signers.error().message);
    if (ctx.out.json_mode) {
      json j;
      j["ok"] = true;
      j["initialised"] = false;
      j["base"] = q->state().base;
      j["init_commit"] = q->state().init_commit;
      j["events"] = q->state().events;
      ctx.out.emit(j);
    } else {
      ctx.out.line("queue already initialised on " + q->state().base + " (" + std::to_string(q->state().events) +
                   " events, init " + short_id(q->state().init_commit) + ")");
    }
    return 0;
  };
  if (q->log_tip()) return already();

  if (auto st = q->prepare_uninitialised(base, remote); !st) return ctx.out.error(st.error());
  if (q->defs().policy.base != base)
    return ctx.out.error(Error(Code::DEF_INVALID,
                               "policy.base at the tip of " + base + " is '" + q->defs().policy.base +
                                   "', not '" + base + "'",
                               Location::in_file(q->defs().file), "make the definitions on " + base + " name it"));
  auto actor = resolve_actor(q->repo(), ctx.actor);
  if (!actor) return ctx.out.error(actor.error());
  if (!actor->empty() && !q->defs().actor(*actor)) return ctx.out.error(Error::unknown_actor(*actor));

  Event e;
  e.type = EventType::init;
  e.base = base;
  e.release = q->defs().policy.release;
  e.remote = remote;
  e.actor = *actor;
  auto w = q->write(e);
  if (!w && w.error().code == Code::LOST_RACE && replicated) {
    // Another clone published its init first: join that queue.
    if (auto joined = join_remote_queue(*q, base, remote); !joined || !*joined)
      return ctx.out.error(joined ? w.error() : joined.error());
    return already();
  }
  if (!w) return ctx.out.error(w.error());
  if (auto signers = write_allowed_signers(q->repo(), q->defs()); !signers)
    ctx.out.warn("the allowed-signers file was not written: " + signers.error().message);
  if (ctx.out.json_mode) {
    json j;
    j["ok"] = true;
    j["initialised"] = !w->noop;
    j["base"] = base;
    j["init_commit"] = w->commit;
    j["events"] = q->state().events;
    ctx.out.emit(j);
  } else {
    ctx.out.line("initialised the queue on " + base + " (init event " + short_id(w->commit) + ")");
    ctx.out.line(ctx.out.dim("  log: refs/agent-queue/log   notes: refs/notes/agentq   next: git agentq ready"));
  }
  return report_written(ctx, *w);
}

int run_init(Invocation& in) { return initialise(in.ctx, in.queue(), in.str("defs", "HEAD")); }

}  // namespace agentq::cli
