// `init`: the queue's first event, the fetch refspecs for the queue refs and notes.displayRef.
// Idempotent; in a clone of a repository whose remote already has a queue it joins that queue
// instead of writing a second root event.
#pragma once

#include <optional>
#include <string>

#include "core/definitions.h"
#include "core/error.h"
#include "gitstore/queue.h"

namespace agentq {

// The definitions at `rev` (HEAD, --defs, or base for import), which name the base and the
// remote. DEF_INVALID when `rev` does not resolve.
Result<Definitions> seed_definitions(Queue& q, const std::string& rev);

// notes.displayRef (so that `git log` shows the notes), the log's reflog, and with a remote
// the queue's fetch refspecs. Returns a warning when policy.remote names no remote here (the
// queue then stays local until it is added).
Result<std::string> configure_queue(Queue& q, const std::string& remote);

struct InitResult {
  std::optional<Written> written;  // the init event; nullopt: a queue was there already, or joined
  std::string signers_warning;     // why the allowed-signers file was not written
};

// Makes `q` ready for `sync`: loaded, or in a repository without a log (a fresh clone) prepared
// from the definitions at HEAD, which name the base and remote to follow. NO_QUEUE when there is
// no log and no commit to read them from.
Status prepare_sync(Queue& q);

// A clone that has not synced yet joins its queue by itself, before a command reads it: with no
// local log, definitions at HEAD whose policy.remote is configured here and a queue on that
// remote, fetches it (as `sync` does; nothing is written). The number of events joined, or 0
// when there was nothing to join (the command then says NO_QUEUE as before).
Result<size_t> join_fresh_clone(Queue& q);

// Joins the remote's queue when there is one, else writes the init event under `seed` as the
// actor `actor_flag` resolves to (none is fine when signing is not required). DEF_INVALID when
// the definitions at the tip of base name another base; UNKNOWN_ACTOR for an undeclared actor.
Result<InitResult> init_queue(Queue& q, const Definitions& seed, const std::string& actor_flag);

}  // namespace agentq
