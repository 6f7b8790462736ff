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
  return key.rfind("ssh-", 0) == 0 || key.rfind("ecdsa-", 0) == 0 || key.rfind("sk-", 0) == 0;
}

}  // namespace agentq
