// Identity under policy.require_signed: what replay makes of the repository's SignatureCheck,
// judged under the definitions each event names (core/replay.cpp check_identity, same_key).
#include <catch2/catch.hpp>

#include "core/replay.h"
#include "core/signature.h"
#include "fake_repo.h"

using namespace agentq;
using testing::EventFactory;
using testing::FakeRepo;
using testing::hex40;

namespace {

const std::string kKeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINVHQJcOsajcXDF+3d3rUxcyMCUkomVq6fqZrkg4Nd1H";
const std::string kKeyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

std::string yaml(const std::string& key_a) {
  return "version: 1\npolicy:\n  base: main\n  require_signed: true\nroles:\n  backend: { kind: delivery }\n"
         "  coord: { kind: coordinator }\nactors:\n  agent-a: { roles: [backend], key: \"" + key_a + " a@host\" }\n"
         "  alice: { roles: [coord], human: true, key: \"" + kKeyB + "\" }\n"
         "tasks:\n  - { id: A-1, role: backend }\n  - { id: A-2, role: backend }\n";
}

SignatureCheck good(const std::string& key) {
  SignatureCheck c;
  c.state = SignatureCheck::State::good;
  c.format = "ssh";
  c.key = key;
  return c;
}

std::optional<Code> push_signed(QueueState& s, FakeRepo& repo, const Event& e, SignatureCheck sig) {
  const size_t before = s.illegal.size();
  LogEntry entry;
  entry.commit = std::string(40, 'e');
  entry.event = e;
  repo.signatures[entry.commit] = std::move(sig);
  replay_entry(s, entry, repo);
  if (s.illegal.size() > before) return s.illegal.back().code;
  return std::nullopt;
}

}  // namespace

TEST_CASE("signature: same_key compares ssh keys without comments, OpenPGP fingerprints without case", "[signature]") {
  CHECK(same_key(kKeyA + " a@host", kKeyA));
  CHECK(same_key(kKeyA, kKeyA + " other comment"));
  CHECK_FALSE(same_key(kKeyA, kKeyB));
  CHECK_FALSE(same_key("", kKeyA));
  CHECK(same_key("8E43F32003BE82981499F78F02214DF060BECFA7", "8e43f32003be82981499f78f02214df060becfa7"));
}

TEST_CASE("signature: an ssh public key is told from a key file name and an OpenPGP key", "[signature]") {
  CHECK(is_ssh_public_key(kKeyA));
  CHECK(is_ssh_public_key("ecdsa-sha2-nistp256 AAAA"));
  CHECK(is_ssh_public_key("sk-ssh-ed25519@openssh.com AAAA"));
  CHECK_FALSE(is_ssh_public_key("~/.ssh/id_ed25519.pub"));
  CHECK_FALSE(is_ssh_public_key("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  CHECK_FALSE(is_ssh_public_key(""));
}

TEST_CASE("signature: each check state maps to its reason code", "[signature]") {
  FakeRepo repo{yaml(kKeyA)};
  EventFactory f;
  QueueState s;
  Event init = f.init();
  init.actor = "alice";
  REQUIRE_FALSE(push_signed(s, repo, init, good(kKeyB)));
  SignatureCheck none;
  none.state = SignatureCheck::State::unsigned_;
  CHECK(push_signed(s, repo, f.claim("agent-a", "A-1", "backend"), none) == Code::UNSIGNED_EVENT);
  SignatureCheck bad;
  bad.state = SignatureCheck::State::bad;
  bad.detail = "ed25519 signature does not verify";
  CHECK(push_signed(s, repo, f.claim("agent-a", "A-1", "backend"), bad) == Code::BAD_SIGNATURE);
  CHECK(push_signed(s, repo, f.claim("agent-a", "A-1", "backend"), good(kKeyB)) == Code::SIGNER_MISMATCH);
  // identity comes before the rules: an illegal claim (wrong role) by the wrong key is SIGNER_MISMATCH
  CHECK(push_signed(s, repo, f.claim("agent-a", "A-1", "coord"), good(kKeyB)) == Code::SIGNER_MISMATCH);
  CHECK_FALSE(push_signed(s, repo, f.claim("agent-a", "A-1", "backend"), good(kKeyA)));
  CHECK(s.task("A-1").owner == "agent-a");
  // the init event of a signed queue must name its actor
  QueueState fresh;
  CHECK(push_signed(fresh, repo, f.init(), good(kKeyB)) == Code::UNKNOWN_ACTOR);
}

TEST_CASE("signature: a key removed from the definitions invalidates later events only", "[signature]") {
  FakeRepo repo{yaml(kKeyA)};
  repo.add_defs(hex40('f'), yaml(kKeyB), 1);  // agent-a's key replaced on base
  EventFactory f;
  QueueState s;
  Event init = f.init();
  init.actor = "alice";
  REQUIRE_FALSE(push_signed(s, repo, init, good(kKeyB)));
  REQUIRE_FALSE(push_signed(s, repo, f.claim("agent-a", "A-1", "backend"), good(kKeyA)));  // under 'd': valid
  Event later = f.evidence("agent-a", "A-2", "pass");
  later.defs = hex40('f');
  CHECK(push_signed(s, repo, later, good(kKeyA)) == Code::SIGNER_MISMATCH);
  // the replacement key works under the new definitions
  Event rotated = f.evidence("agent-a", "A-2", "pass");
  rotated.defs = hex40('f');
  CHECK_FALSE(push_signed(s, repo, rotated, good(kKeyB)));
  // and the old key cannot come back through the old definitions
  Event back = f.evidence("agent-a", "A-2", "pass");
  CHECK(push_signed(s, repo, back, good(kKeyA)) == Code::EVENT_INVALID);
  // the earlier event stays applied
  CHECK(s.task("A-1").owner == "agent-a");
}

TEST_CASE("signature: under require_signed an event nobody verified is UNSIGNED_EVENT", "[signature]") {
  // Replay asks the repository for the signature of every event whose definitions require
  // one; an entry that comes without a verified signature must never pass.
  FakeRepo repo{yaml(kKeyA)};
  EventFactory f;
  QueueState s;
  Event init = f.init();
  init.actor = "alice";
  CHECK(testing::push(s, repo, init) == Code::UNSIGNED_EVENT);
  CHECK_FALSE(s.initialised);
  // and so is every later event, legal as it would otherwise be
  QueueState started;
  REQUIRE_FALSE(push_signed(started, repo, init, good(kKeyB)));
  CHECK(testing::push(started, repo, f.claim("agent-a", "A-1", "backend"), hex40('1')) == Code::UNSIGNED_EVENT);
  CHECK(started.task("A-1").owner.empty());
}
