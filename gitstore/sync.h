// What a sync did: the report `Queue::sync` returns (gitstore/sync.cpp implements it).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/event.h"

namespace agentq {

// A local event that sync (or a write carrying older local events) could not publish.
struct RejectedEvent {
  Event event;
  std::string commit;  // where it was: on the local log or the pending ref
  std::string source;  // that ref
  Error why;
  std::string file;    // where it is kept now (readable JSON)
};

struct SyncReport {
  std::string remote;
  std::string log_tip, notes_tip;  // local = remote after the sync
  bool joined = false;             // this repository had no log: it now has the remote's
  bool created = false;            // the remote had no queue: it now has this one
  uint64_t fetched = 0;            // events the local log gained from the remote
  std::vector<Event> published;    // local events now on the remote (re-created on its tip)
  std::vector<Event> dropped;      // local events the remote already had (same id, same content)
  std::vector<RejectedEvent> rejected;
  std::vector<std::pair<std::string, size_t>> pending_elsewhere;  // other actors' pending events, untouched
  std::vector<std::string> warnings;
};

}  // namespace agentq
