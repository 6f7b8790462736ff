// Signing event commits the way `git commit -S` does (doc/queue-yaml.md, "Signing and keys"),
// following git config read through the `git config` command (per-worktree settings count):
//   gpg.format        ssh | openpgp (default openpgp, as in git)
//   user.signingkey   ssh: a key file (private, or .pub with the key in an agent), or a literal
//                     public key ("key::ssh-ed25519 …" or "ssh-ed25519 …", signed through the
//                     agent); openpgp: a key id or fingerprint
//   gpg.ssh.program   default ssh-keygen
//   gpg.openpgp.program, gpg.program   default gpg
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/definitions.h"
#include "core/signature.h"
#include "gitstore/event_log.h"
#include "gitstore/repo.h"

namespace agentq {

struct SigningConfig {
  std::string format;   // "ssh" or "openpgp"
  std::string key;      // user.signingkey as configured
  std::string program;  // the signing program
};

// Reads the signing configuration of this repository (and worktree).
Result<SigningConfig> read_signing_config(const Repo& repo);

class GitSigner : public Signer {
 public:
  explicit GitSigner(SigningConfig config);

  const SigningConfig& config() const { return config_; }

  // The signer's public identity as the verifier would report it for an actor declaring
  // `declared_key`: State::good with the signer's key (ssh: "ssh-ed25519 …"; openpgp: the
  // declared key when the configured key has its fingerprint, else the configured fingerprint),
  // so check_identity can refuse SIGNER_MISMATCH before anything is signed or written.
  // UNSIGNED_EVENT when no key is configured; SIGNING_FAILED when the key cannot be read.
  Result<SignatureCheck> identity(const std::string& declared_key);

  // Signs and then verifies the signature it made against its own public key: a signature
  // that would not verify is never returned (SIGNING_FAILED).
  Result<std::string> sign(const std::string& commit_buffer) override;

 private:
  Result<std::string> ssh_public_key();
  Result<std::string> openpgp_fingerprint_of_config();
  SigningConfig config_;
  std::optional<std::string> public_key_;  // ssh: the configured public key
  std::optional<std::string> fingerprint_;  // openpgp: the configured key's fingerprint
  std::string declared_for_check_;  // openpgp: the declared key the last identity() matched
};

// What writers need: the configuration core's writer_identity judges (SignerView), and the
// signer for events judged under definitions `d` (null when policy.require_signed is off),
// created from git config on first use.
class Signing : public SignerView {
 public:
  explicit Signing(const Repo& repo) : repo_(&repo) {}
  Result<Config> config() override;
  Result<SignatureCheck> identity(const std::string& declared_key) override;
  Result<Signer*> signer(const Definitions& d);

 private:
  const Repo* repo_;
  std::unique_ptr<GitSigner> signer_;
  Result<GitSigner*> get();
};

// So that stock `git verify-commit` and `git log --show-signature` work in every clone: writes
// <common git dir>/agentq/allowed_signers (one line per actor with an ssh key in `d`, the actor
// as principal, namespaces="git") and sets gpg.ssh.allowedSignersFile to it unless that is
// already set to another file. False when no actor declares an ssh key (nothing written).
Result<bool> write_allowed_signers(Repo& repo, const Definitions& d);
std::string allowed_signers_path(const Repo& repo);

}  // namespace agentq
