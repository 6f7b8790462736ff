// core/digest: SHA-256 for checksums and idempotency keys.
#include <catch2/catch.hpp>

#include "core/digest.h"

using namespace agentq;

TEST_CASE("digest: SHA-256 of the standard test vectors", "[digest]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex_prefix("abc", 16) == "ba7816bf8f01cfea");
  const Sha256 raw = sha256("abc");
  CHECK(raw[0] == 0xba);
  CHECK(raw[31] == 0xad);
  CHECK(sha256(std::string(1, '\0')) != sha256(""));  // lengths count, NULs included
}

TEST_CASE("digest: the legacy FNV-1a derivation is frozen", "[digest]") {
  // What git-agentq 0.1 computed for persisted identifiers: these values must never change.
  // (0.1's offset basis, 1469598103934665603, lacks the last digit of FNV's standard one:
  // the identifiers it made are what they are.)
  CHECK(legacy_fnv1a64("") == 0x14650fb0739d0383ULL);
  CHECK(legacy_fnv1a64("a") == 0x44bd8ad473cd9906ULL);
}
