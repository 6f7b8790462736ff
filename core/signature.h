// What the log reader found out about an event commit's signature. Cryptographic verification
// happens in gitstore; core decides whether the verified key is the one the actor declared.
#pragma once

#include <string>
#include <string_view>

namespace agentq {

struct SignatureCheck {
  enum class State {
    not_checked,  // the reader did not look (signing not required)
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

// True when `key` is written as an ssh public key ("ssh-…", "ecdsa-…", "sk-…"), as git reads a
// literal user.signingkey, rather than a file name or an OpenPGP key.
bool is_ssh_public_key(std::string_view key);

}  // namespace agentq
