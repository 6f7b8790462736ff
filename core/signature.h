// What the repository found out about an event commit's signature (RepoView::signature).
// Cryptographic verification happens in gitstore; core decides whether the verified key is the
// one the actor declared. Under policy.require_signed only `good` passes.
#pragma once

#include <string>
#include <string_view>

namespace agentq {

struct SignatureCheck {
  enum class State {
    not_checked,  // nobody verified it (under require_signed: UNSIGNED_EVENT)
    unsigned_,    // no signature on the commit
    good,         // verified; `key` is the signer's public key
    bad,          // present but does not verify
  };
  State state = State::not_checked;
  std::string format;  // "ssh" or "openpgp"
  std::string key;     // ssh: "ssh-ed25519 AAAA…" (no comment); openpgp: primary key fingerprint
  std::string detail;  // why it is bad, for messages
};

// True when the key an actor declares is the verified signer's: ssh keys compare by type and
// base64 blob (the comment is ignored), OpenPGP keys by fingerprint (case-insensitive).
bool same_key(std::string_view declared, std::string_view verified);

}  // namespace agentq
