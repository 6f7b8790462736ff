#include "core/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace agentq {
namespace {

// Fetched once: OpenSSL 3 would otherwise look the implementation up on every call, which
// shows when replay hashes every event of a long log.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

}  // namespace

Sha256 sha256(std::string_view data) {
  Sha256 out{};
  unsigned int len = 0;
  // EVP_Digest fails only when libcrypto itself is broken (no SHA-256 provider, no memory),
  // like a failed allocation: no answer would be right, and a made-up digest would be wrong.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr) != 1 || len != out.size())
    std::abort();
  return out;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Sha256 d = sha256(data);
  std::string out;
  out.reserve(64);
  for (unsigned char c : d) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::string sha256_hex_prefix(std::string_view data, size_t digits) { return sha256_hex(data).substr(0, digits); }

uint64_t legacy_fnv1a64(std::string_view data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace agentq
