#include "core/signature.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace agentq {
namespace {

std::string ssh_identity(std::string_view key) {
  std::istringstream in{std::string(key)};
  std::string type, blob;
  in >> type >> blob;
  return type + " " + blob;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

bool same_key(std::string_view declared, std::string_view verified) {
  if (declared.empty() || verified.empty()) return false;
  if (verified.rfind("ssh-", 0) == 0 || verified.rfind("ecdsa-", 0) == 0 || verified.rfind("sk-", 0) == 0)
    return ssh_identity(declared) == ssh_identity(verified);
  return lower(declared) == lower(verified);
}

}  // namespace agentq
