// Signature verification of event commits (doc/queue-yaml.md, "Signing and keys"), with a
// cache of verdicts so a warm validate does not verify again.
//
// ssh-ed25519 signatures are checked in-process: the sshsig envelope is parsed (core/sshsig.h)
// and the signature checked with OpenSSL's Ed25519 over the sshsig signed-data blob (namespace
// "git", as `git commit -S` signs). Other ssh key types go to `ssh-keygen -Y check-novalidate`.
// OpenPGP signatures are checked with `gpgv` against the armored public key the definitions
// declare for the event's actor (a fingerprint alone cannot be verified on a fresh machine).
//
// Results are cached by commit id in <common git dir>/agentq/signatures: a commit's content
// (and so the event's actor and `defs`) never changes, so neither does its verdict. The cache is
// append-only records, each with its own SHA-256 checksum; a cache that fails a checksum, or is
// in another version's format, is moved aside (signatures.corrupt-<time>, never deleted) and
// rebuilt. Deleting it changes no answer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/definitions.h"
#include "core/event.h"
#include "core/signature.h"
#include "gitstore/repo.h"

namespace agentq {

struct VerifyOptions {
  bool use_cache = true;
  // False where the repository must not be written (pre-receive runs in quarantine): results
  // are still read from the cache, never stored.
  bool write_cache = true;
};

// One ssh signature over `signed_data`, namespace "git"; `key` of a good result is the signer's
// public key ("ssh-ed25519 AAAA…").
// `environment_failure` (optional) is set when ssh-keygen was needed and could not run: such a
// verdict says nothing about the signature and must not be cached.
SignatureCheck verify_ssh_signature(std::string_view signature, std::string_view signed_data,
                                    bool* environment_failure = nullptr);

// One OpenPGP signature, checked with gpgv against `armored_key` only. A good result's `key`
// is `armored_key` itself (the signature was made by that key) and `detail` the fingerprint.
// State::bad with a detail also when gpgv cannot run: callers must not cache those.
SignatureCheck verify_openpgp_signature(std::string_view signature, std::string_view signed_data,
                                        const std::string& armored_key, bool* environment_failure = nullptr);

// The OpenPGP fingerprint of an armored public key (via `gpg --show-keys`); empty when unknown.
std::string openpgp_fingerprint(const std::string& armored_key);

// The verifier the queue uses (GitRepoView::signature answers replay with it): verifies a log
// commit's signature and caches the verdict by commit id. Replay asks only where the
// definitions an event is judged under set policy.require_signed.
class QueueVerifier {
 public:
  explicit QueueVerifier(const Repo& repo, VerifyOptions options = {});
  ~QueueVerifier();
  QueueVerifier(const QueueVerifier&) = delete;
  QueueVerifier& operator=(const QueueVerifier&) = delete;

  // The signature of log commit `commit` holding event `e`; `d` are the definitions `e` is
  // judged under (an OpenPGP signature is checked against the key they declare for e.actor).
  // The commit object is read only when the cache has no verdict for it. Never not_checked.
  SignatureCheck verify(const std::string& commit, const Event& e, const Definitions& d);

  // Appends the results found since the last flush to the cache (no-op without write_cache).
  Status flush();
  // Things worth telling the user (a corrupt cache moved aside, CACHE_CORRUPT).
  const std::vector<std::string>& warnings() const;
  // For benchmarks and tests: signatures checked cryptographically / answered from the cache.
  size_t verified() const;
  size_t cached() const;
  // Verdicts that say nothing lasting (the commit could not be read, ssh-keygen or gpgv could
  // not run): never cached, and a snapshot that depends on one is not written.
  size_t uncacheable() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The cache file (for tests and tools).
std::string signature_cache_path(const Repo& repo);

}  // namespace agentq
