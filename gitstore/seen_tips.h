// Rewritten-history detection (tamper evidence where a host runs no server hooks): the
// queue log is append-only, so a tip this clone once saw must stay contained in every later
// tip. The last tip seen is remembered per ref under <common git dir>/agentq/seen/; a tip
// that no longer contains it means the history was rewritten (a force-push, a rewind):
// NON_FAST_FORWARD. Like every cache file, deleting it changes no answer but that one.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

// `name` is "log" for the local refs/agent-queue/log, "remote-<remote>" for a remote's.
std::optional<std::string> read_seen_tip(const Repo& repo, const std::string& name);
Status write_seen_tip(const Repo& repo, const std::string& name, const std::string& tip);
std::string seen_tip_path(const Repo& repo, const std::string& name);

// NON_FAST_FORWARD when a tip was seen under `name` and `tip` does not contain it (nullopt
// `tip`: the ref is gone, which is a rewrite too). `what` names the ref in the message.
Status check_seen_tip(const Repo& repo, const std::string& name, const std::optional<std::string>& tip,
                      const std::string& what);

}  // namespace agentq
