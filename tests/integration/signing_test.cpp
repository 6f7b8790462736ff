// Signed events, actor identity and tamper evidence (issue 7), with real keys made in the
// sandbox's HOME by ssh-keygen and gpg, judged by stock git where git has an opinion.
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "gitstore/queue.h"
#include "harness.h"

using namespace agentq::it;

namespace {

bool has_code(const Run& r, const std::string& code) { return r.err.find("error[" + code + "]") != std::string::npos; }

std::set<std::string> finding_codes(const nlohmann::json& j) {
  std::set<std::string> out;
  for (const auto& f : j["findings"])
    if (!f["voided"].get<bool>()) out.insert(f["code"].get<std::string>());
  return out;
}

// The code of the finding about event commit `commit` (empty when there is none). A forged
// event also lacks its note (EVENT_WITHOUT_NOTE, reported on the annotated commit).
std::string code_for(const nlohmann::json& v, const std::string& commit) {
  for (const auto& f : v["findings"])
    if (f["commit"] == commit) return f["code"].get<std::string>();
  return {};
}

struct Key {
  std::string path;  // private key file
  std::string pub;   // "ssh-ed25519 AAAA… comment"
};

Key ssh_key(const Sandbox& sb, const std::string& name) {
  std::filesystem::create_directories(sb.path("keys"));
  Key k;
  k.path = sb.path("keys/" + name);
  Run r = sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.path});
  REQUIRE(r.code == 0);
  k.pub = sb.read("keys/" + name + ".pub");
  while (!k.pub.empty() && k.pub.back() == '\n') k.pub.pop_back();
  return k;
}

// git config for one command, through the environment (git honours GIT_CONFIG_COUNT in every
// `git config` that git-agentq runs, as it would honour `git -c`).
std::map<std::string, std::string> signing_as(const Key& k) {
  return {{"GIT_CONFIG_COUNT", "2"},
          {"GIT_CONFIG_KEY_0", "gpg.format"},
          {"GIT_CONFIG_VALUE_0", "ssh"},
          {"GIT_CONFIG_KEY_1", "user.signingkey"},
          {"GIT_CONFIG_VALUE_1", k.path}};
}

struct Signed {
  Sandbox sb;
  Key a = ssh_key(sb, "agent-a"), rev = ssh_key(sb, "rev"), alice = ssh_key(sb, "alice");
  std::string yaml(const std::string& a_key) const {
    return "version: 1\npolicy:\n  base: main\n  require_signed: true\nroles:\n  backend: { kind: delivery }\n"
           "  arch: { kind: review }\n  coord: { kind: coordinator }\nactors:\n"
           "  agent-a: { roles: [backend], key: \"" + a_key + "\" }\n"
           "  rev: { roles: [arch], key: \"" + rev.pub + "\" }\n"
           "  alice: { roles: [coord], human: true, key: \"" + alice.pub + "\" }\n"
           "tasks:\n  - { id: A-1, role: backend }\n  - { id: A-2, role: backend, depends_on: [A-1] }\n";
  }
  std::string repo;
  Signed() {
    repo = sb.make_repo("repo", yaml(a.pub));
    Run init = sb.aq(repo, {"init", "--actor", "alice"}, signing_as(alice));
    INFO(init.err);
    REQUIRE(init.code == 0);
  }
  Run as(const Key& k, std::vector<std::string> args, const std::string& dir = {}) const {
    return sb.aq(dir.empty() ? repo : dir, args, signing_as(k));
  }
  std::string tip() const { return sb.git_ok(repo, {"rev-parse", "refs/agent-queue/log"}); }
  // Appends a hand-made commit with `message` to the log (as if origin ran no pre-receive).
  std::string forge(const std::string& message, const std::vector<std::string>& git_c = {}) const {
    sb.write("forged-msg", message);
    const std::string empty_tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
    std::vector<std::string> args = git_c;
    for (const std::string& arg : {std::string("commit-tree"), empty_tree, std::string("-p"),
                                   std::string("refs/agent-queue/log"), std::string("-F"), sb.path("forged-msg")})
      args.push_back(arg);
    if (!git_c.empty()) args.push_back("-S");
    const std::string c = sb.git_ok(repo, args);
    sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", c});
    return c;
  }
  // The message of the newest event with a fresh id (and optionally other definitions).
  std::string copy_of_tip(const std::string& new_id, const std::string& defs = {}) const {
    std::string body = sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"});
    size_t id = body.find("\"id\":\"");
    REQUIRE(id != std::string::npos);
    body.replace(id + 6, body.find('"', id + 6) - id - 6, new_id);
    if (!defs.empty()) {
      size_t d = body.find("\"defs\":\"");
      REQUIRE(d != std::string::npos);
      body.replace(d + 8, 40, defs);
    }
    return body + "\n";
  }
};

}  // namespace

