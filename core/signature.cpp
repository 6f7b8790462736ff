#include "core/signature.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/strings.h"

namespace agentq {
namespace {

std::string ssh_identity(std::string_view key) {
  std::istringstream in{std::string(key)};
  std::string type, blob;
  in >> type >> blob;
  return type + " " + blob;
}

}  // namespace

bool same_key(std::string_view declared, std::string_view verified) {
  if (declared.empty() || verified.empty()) return false;
  if (is_ssh_public_key(verified)) return ssh_identity(declared) == ssh_identity(verified);
  return lower(declared) == lower(verified);
}

bool is_ssh_public_key(std::string_view key) {
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.remove_prefix(1);
  for (std::string_view prefix : {"key::", "ssh-", "ecdsa-", "sk-"})
    if (key.substr(0, prefix.size()) == prefix) return true;
  return false;
}

Result<std::optional<SignatureCheck>> writer_identity(const Definitions& d, const std::string& actor, SignerView& signer) {
  if (!d.policy.require_signed) return std::optional<SignatureCheck>();
  const Actor* a = d.actor(actor);
  if (!a) return std::optional<SignatureCheck>();  // check_event reports UNKNOWN_ACTOR
  if (a->key.empty())
    return fail(Error(Code::SIGNER_MISMATCH, "policy.require_signed is true but " + actor + " declares no key", {},
                      "declare the actor's public key in actors." + actor + ".key"));
  // A key of the other kind can never match: say which setting is wrong instead of failing
  // inside the wrong program.
  auto config = signer.config();
  if (!config) return fail(config.error());
  const bool declared_ssh = is_ssh_public_key(a->key);
  if (config->configured && declared_ssh != (config->format == "ssh"))
    return fail(Error(Code::SIGNER_MISMATCH,
                      actor + " declares " + (declared_ssh ? "an ssh" : "an OpenPGP") + " key but gpg.format is " +
                          config->format,
                      {}, std::string("git config gpg.format ") + (declared_ssh ? "ssh" : "openpgp")));
  auto id = signer.identity(a->key);
  if (!id) return fail(id.error());
  if (!same_key(a->key, id->key)) {
    const std::string configured = config->format == "ssh" ? id->key : "OpenPGP key " + id->detail;
    return fail(Error(Code::SIGNER_MISMATCH,
                      "the configured signing key (" + configured.substr(0, 80) + ") is not the key declared for " + actor,
                      {}, "git config user.signingkey <the key of actors." + actor + ".key>, or act as the actor whose key it is"));
  }
  return std::optional<SignatureCheck>(*id);
}

}  // namespace agentq
