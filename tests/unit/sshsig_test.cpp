#include <catch2/catch.hpp>

#include "core/signature.h"
#include "core/sshsig.h"

using namespace agentq;

namespace {

// `ssh-keygen -Y sign -n git -f k` of "hello\n" with the key below (made for this test).
const char* kSig = R"(-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg1UdAlw6xqNxcMX7d3etTFzIwJS
SiZWrp+pmuSDg13UcAAAADZ2l0AAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1lZDI1NTE5
AAAAQIrMLuoMcRdyTgnqgoJvShOkoZpJZTSBWIFtSqOToYv+ZGEFaONC0wnmFmVqsvGygP
jS5qmaVFf4QLPK7nohogk=
-----END SSH SIGNATURE-----
)";
const char* kPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINVHQJcOsajcXDF+3d3rUxcyMCUkomVq6fqZrkg4Nd1H me";

}  // namespace

TEST_CASE("sshsig: base64 round trip and strictness", "[sshsig]") {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)})
    CHECK(base64_decode(base64_encode(s)) == s);
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_decode("Zm9v\nYmFy") == std::string("foobar"));
  CHECK_FALSE(base64_decode("Zm9"));       // incomplete quad without padding
  CHECK_FALSE(base64_decode("Zm8=Zm8="));  // data after padding
  CHECK_FALSE(base64_decode("Zm*="));      // outside the alphabet
  CHECK_FALSE(base64_decode("Z==="));      // too much padding
  CHECK_FALSE(base64_decode("Zm9="));      // non-zero dropped bits
}

TEST_CASE("sshsig: parses a real ssh-keygen signature", "[sshsig]") {
  auto s = parse_sshsig_armored(kSig);
  REQUIRE(s);
  CHECK(s->key_type == "ssh-ed25519");
  CHECK(s->namespace_ == "git");
  CHECK(s->reserved.empty());
  CHECK(s->hash_algorithm == "sha512");
  CHECK(s->sig_algorithm == "ssh-ed25519");
  CHECK(s->sig_bytes.size() == 64);
  CHECK(same_key(kPub, s->public_key()));
  REQUIRE(s->ed25519_key());
  CHECK(s->ed25519_key()->size() == 32);
  CHECK(signature_kind(kSig) == SignatureKind::ssh);
  CHECK(signature_kind("-----BEGIN PGP SIGNATURE-----\n") == SignatureKind::openpgp);
  CHECK(signature_kind("") == SignatureKind::none);
  CHECK(signature_kind("garbage") == SignatureKind::unknown);

  // The signed-data blob: preamble, namespace, reserved, hash algorithm, digest.
  const std::string digest(64, 'x');
  const std::string blob = sshsig_signed_data(*s, digest);
  CHECK(blob.substr(0, 6) == "SSHSIG");
  CHECK(blob.size() == 6 + (4 + 3) + 4 + (4 + 6) + (4 + 64));
  CHECK(blob.substr(6, 7) == std::string("\0\0\0\3git", 7));
}

TEST_CASE("sshsig: every truncation and corruption is an error, never a crash", "[sshsig]") {
  auto whole = parse_sshsig_armored(kSig);
  REQUIRE(whole);
  const std::string armored = kSig;
  const size_t b = armored.find('\n') + 1, e = armored.find("-----END");
  auto blob = base64_decode(armored.substr(b, e - b));
  REQUIRE(blob);
  for (size_t n = 0; n < blob->size(); ++n) {
    auto r = parse_sshsig_blob(blob->substr(0, n));
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().code == Code::BAD_SIGNATURE);
  }
  CHECK_FALSE(parse_sshsig_blob(*blob + "x"));  // trailing bytes
  std::string v2 = *blob;
  v2[9] = 2;  // version
  CHECK_FALSE(parse_sshsig_blob(v2));
  std::string huge_len = *blob;
  huge_len[10] = '\x7f';  // public key length far beyond the blob
  CHECK_FALSE(parse_sshsig_blob(huge_len));
  CHECK_FALSE(parse_sshsig_armored("-----BEGIN SSH SIGNATURE-----\nAAAA\n"));
  CHECK_FALSE(parse_sshsig_armored("no armor at all"));
  CHECK_FALSE(parse_sshsig_armored("-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n"));
}

TEST_CASE("sshsig: dearmors an OpenPGP public key block", "[sshsig]") {
  const std::string block =
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n\nmDMEaw5n\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";
  auto bin = dearmor_openpgp(block, "PGP PUBLIC KEY BLOCK");
  REQUIRE(bin);
  CHECK(*bin == *base64_decode("mDMEaw5n"));
  CHECK_FALSE(dearmor_openpgp(block, "PGP SIGNATURE"));
  CHECK_FALSE(dearmor_openpgp("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
                              "PGP PUBLIC KEY BLOCK"));
}

TEST_CASE("sshsig: the encoder is the parser's inverse", "[sshsig]") {
  auto s = parse_sshsig_armored(kSig);
  REQUIRE(s);
  const std::string armored = sshsig_armor(sshsig_blob(*s));
  CHECK(armored == kSig);
  CHECK(ed25519_public_blob(*s->ed25519_key()) == s->public_key_blob);
}