TEST_CASE("signing: a signed loop validates, and stock git verifies every event", "[signing]") {
  Signed t;
  REQUIRE(t.as(t.a, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(t.as(t.a, {"evidence", "A-1", "--command", "make test", "--exit-code", "0", "--actor", "agent-a"}).code == 0);
  REQUIRE(t.as(t.alice, {"unclaim", "A-1", "--reason", "re-plan", "--actor", "alice"}).code == 0);
  auto v = t.sb.aq_json(t.repo, {"validate"});
  INFO(v.dump());
  CHECK(v["ok"] == true);
  CHECK(v["events"] == 4);

  // git's own verification, through the allowed-signers file init wrote.
  CHECK(t.sb.git_ok(t.repo, {"config", "gpg.ssh.allowedSignersFile"}).find("agentq/allowed_signers") != std::string::npos);
  Run verify = t.sb.git(t.repo, {"verify-commit", "refs/agent-queue/log"});
  INFO(verify.err);
  CHECK(verify.code == 0);
  CHECK(verify.err.find("Good \"git\" signature for alice") != std::string::npos);
  Run shown = t.sb.git(t.repo, {"log", "--show-signature", "refs/agent-queue/log"});
  size_t good = 0;
  for (size_t at = shown.out.find("Good \"git\" signature"); at != std::string::npos;
       at = shown.out.find("Good \"git\" signature", at + 1))
    ++good;
  CHECK(good == 4);

  // Verified once: the results are cached by commit id; a corrupt cache is moved aside.
  const std::string cache = t.repo + "/.git/agentq/signatures";
  REQUIRE(std::filesystem::exists(cache));
  CHECK(t.sb.aq(t.repo, {"validate"}).code == 0);
  t.sb.write("repo/.git/agentq/signatures", "agentq signature cache 1\nthis is not a record");
  // Without the replay snapshot (which holds the verdicts already) replay asks the cache again.
  std::filesystem::remove_all(t.repo + "/.git/agentq/snapshots");
  Run again = t.sb.aq(t.repo, {"validate"});
  CHECK(again.code == 0);
  CHECK(again.err.find("CACHE_CORRUPT") != std::string::npos);
  bool aside = false;
  for (const auto& e : std::filesystem::directory_iterator(t.repo + "/.git/agentq"))
    aside |= e.path().filename().string().rfind("signatures.corrupt-", 0) == 0;
  CHECK(aside);
  std::filesystem::remove_all(t.repo + "/.git/agentq/snapshots");
  CHECK(t.sb.aq(t.repo, {"validate"}).err.find("CACHE_CORRUPT") == std::string::npos);  // rebuilt
  // Deleting the cache changes no answer.
  std::filesystem::remove_all(t.repo + "/.git/agentq");
  CHECK(t.sb.aq_json(t.repo, {"validate"})["ok"] == true);
}

TEST_CASE("signing: a wrong or missing key is refused before anything is written", "[signing]") {
  Signed t;
  const std::string before = t.tip();
  Run wrong = t.as(t.rev, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(wrong.code == 3);
  CHECK(has_code(wrong, "SIGNER_MISMATCH"));
  // identity before the state rules: A-2's dependency is not done, but the key decides first
  Run first = t.as(t.rev, {"claim", "A-2", "--actor", "agent-a"});
  CHECK(has_code(first, "SIGNER_MISMATCH"));
  Run none = t.sb.aq(t.repo, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(none.code == 3);
  CHECK(has_code(none, "UNSIGNED_EVENT"));
  Key broken{t.sb.path("keys/missing"), ""};
  Run missing = t.as(broken, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(missing.code == 4);
  CHECK(has_code(missing, "SIGNING_FAILED"));
  CHECK(t.tip() == before);
  CHECK(t.sb.aq_json(t.repo, {"validate"})["ok"] == true);
}

TEST_CASE("signing: forged events are caught by validate and a human voids them", "[signing]") {
  Signed t;
  REQUIRE(t.as(t.a, {"evidence", "A-1", "--command", "make", "--exit-code", "0", "--actor", "agent-a"}).code == 0);

  SECTION("unsigned, appended with git commit-tree and update-ref") {
    const std::string forged = t.forge(t.copy_of_tip("00000000-0000-4000-8000-000000000001"));
    auto v = t.sb.aq_json(t.repo, {"validate"});
    CHECK(code_for(v, forged) == "UNSIGNED_EVENT");
    // writers judge by the same replay: the forged event counts for nothing
    CHECK(t.sb.aq_json(t.repo, {"show", "A-1"})["evidence"].size() == 1);
    Run not_human = t.as(t.a, {"void", forged, "--reason", "forged", "--actor", "agent-a"});
    CHECK(has_code(not_human, "NOT_HUMAN"));
    Run voided = t.as(t.alice, {"void", forged.substr(0, 12), "--reason", "forged by hand", "--actor", "alice"});
    INFO(voided.err);
    CHECK(voided.code == 0);
    REQUIRE(t.sb.aq(t.repo, {"notes", "rebuild"}).code == 0);  // the forged event's missing note
    auto after = t.sb.aq_json(t.repo, {"validate"});
    INFO(after.dump());
    CHECK(after["ok"] == true);
    CHECK(after["findings"][0]["voided"] == true);
  }
  SECTION("signed by a key the definitions do not declare for the actor") {
    const std::string forged = t.forge(t.copy_of_tip("00000000-0000-4000-8000-000000000002"),
                                       {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + t.rev.path});
    auto v = t.sb.aq_json(t.repo, {"validate"});
    CHECK(code_for(v, forged) == "SIGNER_MISMATCH");
  }
  SECTION("a good signature moved onto other content") {
    // The event's signed bytes changed after signing (the JSON edited, the gpgsig kept).
    const std::string raw = t.sb.git_ok(t.repo, {"cat-file", "commit", "refs/agent-queue/log"});
    std::string edited = raw;
    const size_t cmd = edited.find("\"command\":\"make\"");
    REQUIRE(cmd != std::string::npos);
    edited.replace(cmd, 16, "\"command\":\"mako\"");
    t.sb.write("edited", edited + "\n");
    const std::string parent = t.sb.git_ok(t.repo, {"rev-parse", "refs/agent-queue/log~1"});
    const std::string c = t.sb.git_ok(t.repo, {"hash-object", "-t", "commit", "-w", t.sb.path("edited")});
    t.sb.git_ok(t.repo, {"update-ref", "refs/agent-queue/log", c});
    auto v = t.sb.aq_json(t.repo, {"validate"});
    CHECK(code_for(v, c) == "BAD_SIGNATURE");
    CHECK(t.sb.git(t.repo, {"verify-commit", c}).code != 0);  // git agrees
    (void)parent;
  }
}

TEST_CASE("signing: a key removed from the definitions invalidates later events, not earlier ones", "[signing]") {
  Signed t;
  REQUIRE(t.as(t.a, {"evidence", "A-1", "--command", "make", "--exit-code", "0", "--actor", "agent-a"}).code == 0);
  const std::string earlier = t.tip();
  // agent-a's key is removed (replaced by another) on the base branch.
  Key other = ssh_key(t.sb, "other");
  t.sb.write("repo/.agentq/queue.yaml", t.yaml(other.pub));
  // a definitions change is signed by a human actor the definitions before it declare (doc/security.md)
  t.sb.git_ok(t.repo, {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + t.alice.path, "commit", "-q", "-S", "-am",
                       "rotate agent-a's key"});
  const std::string d2 = t.sb.git_ok(t.repo, {"rev-parse", "HEAD"});
  CHECK(t.sb.aq_json(t.repo, {"validate"})["ok"] == true);  // the earlier event stays valid
  // the old key can no longer write
  CHECK(has_code(t.as(t.a, {"claim", "A-1", "--actor", "agent-a"}), "SIGNER_MISMATCH"));
  // a later event signed with the removed key (forged, naming the new definitions) is refused
  const std::string later = t.forge(t.copy_of_tip("00000000-0000-4000-8000-000000000003", d2),
                                    {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + t.a.path});
  auto v = t.sb.aq_json(t.repo, {"validate"});
  CHECK(code_for(v, later) == "SIGNER_MISMATCH");
  // the new key works, under the new definitions
  REQUIRE(t.as(other, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  // and the old key cannot come back through the old definitions: defs never go backwards
  const std::string d1 = t.sb.git_ok(t.repo, {"rev-parse", "HEAD~1"});
  const std::string back = t.forge(t.copy_of_tip("00000000-0000-4000-8000-000000000004", d1),
                                   {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + t.a.path});
  auto w = t.sb.aq_json(t.repo, {"validate"});
  CHECK(code_for(w, later) == "SIGNER_MISMATCH");
  CHECK(code_for(w, back) == "EVENT_INVALID");
  CHECK(w["events"] == 5);
  (void)earlier;
}

TEST_CASE("tamper: a rewritten queue history is NON_FAST_FORWARD in validate and sync", "[signing][tamper]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string k1 = sb.clone(origin, "k1");
  REQUIRE(sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(k1, {"claim", "B-1", "--actor", "agent-b"}).code == 0);
  REQUIRE(sb.aq(k1, {"sync"}).code == 0);
  REQUIRE(sb.aq(k1, {"validate"}).code == 0);
  // origin's log is force-rewound (as a force-push would)
  sb.git_ok(origin, {"update-ref", "refs/agent-queue/log", "refs/agent-queue/log~1"});
  sb.git_ok(k1, {"fetch", "-q", "origin"});  // a plain fetch force-updates the tracking ref
  auto v = sb.aq_json(k1, {"validate"});
  CHECK(finding_codes(v).count("NON_FAST_FORWARD") == 1);
  CHECK(sb.aq(k1, {"validate"}).code == 1);
  Run s = sb.aq(k1, {"sync"});
  CHECK(s.code == 3);
  CHECK(has_code(s, "NON_FAST_FORWARD"));

  // the local log rewound by hand
  const std::string repo = sb.make_queue("local");
  REQUIRE(sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  REQUIRE(sb.aq(repo, {"validate"}).code == 0);
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", "refs/agent-queue/log~1"});
  CHECK(finding_codes(sb.aq_json(repo, {"validate"})).count("NON_FAST_FORWARD") == 1);
}

TEST_CASE("tamper: an orphan note and a missing note are reported", "[signing][tamper]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  const std::string work = sb.commit_file(repo, "a.txt", "a\n");
  REQUIRE(sb.aq(repo, {"evidence", "A-1", "--command", "x", "--result", "pass", "--commit", work, "--actor", "agent-a"})
              .code == 0);
  const std::string other = sb.commit_file(repo, "b.txt", "b\n");
  sb.git_ok(repo, {"notes", "--ref=agentq", "add", "-m", "{\"forged\":true}", other});
  auto v = sb.aq_json(repo, {"validate"});
  CHECK(finding_codes(v).count("NOTE_WITHOUT_EVENT") == 1);
  sb.git_ok(repo, {"notes", "--ref=agentq", "remove", work});
  auto w = sb.aq_json(repo, {"validate"});
  CHECK(finding_codes(w).count("EVENT_WITHOUT_NOTE") == 1);
  CHECK(sb.aq(repo, {"notes", "rebuild"}).code == 0);
  CHECK(sb.aq_json(repo, {"validate"})["ok"] == true);
}

namespace {

// An OpenPGP key made with gpg --batch in the sandbox's HOME; returns its fingerprint.
std::string gpg_key(const Sandbox& sb, const std::string& uid) {
  Run made = sb.run({"gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  Run listed = sb.run({"gpg", "--batch", "--with-colons", "--list-keys", uid});
  const size_t at = listed.out.find("\nfpr:");
  REQUIRE(at != std::string::npos);
  std::string line = listed.out.substr(at + 1, listed.out.find('\n', at + 1) - at - 1);
  line.pop_back();  // the trailing ':'
  return line.substr(line.rfind(':') + 1);
}

std::map<std::string, std::string> openpgp_as(const std::string& fpr) {
  return {{"GIT_CONFIG_COUNT", "2"},
          {"GIT_CONFIG_KEY_0", "gpg.format"},
          {"GIT_CONFIG_VALUE_0", "openpgp"},
          {"GIT_CONFIG_KEY_1", "user.signingkey"},
          {"GIT_CONFIG_VALUE_1", fpr}};
}

// gpg-agent outlives the commands that started it: stop it before the sandbox goes.
struct GpgAgentStopper {
  const Sandbox& sb;
  ~GpgAgentStopper() { sb.run({"gpgconf", "--kill", "all"}); }
};

}  // namespace

TEST_CASE("signing: an OpenPGP actor signs with gpg and is verified with gpgv", "[signing][openpgp]") {
  Sandbox sb;
  GpgAgentStopper stop{sb};
  Key alice = ssh_key(sb, "alice");
  const std::string fpr = gpg_key(sb, "agent-d <d@example.com>");
  const std::string other = gpg_key(sb, "mallory <m@example.com>");
  std::string armored = sb.run({"gpg", "--batch", "--armor", "--export", fpr}).out;
  REQUIRE(armored.find("BEGIN PGP PUBLIC KEY BLOCK") != std::string::npos);
  std::string indented;
  for (size_t pos = 0; pos < armored.size();) {
    size_t eol = armored.find('\n', pos);
    if (eol == std::string::npos) eol = armored.size();
    indented += "      " + armored.substr(pos, eol - pos) + "\n";
    pos = eol + 1;
  }
  const std::string yaml = "version: 1\npolicy:\n  base: main\n  require_signed: true\nroles:\n"
                           "  backend: { kind: delivery }\n  coord: { kind: coordinator }\nactors:\n"
                           "  agent-d:\n    roles: [backend]\n    key: |\n" + indented +
                           "  alice: { roles: [coord], human: true, key: \"" + alice.pub + "\" }\n"
                           "tasks:\n  - { id: A-1, role: backend }\n";
  const std::string repo = sb.make_repo("repo", yaml);
  REQUIRE(sb.aq(repo, {"init", "--actor", "alice"}, signing_as(alice)).code == 0);
  Run claim = sb.aq(repo, {"claim", "A-1", "--actor", "agent-d"}, openpgp_as(fpr));
  INFO(claim.err);
  REQUIRE(claim.code == 0);
  auto v = sb.aq_json(repo, {"validate"});
  INFO(v.dump());
  CHECK(v["ok"] == true);
  Run git_verify = sb.git(repo, {"verify-commit", "refs/agent-queue/log"});
  INFO(git_verify.err);
  CHECK(git_verify.code == 0);
  // another OpenPGP key is refused before writing
  Run wrong = sb.aq(repo, {"unclaim", "A-1", "--actor", "agent-d"}, openpgp_as(other));
  CHECK(has_code(wrong, "SIGNER_MISMATCH"));
  // and an event signed with it by hand fails verification against the declared key
  std::string body = sb.git_ok(repo, {"log", "-1", "--format=%B", "refs/agent-queue/log"});
  body.replace(body.find("\"id\":\"") + 6, 36, "00000000-0000-4000-8000-000000000009");
  sb.write("msg", body + "\n");
  const std::string tree = sb.git_ok(repo, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  const std::string forged = sb.git_ok(repo, {"-c", "gpg.format=openpgp", "-c", "user.signingkey=" + other, "commit-tree",
                                              "-S", tree, "-p", "refs/agent-queue/log", "-F", sb.path("msg")});
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", forged});
  auto bad = sb.aq_json(repo, {"validate"});
  CHECK(code_for(bad, forged) == "BAD_SIGNATURE");
}

TEST_CASE("signing: sync re-signs its own actor's events and hands others' to their pending chains",
          "[signing][replication]") {
  Sandbox sb;
  Key a = ssh_key(sb, "agent-a"), b = ssh_key(sb, "agent-b"), alice = ssh_key(sb, "alice");
  const std::string yaml = with_remote(
      "version: 1\npolicy:\n  base: main\n  require_signed: true\nroles:\n  backend: { kind: delivery }\n"
      "  ui: { kind: delivery, lanes: 2 }\n  coord: { kind: coordinator }\nactors:\n"
      "  agent-a: { roles: [backend], key: \"" + a.pub + "\" }\n  agent-b: { roles: [ui], key: \"" + b.pub + "\" }\n"
      "  alice: { roles: [coord], human: true, key: \"" + alice.pub + "\" }\n"
      "tasks:\n  - { id: A-1, role: backend }\n  - { id: B-1, role: ui }\n  - { id: B-2, role: ui }\n");
  const std::string origin = sb.path("origin.git");
  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", origin});
  const std::string seed = sb.make_repo("seed", yaml);
  sb.git_ok(seed, {"remote", "add", "origin", origin});
  sb.git_ok(seed, {"push", "-q", "origin", "main"});
  REQUIRE(sb.aq(seed, {"init", "--actor", "alice"}, signing_as(alice)).code == 0);
  const std::string k1 = sb.clone(origin, "k1");
  const std::string k2 = sb.clone(origin, "k2");
  // allowed signers are set up in every clone by sync
  CHECK(sb.git(k1, {"verify-commit", "refs/agent-queue/log"}).code == 0);

  // k1 writes while it cannot reach origin (the remote renamed away): local-only events
  sb.git_ok(k1, {"remote", "rename", "origin", "away"});
  REQUIRE(sb.aq(k1, {"claim", "A-1", "--actor", "agent-a"}, signing_as(a)).code == 0);
  REQUIRE(sb.aq(k1, {"claim", "B-1", "--actor", "agent-b"}, signing_as(b)).code == 0);
  sb.git_ok(k1, {"remote", "rename", "away", "origin"});
  REQUIRE(sb.aq(k2, {"claim", "B-2", "--lane", "2", "--actor", "agent-b"}, signing_as(b)).code == 0);  // origin moves on

  // agent-a's sync re-signs agent-a's event on origin's tip; agent-b's needs agent-b
  Run s1 = sb.aq(k1, {"sync", "--actor", "agent-a", "--json"}, signing_as(a));
  INFO(s1.out << s1.err);
  REQUIRE(s1.code == 0);
  auto r1 = nlohmann::json::parse(s1.out);
  CHECK(r1["published"].size() == 1);
  CHECK(r1["pending_elsewhere"]["agent-b"] == 1);
  CHECK(sb.git(k1, {"rev-parse", "--verify", "-q", "refs/agent-queue/pending/agent-b"}).code == 0);
  Run s2 = sb.aq(k1, {"sync", "--actor", "agent-b", "--json"}, signing_as(b));
  INFO(s2.out << s2.err);
  REQUIRE(s2.code == 0);
  CHECK(nlohmann::json::parse(s2.out)["published"].size() == 1);

  REQUIRE(sb.aq(k2, {"sync"}).code == 0);
  auto v = sb.aq_json(k2, {"validate"});
  INFO(v.dump());
  CHECK(v["ok"] == true);
  CHECK(v["events"] == 4);
  CHECK(sb.aq_json(k2, {"show", "B-1"})["owner"] == "agent-b");
  Run shown = sb.git(k2, {"log", "--show-signature", "--format=%s", "refs/agent-queue/log"});
  CHECK(shown.out.find("Good \"git\" signature for agent-a") != std::string::npos);
  CHECK(shown.out.find("Good \"git\" signature for agent-b") != std::string::npos);
}

TEST_CASE("signing: hooks verify without writing: the same verdict, no cache written", "[signing]") {
  Signed t;
  REQUIRE(t.as(t.a, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string forged = t.forge(t.copy_of_tip("00000000-0000-4000-8000-000000000005"));
  std::filesystem::remove_all(t.repo + "/.git/agentq");
  auto q = agentq::Queue::open_at(t.repo);
  REQUIRE(q);
  q->set_cache_writes(false);  // what pre-receive does: it runs in quarantine
  REQUIRE(q->load());
  REQUIRE(q->state().illegal.size() == 1);
  CHECK(q->state().illegal[0].code == agentq::Code::UNSIGNED_EVENT);
  CHECK(q->state().illegal[0].commit == forged);
  CHECK(q->state().task("A-1").owner == "agent-a");
  CHECK_FALSE(std::filesystem::exists(t.repo + "/.git/agentq"));
}

namespace {

// Definitions that set policy.require_signed in a spelling without the literal text of the
// key: a double-quoted key with an escape, or an alias of such a scalar anchored earlier.
enum class Spelling { escaped, alias };

std::string hidden_signing_yaml(Spelling how, const Key& a, const Key& alice, bool remote = false) {
  std::string y = "version: 1\nroles:\n  backend: { kind: delivery }\n  coord: { kind: coordinator }\nactors:\n"
                  "  agent-a: { roles: [backend], key: \"" + a.pub + "\" }\n"
                  "  alice: { roles: [coord], human: true, key: \"" + alice.pub + "\" }\n";
  if (how == Spelling::alias) {
    y += "tasks:\n  - { id: A-1, role: backend, title: &signing \"require\\x5fsigned\" }\n"
         "policy:\n  base: main\n  *signing : true\n";
  } else {
    y += "tasks:\n  - { id: A-1, role: backend }\n"
         "policy:\n  base: main\n  \"require\\x5fsigned\": true\n";
  }
  REQUIRE(y.find("require_signed") == std::string::npos);
  return remote ? with_remote(y) : y;
}

// An unsigned claim of A-1 by agent-a on top of refs/agent-queue/log in `dir`, legal in every
// other way, made with plain git. Returns the commit (no ref moved).
std::string forge_unsigned_claim(const Sandbox& sb, const std::string& dir) {
  const std::string main = sb.git_ok(dir, {"rev-parse", "main"});
  const std::string json = R"({"actor":"agent-a","at":"2026-01-01T00:00:00Z","defs":")" + main +
                           R"(","id":"forged-unsigned-1","lane":1,"role":"backend","task":"A-1","type":"claim","v":1})";
  const std::string tree = sb.git_ok(dir, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  Run forged = sb.run({"sh", "-c", "printf 'claim A-1 by agent-a (backend, lane 1)\\n\\n%s\\n' '" + json +
                                       "' | git commit-tree " + tree + " -p refs/agent-queue/log"},
                      dir);
  REQUIRE(forged.code == 0);
  return forged.out.substr(0, 40);
}

}  // namespace

TEST_CASE("signing: require_signed spelled without its literal text still refuses unsigned events in validate",
          "[signing]") {
  const Spelling how = GENERATE(Spelling::escaped, Spelling::alias);
  Sandbox sb;
  Key a = ssh_key(sb, "agent-a"), alice = ssh_key(sb, "alice");
  const std::string repo = sb.make_repo("repo", hidden_signing_yaml(how, a, alice));
  Run init = sb.aq(repo, {"init", "--actor", "alice"}, signing_as(alice));
  INFO(init.err);
  REQUIRE(init.code == 0);
  // the writers read the key (they refuse to write unsigned)
  Run unsigned_claim = sb.aq(repo, {"claim", "A-1", "--actor", "agent-a"});
  CHECK(has_code(unsigned_claim, "UNSIGNED_EVENT"));
  REQUIRE(sb.aq_json(repo, {"validate"})["ok"] == true);

  const std::string forged = forge_unsigned_claim(sb, repo);
  sb.git_ok(repo, {"update-ref", "refs/agent-queue/log", forged});
  Run v = sb.aq(repo, {"validate"});
  INFO(v.out << v.err);
  CHECK(v.code == 1);
  auto j = sb.aq_json(repo, {"validate"});
  CHECK(code_for(j, forged) == "UNSIGNED_EVENT");
  CHECK(sb.aq_json(repo, {"show", "A-1"})["status"] == "todo");  // the forged claim counts for nothing
}

TEST_CASE("signing: pre-receive refuses an unsigned event when require_signed is spelled without its literal text",
          "[signing][pre-receive]") {
  const Spelling how = GENERATE(Spelling::escaped, Spelling::alias);
  Sandbox sb;
  Key a = ssh_key(sb, "agent-a"), alice = ssh_key(sb, "alice");
  const std::string origin = sb.path("origin.git");
  sb.git_ok(sb.root(), {"init", "-q", "--bare", "-b", "main", origin});
  const std::string seed = sb.make_repo("seed", hidden_signing_yaml(how, a, alice, true));
  sb.git_ok(seed, {"remote", "add", "origin", origin});
  sb.git_ok(seed, {"push", "-q", "origin", "main"});
  Run init = sb.aq(seed, {"init", "--actor", "alice"}, signing_as(alice));
  INFO(init.err);
  REQUIRE(init.code == 0);
  Run inst = sb.aq(origin, {"install-hooks"});
  INFO(inst.err);
  REQUIRE(inst.code == 0);
  const std::string dev = sb.clone(origin, "dev");
  const std::string before = sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});

  const std::string forged = forge_unsigned_claim(sb, dev);
  Run push = sb.git(dev, {"push", "--no-verify", "origin", forged + ":refs/agent-queue/log"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has_code(push, "UNSIGNED_EVENT"));
  CHECK(push.err.find(forged.substr(0, 12)) != std::string::npos);
  CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == before);
  // a signed claim by the same actor goes through
  Run claim = sb.aq(dev, {"claim", "A-1", "--actor", "agent-a"}, signing_as(a));
  INFO(claim.err);
  CHECK(claim.code == 0);
}

TEST_CASE("signing: the signature cache is checksummed with SHA-256, and another format or a damaged record is set aside",
          "[signing]") {
  Signed t;
  REQUIRE(t.as(t.a, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string cache = t.repo + "/.git/agentq/signatures";
  REQUIRE(t.sb.aq(t.repo, {"validate"}).code == 0);
  std::string written = t.sb.read("repo/.git/agentq/signatures");
  REQUIRE(written.rfind("agentq signature cache 2\n", 0) == 0);
  auto asides = [&]() {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(t.repo + "/.git/agentq"))
      n += e.path().filename().string().rfind("signatures.corrupt-", 0) == 0;
    return n;
  };
  // Without the replay snapshot (which holds the verdicts already) replay asks the cache again.
  auto forget_snapshot = [&]() { std::filesystem::remove_all(t.repo + "/.git/agentq/snapshots"); };
  // one byte of a record changed: its checksum fails
  written[written.size() - 40] = static_cast<char>(written[written.size() - 40] ^ 1);
  t.sb.write("repo/.git/agentq/signatures", written);
  forget_snapshot();
  Run damaged = t.sb.aq(t.repo, {"validate"});
  CHECK(damaged.code == 0);
  CHECK(damaged.err.find("CACHE_CORRUPT: the signature cache failed its checksum") != std::string::npos);
  CHECK(asides() == 1);
  // a cache of the first format (FNV-1a checksums), as git-agentq 0.1 wrote it
  t.sb.write("repo/.git/agentq/signatures", "agentq signature cache 1\n");
  forget_snapshot();
  Run old = t.sb.aq(t.repo, {"validate"});
  CHECK(old.code == 0);
  CHECK(old.err.find("CACHE_CORRUPT: the signature cache is in another version's format") != std::string::npos);
  CHECK(asides() == 2);  // set aside, never deleted
  forget_snapshot();
  CHECK(t.sb.aq(t.repo, {"validate"}).err.find("CACHE_CORRUPT") == std::string::npos);
  CHECK(t.sb.read("repo/.git/agentq/signatures").rfind("agentq signature cache 2\n", 0) == 0);
}
