// What the repository found out about an event commit's signature (RepoView::signature).
// Cryptographic verification happens in gitstore; core decides whether the verified key is the
// one the actor declared. Under policy.require_signed only `good` passes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/definitions.h"
#include "core/error.h"

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

// True for a public key in ssh's text form ("ssh-ed25519 AAAA…", "ecdsa-…", "sk-…", or git's
// "key::" literal): what an actor declares when it signs with ssh.
bool is_ssh_public_key(std::string_view key);

// What a writer would sign with, read by gitstore from git config and the key files.
class SignerView {
 public:
  struct Config {
    std::string format;       // gpg.format: "ssh" or "openpgp"
    bool configured = false;  // user.signingkey is set
  };
  virtual ~SignerView() = default;
  virtual Result<Config> config() = 0;
  // The configured key's public identity as the verifier would report it for an actor that
  // declares `declared_key` (State::good with `key`); an error when it cannot be read.
  virtual Result<SignatureCheck> identity(const std::string& declared_key) = 0;
};

// Whether this writer may sign as `actor` under `d`: nullopt when `d` does not require
// signing; else the identity check_event judges, or SIGNER_MISMATCH when the actor declares no
// key, a key of another kind than gpg.format, or a key other than the configured one. Writers
// ask before anything is signed or written, so a wrong key is reported whatever else is wrong.
Result<std::optional<SignatureCheck>> writer_identity(const Definitions& d, const std::string& actor, SignerView& signer);

}  // namespace agentq
