// Claim ids held by this worktree: <git-dir>/agentq/claim/<task>. Owner events take their
// `claim` from here, never from replayed state, so an agent that lost its claim (pruned,
// unclaimed, lost a race) is fenced instead of silently acting under someone else's claim.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"
#include "gitstore/run_lock.h"

namespace agentq {

struct HeldClaim {
  std::string claim;  // the claim event's id
  std::string actor;
  std::string task;
};

// Held by `claim` from before it reads this worktree's handles until the new handle is written.
// Without it, a second process of the same actor in the same worktree that loaded the state
// after the first one published its claim, but read the handles before that claim's handle was
// written, would take the claim for one whose handle was lost and re-claim it: two winners.
Result<RunLock> hold_claim_lock(const Repo& repo);

std::optional<HeldClaim> read_claim(const Repo& repo, const std::string& task);
Status write_claim(const Repo& repo, const HeldClaim& claim);
// Forgets the claim (after unclaim or done); keeps a copy as <task>.released.
void forget_claim(const Repo& repo, const std::string& task);

// Forgets the claims this worktree holds whose claim event `sync` rejected: a claim that lost
// is fenced anyway, and forgetting it spares the agent a CLAIM_FENCED later.
void forget_lost_claims(const Repo& repo, const std::vector<RejectedEvent>& rejected);

// How `actor` acts on `task`: as the owner (this worktree holds the claim: its id is taken from
// the claim store, never from replayed state) or as a coordinator. Neither: the task's role and
// no claim, so that the rules say why (CLAIM_FENCED for the owner elsewhere, else ROLE_MISMATCH).
struct Acting {
  std::string role;
  std::string claim;  // empty when acting as a coordinator
  bool owner = false;
};
Acting acting_on(Queue& q, const std::string& actor, const std::string& task);

}  // namespace agentq
