// Who authorised a change of the definitions on base: the signature of a commit that changes
// .agentq/queue.yaml, checked against the keys the human actors of the definitions before it
// (its first parent's) declare. The rule that needs it is core's (defs_unauthorised in
// core/base_audit.h); see doc/security.md for how the first definitions and key rotations
// are made.
#pragma once

#include <vector>

#include "core/base_audit.h"
#include "gitstore/queue.h"

namespace agentq {

// Sets `defs_signer` of every commit in `commits` that changes the definitions (the others are
// left alone: nothing is read for them).
void fill_defs_signers(Queue& q, std::vector<BaseCommit>& commits);

}  // namespace agentq
