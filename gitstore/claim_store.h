// Claim ids held by this worktree: <git-dir>/agentq/claim/<task>. Owner events take their
// `claim` from here, never from replayed state, so an agent that lost its claim (pruned,
// unclaimed, lost a race) is fenced instead of silently acting under someone else's claim.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "gitstore/repo.h"

namespace agentq {

struct HeldClaim {
  std::string claim;  // the claim event's id
  std::string actor;
  std::string task;
};

std::optional<HeldClaim> read_claim(const Repo& repo, const std::string& task);
Status write_claim(const Repo& repo, const HeldClaim& claim);
// Forgets the claim (after unclaim or done); keeps a copy as <task>.released.
void forget_claim(const Repo& repo, const std::string& task);

}  // namespace agentq
