#include "gitstore/defs_authority.h"

#include "core/signature.h"
#include "core/sshsig.h"
#include "gitstore/event_log.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/verify.h"

namespace agentq {
namespace {

// The human actor of `before` whose key made the signature on `commit`; empty when none did.
std::string human_signer(const Repo& repo, const std::string& commit, const Definitions& before) {
  auto raw = read_commit_object(repo, commit);
  if (!raw) return "";
  std::string signature, signed_data;
  if (!split_signature(*raw, &signature, &signed_data) || signature.empty()) return "";
  switch (signature_kind(signature)) {
    case SignatureKind::ssh: {
      const SignatureCheck c = verify_ssh_signature(signature, signed_data);
      if (c.state != SignatureCheck::State::good) return "";
      for (const Actor& a : before.actors)
        if (a.human && !a.key.empty() && same_key(a.key, c.key)) return a.name;
      return "";
    }
    case SignatureKind::openpgp:
      // gpgv checks against one key at a time: each human actor's OpenPGP key in turn.
      for (const Actor& a : before.actors) {
        if (!a.human || a.key.empty() || a.key.rfind("ssh-", 0) == 0) continue;
        if (verify_openpgp_signature(signature, signed_data, a.key).state == SignatureCheck::State::good) return a.name;
      }
      return "";
    default:
      return "";
  }
}

}  // namespace

void fill_defs_signers(Queue& q, std::vector<BaseCommit>& commits) {
  for (BaseCommit& c : commits) {
    if (!changes_definitions(c) || c.parents.empty()) continue;
    auto before = q.view().definitions_at(c.parents.front());
    if (!before) continue;  // no definitions to authorise it: unauthorised
    c.defs_signer = human_signer(q.repo(), c.id, **before);
  }
}

}  // namespace agentq
