// SHA-256, the one digest git-agentq uses for checksums (the signature cache's records) and
// for idempotency keys (an event's content, the import's and the stage runner's derived ids).
// Pure computation over bytes (OpenSSL's libcrypto underneath), so core may use it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace agentq {

using Sha256 = std::array<unsigned char, 32>;

// The SHA-256 of `data`.
Sha256 sha256(std::string_view data);
// The same as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
// The first `digits` (at most 64) lowercase hex digits of sha256_hex(data).
std::string sha256_hex_prefix(std::string_view data, size_t digits);

// 64-bit FNV-1a: the derivation git-agentq 0.1 used for identifiers it persisted (the stage
// runner's run ids in checkpoints). Only for recognising those; never for anything new.
// Frozen as 0.1 computed it, with its offset basis 1469598103934665603 (FNV's standard one has
// one digit more).
uint64_t legacy_fnv1a64(std::string_view data);

}  // namespace agentq
