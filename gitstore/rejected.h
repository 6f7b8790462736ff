// Events sync could not publish are kept, never dropped: one readable JSON file per event under
// <git common dir>/agentq/rejected/, with why it was refused and its attachments.
#pragma once

#include <string>

#include "core/error.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"

namespace agentq {

// <git common dir>/agentq/rejected
std::string rejected_dir(const Repo& repo);

// Writes `r` as <rejected dir>/<event id>.json (or <event id>.<n>.json when a different record
// already has that name; the same record is rewritten in place, so a sync that is repeated
// after a crash keeps one file). Returns the path.
Result<std::string> keep_rejected(const Repo& repo, const RejectedEvent& r, const std::string& remote,
                                  const std::string& remote_tip);

}  // namespace agentq
