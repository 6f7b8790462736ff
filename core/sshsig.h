// Byte-level parsing of signature envelopes: the sshsig format of `ssh-keygen -Y sign`
// (OpenSSH PROTOCOL.sshsig) and ASCII-armored OpenPGP blocks. Pure: no crypto, no I/O. The
// cryptographic check of what is parsed here lives in gitstore/verify.*.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace agentq {

// Standard base64 (RFC 4648, with padding). decode skips ASCII whitespace and fails on any
// other character outside the alphabet, on bad padding and on trailing garbage.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// The fields of an sshsig blob:
//   byte[6] "SSHSIG", uint32 version (1), string publickey, string namespace, string reserved,
//   string hash_algorithm, string signature
// where publickey is an SSH wire-format key ("ssh-ed25519" + 32 bytes, …) and signature is
// string algorithm + string raw signature bytes.
struct SshSig {
  std::string public_key_blob;  // wire format, as in the base64 part of an authorized key line
  std::string key_type;         // the key blob's type, e.g. "ssh-ed25519"
  std::string namespace_;       // git signs commits in namespace "git"
  std::string reserved;
  std::string hash_algorithm;   // "sha256" or "sha512"
  std::string sig_algorithm;    // e.g. "ssh-ed25519", "rsa-sha2-512"
  std::string sig_bytes;        // the raw signature (64 bytes for ed25519)

  // "ssh-ed25519 AAAA…" (type and base64 blob, no comment), comparable with same_key.
  std::string public_key() const;
  // For ed25519 keys: the 32 raw public key bytes; nullopt for other key types or a bad blob.
  std::optional<std::string> ed25519_key() const;
};

// Parses an armored ("-----BEGIN SSH SIGNATURE-----" … "-----END SSH SIGNATURE-----") or raw
// sshsig blob. EVENT_INVALID-free: errors carry BAD_SIGNATURE and say what is malformed.
Result<SshSig> parse_sshsig_armored(std::string_view armored);
Result<SshSig> parse_sshsig_blob(std::string_view blob);

// The bytes the signer actually signed:
//   "SSHSIG" string(namespace) string(reserved) string(hash_algorithm) string(digest)
// where digest = hash_algorithm(message), computed by the caller.
std::string sshsig_signed_data(const SshSig& sig, std::string_view digest);

// The inverse of the parsers (tests, the benchmark's in-process signer): the wire-format blob
// of `sig` and its armored form (base64 in lines of 70, as ssh-keygen writes it).
std::string sshsig_blob(const SshSig& sig);
std::string sshsig_armor(std::string_view blob);
// The wire-format public key blob of a raw 32-byte ed25519 key.
std::string ed25519_public_blob(std::string_view key);

// What kind of signature a commit's gpgsig header holds.
enum class SignatureKind { none, ssh, openpgp, unknown };
SignatureKind signature_kind(std::string_view signature);

// The binary packets of an ASCII-armored OpenPGP block (headers and the "=XXXX" checksum line
// skipped); nullopt when it is not an armored block of `label` (e.g. "PGP PUBLIC KEY BLOCK").
std::optional<std::string> dearmor_openpgp(std::string_view armored, std::string_view label);

}  // namespace agentq
