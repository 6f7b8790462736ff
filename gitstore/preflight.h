// What `preflight` finds in the current work tree: its changes, branch, base, hooks, actor and
// signing key. core/lanes.h (preflight_items) judges them.
#pragma once

#include <string>

#include "core/error.h"
#include "core/lanes.h"
#include "gitstore/queue.h"
#include "gitstore/repo.h"

namespace agentq {

// The facts of this work tree (not bare); `actor_flag` is --actor. Errors when git cannot tell
// (status, the hooks directory, the actor's configuration).
Result<PreflightFacts> preflight_facts(Queue& q, const std::string& actor_flag);

// The configured signing key (user.signingkey, per worktree) as a public key text: a literal
// key (`key::` prefix allowed), or the public key of the ssh key file it names (a .pub file,
// else the private key's .pub sibling, else `ssh-keygen -y`). For OpenPGP it is the key id as
// configured. Empty when none is configured; SIGNER_MISMATCH when the key file cannot be read.
Result<std::string> configured_signing_key(const Repo& repo);

}  // namespace agentq
