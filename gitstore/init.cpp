#include "gitstore/init.h"

#include "gitstore/event_log.h"
#include "gitstore/git_config.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/notes.h"
#include "gitstore/remote.h"
#include "gitstore/signing.h"

namespace agentq {
namespace {

// Joins the queue the remote already has instead of starting a second one. False when the
// remote has none.
Result<bool> join_remote_queue(Queue& q, const std::string& base, const std::string& remote) {
  AGENTQ_TRY(q.prepare_uninitialised(base, remote));
  auto joined = q.sync("");
  if (joined) return true;
  if (joined.error().code == Code::NO_QUEUE) return false;
  return fail(joined.error());
}

// The queue is there: load it and refresh the allowed-signers file.
Result<InitResult> already(Queue& q) {
  AGENTQ_TRY(q.load());
  InitResult r;
  if (auto signers = write_allowed_signers(q.repo(), q.defs()); !signers) r.signers_warning = signers.error().message;
  return r;
}

}  // namespace

Result<Definitions> seed_definitions(Queue& q, const std::string& rev) {
  auto head = q.repo().resolve_commit(rev);
  if (!head)
    return fail(Error(Code::DEF_INVALID, "cannot find the queue definitions: " + head.error().message, {},
                      "commit .agentq/queue.yaml to the base branch first"));
  return load_definitions_at(q.repo(), *head);
}

Result<std::string> configure_queue(Queue& q, const std::string& remote) {
  Repo& repo = q.repo();
  AGENTQ_TRY(repo.config_add_unique("notes.displayRef", kNotesRef));
  AGENTQ_TRY(ensure_reflog(repo, kLogRef));
  if (remote.empty()) return std::string();
  if (!remote_configured(repo, remote))
    return "policy.remote is '" + remote + "' but this repository has no such remote; the queue stays local " +
           "until it is added";
  AGENTQ_TRY(configure_queue_refspecs(repo, remote));
  return std::string();
}

Status prepare_sync(Queue& q) {
  if (q.log_tip()) return q.load();
  auto head = q.repo().resolve_commit("HEAD");
  if (!head)
    return fail(Error(Code::NO_QUEUE, "no queue here and no commit to read the queue definitions from", {},
                      "check out the base branch (its " + std::string(kDefsPath) + " names policy.remote)"));
  auto seed = load_definitions_at(q.repo(), *head);
  if (!seed) return fail(seed.error());
  return q.prepare_uninitialised(seed->policy.base, seed->policy.remote);
}

Result<size_t> join_fresh_clone(Queue& q) {
  if (q.log_tip()) return 0;
  auto head = q.repo().resolve_commit("HEAD");
  if (!head) return 0;
  auto seed = load_definitions_at(q.repo(), *head);
  if (!seed || !remote_configured(q.repo(), seed->policy.remote)) return 0;
  auto joined = join_remote_queue(q, seed->policy.base, seed->policy.remote);
  if (!joined) return fail(joined.error());
  if (!*joined || !q.log_tip()) return 0;
  AGENTQ_TRY(q.load());
  return q.state().events;
}

Result<InitResult> init_queue(Queue& q, const Definitions& seed, const std::string& actor_flag) {
  const std::string base = seed.policy.base;
  const std::string remote = seed.policy.remote;
  const bool replicated = remote_configured(q.repo(), remote);
  if (!q.log_tip() && replicated) AGENTQ_TRY(join_remote_queue(q, base, remote));
  if (q.log_tip()) return already(q);

  AGENTQ_TRY(q.prepare_uninitialised(base, remote));
  if (q.defs().policy.base != base)
    return fail(Error(Code::DEF_INVALID,
                      "policy.base at the tip of " + base + " is '" + q.defs().policy.base + "', not '" + base + "'",
                      Location::in_file(q.defs().file), "make the definitions on " + base + " name it"));
  auto actor = resolve_actor(q.repo(), actor_flag);
  if (!actor) return fail(actor.error());
  if (!actor->empty() && !q.defs().actor(*actor)) return fail(Error::unknown_actor(*actor));

  Event e;
  e.type = EventType::init;
  e.base = base;
  e.release = q.defs().policy.release;
  e.remote = remote;
  e.actor = *actor;
  auto w = q.write(e);
  if (!w && w.error().code == Code::LOST_RACE && replicated) {
    // Another clone published its init first: join that queue.
    auto joined = join_remote_queue(q, base, remote);
    if (!joined) return fail(joined.error());
    if (!*joined) return fail(w.error());
    return already(q);
  }
  if (!w) return fail(w.error());
  InitResult r;
  r.written = std::move(*w);
  if (auto signers = write_allowed_signers(q.repo(), q.defs()); !signers) r.signers_warning = signers.error().message;
  return r;
}

}  // namespace agentq
