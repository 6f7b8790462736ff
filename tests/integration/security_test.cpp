// The threat model of doc/security.md, tested the way an attacker with push access works: with
// stock git (`git commit-tree`, `git update-ref`, `git push --no-verify`) against a bare origin
// whose pre-receive hook is installed, and the same forgery reported by `validate` where a host
// runs no server hooks. Then the tool itself: what it refuses before writing and never destroys.
#include <filesystem>

#include <catch2/catch.hpp>

#include "harness.h"

using namespace agentq::it;

namespace {

const char* kSecYaml = R"(version: 1
policy:
  base: main
roles:
  backend: { kind: delivery, lanes: 2 }
  coord: { kind: coordinator }
actors:
  dev: { roles: [backend] }
  dev2: { roles: [backend] }
  alice: { roles: [coord], human: true }
tasks:
  - { id: T1, role: backend }
  - { id: T2, role: backend }
  - { id: T3, role: backend }
)";


// The message of commit `id` in `dir`, byte for byte, written to the sandbox file `file`.
void message_to(const Sandbox& sb, const std::string& dir, const std::string& id, const std::string& file) {
  Run r = sb.sh(dir, "git cat-file commit " + id + " | sed '1,/^$/d' > '" + sb.path(file) + "'");
  REQUIRE(r.code == 0);
}

// A commit made by hand: `tree`, one parent, the message in sandbox file `file`.
std::string forge(const Sandbox& sb, const std::string& dir, const std::string& tree, const std::string& parent,
                  const std::string& file) {
  return sb.git_ok(dir, {"commit-tree", tree, "-p", parent, "-F", sb.path(file)});
}

std::string empty_tree(const Sandbox& sb, const std::string& dir) {
  return sb.git_ok(dir, {"hash-object", "-t", "tree", "-w", "/dev/null"});
}

// The code of the validate finding about `commit` (empty: none).
std::string finding_for(const Sandbox& sb, const std::string& dir, const std::string& commit) {
  Run v = sb.aq(dir, {"validate", "--json"});
  auto j = nlohmann::json::parse(v.out);
  for (const auto& f : j["findings"])
    if (f["commit"] == commit) return f["code"].get<std::string>();
  return {};
}

struct Guarded {
  Sandbox sb;
  std::string origin, dir;
  Guarded() {
    origin = sb.make_origin("origin.git", with_remote(kSecYaml));
    Run inst = sb.aq(origin, {"install-hooks"});
    INFO(inst.err);
    REQUIRE(inst.code == 0);
    dir = sb.clone(origin, "dev");
  }
  std::string origin_ref(const std::string& ref) const {
    Run r = sb.git(origin, {"rev-parse", "-q", "--verify", ref});
    return r.code == 0 ? r.out.substr(0, 40) : std::string();
  }
};

}  // namespace

TEST_CASE("security: a copied event body in a new commit is DUPLICATE_EVENT_ID at origin and in validate",
          "[security][pre-receive]") {
  Guarded g;
  Run claim = g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"});
  INFO(claim.err);
  REQUIRE(claim.code == 0);
  const std::string tip = g.sb.git_ok(g.dir, {"rev-parse", "refs/agent-queue/log"});
  message_to(g.sb, g.dir, tip, "copy-msg");
  const std::string copy = forge(g.sb, g.dir, empty_tree(g.sb, g.dir), tip, "copy-msg");
  Run push = g.sb.git(g.dir, {"push", "--no-verify", "origin", copy + ":refs/agent-queue/log"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has(push.err, "error[DUPLICATE_EVENT_ID]"));
  CHECK(g.origin_ref("refs/agent-queue/log") == tip);
  // where origin runs no hook: the copy is a finding, never a silent no-op
  g.sb.git_ok(g.dir, {"update-ref", "refs/agent-queue/log", copy});
  CHECK(finding_for(g.sb, g.dir, copy) == "DUPLICATE_EVENT_ID");
  // while the writer's own retry of the same event stays a no-op that writes nothing
  g.sb.git_ok(g.dir, {"update-ref", "refs/agent-queue/log", tip});
}

TEST_CASE("security: a legal event in a hand-made commit (subject, tree) is refused at origin and in validate",
          "[security][pre-receive]") {
  Guarded g;
  REQUIRE(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"}).code == 0);
  // a legal event the tool made, kept local (--offline): its id is fresh on origin
  Run ev = g.sb.aq(g.dir, {"evidence", "T1", "--command", "make test", "--result", "pass", "--actor", "dev", "--offline"});
  INFO(ev.err);
  REQUIRE(ev.code == 0);
  const std::string pending = g.sb.git_ok(g.dir, {"rev-parse", "refs/agent-queue/pending/dev"});
  const std::string tip = g.origin_ref("refs/agent-queue/log");
  message_to(g.sb, g.dir, pending, "ev-msg");
  SECTION("another subject") {
    REQUIRE(g.sb.sh(g.dir, "sed -i '1s/.*/evidence T1 pass/' '" + g.sb.path("ev-msg") + "'").code == 0);
    const std::string c = forge(g.sb, g.dir, empty_tree(g.sb, g.dir), tip, "ev-msg");
    Run push = g.sb.git(g.dir, {"push", "--no-verify", "origin", c + ":refs/agent-queue/log"});
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[EVENT_INVALID]"));
    CHECK(has(push.err, "commit message"));
    CHECK(g.origin_ref("refs/agent-queue/log") == tip);
    g.sb.git_ok(g.dir, {"update-ref", "refs/agent-queue/log", c});
    CHECK(finding_for(g.sb, g.dir, c) == "EVENT_INVALID");
  }
  SECTION("a tree the event does not name") {
    const std::string tree = g.sb.git_ok(g.dir, {"rev-parse", "main^{tree}"});
    const std::string c = forge(g.sb, g.dir, tree, tip, "ev-msg");
    Run push = g.sb.git(g.dir, {"push", "--no-verify", "origin", c + ":refs/agent-queue/log"});
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[EVENT_INVALID]"));
    CHECK(has(push.err, "tree"));
    CHECK(g.origin_ref("refs/agent-queue/log") == tip);
  }
  SECTION("the commit exactly as the writer makes it is accepted") {
    Run sync = g.sb.aq(g.dir, {"sync", "--actor", "dev"});
    INFO(sync.err);
    CHECK(sync.code == 0);
    CHECK(g.origin_ref("refs/agent-queue/log") != tip);
  }
}

TEST_CASE("security: origin accepts only the log and the notes in the queue's namespaces", "[security][pre-receive]") {
  Guarded g;
  for (const std::string ref : {"refs/agent-queue/evil", "refs/agent-queue/pending/dev", "refs/notes/agentq-evil",
                                "refs/agent-queue-x"}) {
    Run push = g.sb.git(g.dir, {"push", "--no-verify", "origin", "main:" + ref});
    INFO(ref << ": " << push.err);
    CHECK(push.code != 0);
    CHECK(has(push.err, "error[REF_NOT_ALLOWED]"));
    CHECK(g.origin_ref(ref).empty());
  }
  // everything else is the host's business
  CHECK(g.sb.git(g.dir, {"push", "-q", "--no-verify", "origin", "main:refs/heads/feature"}).code == 0);
}

TEST_CASE("security: a rewritten notes history is refused at origin while its notes agree with the log",
          "[security][pre-receive]") {
  Guarded g;
  REQUIRE(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"}).code == 0);
  // an event that names a commit, so that there is a note
  REQUIRE(g.sb.aq(g.dir, {"evidence", "T1", "--command", "make", "--result", "pass", "--actor", "dev"}).code == 0);
  const std::string notes = g.origin_ref("refs/notes/agentq");
  REQUIRE_FALSE(notes.empty());
  const std::string tree = g.sb.git_ok(g.dir, {"rev-parse", "refs/notes/agentq^{tree}"});
  // the same tree in a new history
  const std::string rewrite = g.sb.git_ok(g.dir, {"commit-tree", tree, "-m", "rewrite"});
  Run push = g.sb.git(g.dir, {"push", "-f", "--no-verify", "origin", rewrite + ":refs/notes/agentq"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has(push.err, "error[NON_FAST_FORWARD]"));
  CHECK(g.origin_ref("refs/notes/agentq") == notes);
}

TEST_CASE("security: a non-owner's handoff moves no branch, an owner's never overwrites commits it lacks",
          "[security][handoff]") {
  Guarded g;
  Run claim = g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev", "--branch", "agent/t1"});
  INFO(claim.err);
  REQUIRE(claim.code == 0);
  g.sb.git_ok(g.dir, {"checkout", "-q", "-B", "agent/t1", "main"});
  const std::string mine = g.sb.commit_file(g.dir, "src/t1.c", "t1\n", "work on T1");
  Run h = g.sb.aq(g.dir, {"handoff", "T1", "--actor", "dev", "--commit", mine});
  INFO(h.err);
  REQUIRE(h.code == 0);
  REQUIRE(g.origin_ref("refs/heads/agent/t1") == mine);
  const std::string log = g.origin_ref("refs/agent-queue/log");

  SECTION("another actor hands off on the owner's branch") {
    const std::string other = g.sb.clone(g.origin, "other");
    g.sb.git_ok(other, {"checkout", "-q", "-B", "mine", "origin/main"});
    const std::string theirs = g.sb.commit_file(other, "src/evil.c", "x\n", "not T1's work");
    Run bad = g.sb.aq(other, {"handoff", "T1", "--actor", "dev2", "--commit", theirs, "--branch", "agent/t1"});
    INFO(bad.err);
    CHECK(bad.code != 0);
    CHECK(g.origin_ref("refs/heads/agent/t1") == mine);
    CHECK(g.origin_ref("refs/agent-queue/log") == log);
  }
  SECTION("the owner hands off a commit that lacks what the remote branch has") {
    const std::string other = g.sb.clone(g.origin, "other");
    g.sb.git_ok(other, {"checkout", "-q", "-B", "agent/t1", "origin/agent/t1"});
    const std::string pushed = g.sb.commit_file(other, "src/more.c", "more\n", "someone's commit");
    g.sb.git_ok(other, {"push", "-q", "--no-verify", "origin", "agent/t1"});
    g.sb.git_ok(g.dir, {"checkout", "-q", "agent/t1"});
    const std::string redo = g.sb.commit_file(g.dir, "src/t1.c", "t1 again\n", "rework T1");
    Run again = g.sb.aq(g.dir, {"handoff", "T1", "--actor", "dev", "--commit", redo});
    INFO(again.err);
    CHECK(again.code == 3);
    CHECK(has(again.err, "error[NON_FAST_FORWARD]"));
    CHECK(g.origin_ref("refs/heads/agent/t1") == pushed);
    CHECK(g.origin_ref("refs/agent-queue/log") == log);
  }
}

TEST_CASE("security: control characters and invalid UTF-8 are refused before writing, stored ones shown neutralised",
          "[security][bad-input]") {
  Guarded g;
  REQUIRE(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"}).code == 0);
  const std::string log = g.origin_ref("refs/agent-queue/log");
  for (const std::string& reason : {std::string("\x1b]0;pwned\x07"), std::string("bad \xff byte"), std::string("\x1b[2J")}) {
    Run r = g.sb.aq(g.dir, {"set-status", "T1", "blocked", "--reason", reason, "--actor", "dev"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "error[USAGE]"));
    CHECK(has(r.err, "--reason"));
    CHECK_FALSE(has(r.err, "\x1b"));
  }
  CHECK(g.origin_ref("refs/agent-queue/log") == log);
  CHECK(g.sb.git_ok(g.dir, {"rev-parse", "refs/agent-queue/log"}) == log);

  // a stored reason with escapes (forged where no hook runs) is printed harmlessly
  Run held = g.sb.aq(g.dir, {"set-status", "T1", "blocked", "--reason", "PLACEHOLDER", "--actor", "dev", "--offline"});
  INFO(held.err);
  REQUIRE(held.code == 0);
  const std::string pending = g.sb.git_ok(g.dir, {"rev-parse", "refs/agent-queue/pending/dev"});
  message_to(g.sb, g.dir, pending, "st-msg");
  REQUIRE(g.sb.sh(g.dir, "sed -i 's/PLACEHOLDER/\\\\u001b]0;pwned\\\\u0007\\\\u001b[2J/' '" + g.sb.path("st-msg") + "'").code == 0);
  REQUIRE(has(g.sb.read("st-msg"), "\\u001b]0;pwned"));
  const std::string c = forge(g.sb, g.dir, empty_tree(g.sb, g.dir), log, "st-msg");
  g.sb.git_ok(g.dir, {"update-ref", "-d", "refs/agent-queue/pending/dev"});
  g.sb.git_ok(g.dir, {"update-ref", "refs/agent-queue/log", c});
  Run show = g.sb.aq(g.dir, {"show", "T1"});
  INFO(show.out << show.err);
  CHECK(has(show.out, "blocked:     \\x1b]0;pwned\\x07\\x1b[2J"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"show", "T1"}, {"status"}, {"log"}, {"validate"}}) {
    Run r = g.sb.aq(g.dir, args);
    INFO(args.front());
    CHECK_FALSE(has(r.out, "\x1b"));
    CHECK_FALSE(has(r.out, "\x07"));
    CHECK_FALSE(has(r.err, "\x1b"));
  }
}

TEST_CASE("security: option-shaped and invalid branch names are refused with git's rules", "[security][bad-input]") {
  Guarded g;
  const std::string log = g.origin_ref("refs/agent-queue/log");
  for (const std::string branch : {"--upload-pack=touch pwned", "-x", "a..b", "a b", "x.lock", "feature/", "@", "a@{1}"}) {
    Run r = g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev", "--branch", branch});
    INFO(branch << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(has(r.err, "error[USAGE]"));
  }
  CHECK(g.origin_ref("refs/agent-queue/log") == log);
  CHECK_FALSE(std::filesystem::exists(g.sb.path("dev/pwned")));
  CHECK(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev", "--branch", "feature/t1.x"}).code == 0);
}

TEST_CASE("security: evidence --log reads no more than the cap keeps (an endless file)", "[security][evidence]") {
  Guarded g;
  REQUIRE(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"}).code == 0);
  Run r = g.sb.aq(g.dir, {"evidence", "T1", "--command", "yes", "--result", "pass", "--log", "/dev/zero", "--actor", "dev"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const long size = std::stol(g.sb.git_ok(g.dir, {"cat-file", "-s", "refs/agent-queue/log:logs/1.log"}));
  CHECK(size <= 256 * 1024 + 200);
  CHECK(has(g.sb.git_ok(g.dir, {"cat-file", "-p", "refs/agent-queue/log"}), "\"log_bytes\":"));
  CHECK(has(g.sb.git_ok(g.dir, {"show", "refs/agent-queue/log:logs/1.log"}), "[truncated: more than "));
}

TEST_CASE("security: a lock left on origin is named with its age, not reported as lost races", "[security][locks]") {
  Guarded g;
  const std::string lock = g.sb.path("origin.git/refs/agent-queue/log.lock");
  g.sb.write("origin.git/refs/agent-queue/log.lock", "");
  REQUIRE(g.sb.run({"touch", "-d", "1 hour ago", lock}).code == 0);
  Run r = g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"});
  INFO(r.err);
  CHECK(r.code == 4);
  CHECK(has(r.err, "error[REMOTE_LOCKED]"));
  CHECK(has(r.err, "log.lock"));
  CHECK(has(r.err, "old"));
  CHECK_FALSE(has(r.err, "lost to another writer"));
  CHECK(std::filesystem::exists(lock));  // another repository's lock is never removed
  std::filesystem::remove(lock);
  Run again = g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"});
  INFO(again.err);
  CHECK(again.code == 0);
}

TEST_CASE("security: definitions change on base only signed by a human actor the previous definitions declare",
          "[security][pre-receive][defs]") {
  Sandbox sb;
  std::filesystem::create_directories(sb.path("keys"));
  REQUIRE(sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", sb.path("keys/alice")}).code == 0);
  REQUIRE(sb.run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f", sb.path("keys/mallory")}).code == 0);
  std::string pub = sb.read("keys/alice.pub");
  while (!pub.empty() && pub.back() == '\n') pub.pop_back();
  std::string yaml = with_remote(kSecYaml);
  yaml.replace(yaml.find("alice: { roles: [coord], human: true }"), 38,
               "alice: { roles: [coord], human: true, key: \"" + pub + "\" }");
  const std::string origin = sb.make_origin("origin.git", yaml);
  REQUIRE(sb.aq(origin, {"install-hooks"}).code == 0);
  const std::string dir = sb.clone(origin, "coord");
  const std::string before = sb.git_ok(origin, {"rev-parse", "main"});
  // turning signatures on (or anything else) in an unsigned commit
  sb.write("coord/.agentq/queue.yaml", yaml + "  - { id: T4, role: backend }\n");
  sb.git_ok(dir, {"commit", "-q", "-am", "add T4"});
  Run push = sb.git(dir, {"push", "--no-verify", "origin", "main"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has(push.err, "error[DEFS_UNAUTHORISED]"));
  CHECK(sb.git_ok(origin, {"rev-parse", "main"}) == before);
  // where origin runs no hook, validate reports it
  Run v = sb.aq(dir, {"validate", "--json"});
  CHECK(v.code == 1);
  CHECK(has(v.out, "DEFS_UNAUTHORISED"));
  // signed by a key the definitions do not declare: still refused
  sb.git_ok(dir, {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + sb.path("keys/mallory"), "commit", "-q", "--amend",
                  "-S", "--no-edit"});
  push = sb.git(dir, {"push", "-f", "--no-verify", "origin", "main"});
  CHECK(push.code != 0);
  CHECK(has(push.err, "error[DEFS_UNAUTHORISED]"));
  // signed by alice, a human the previous definitions declare with this key: accepted
  sb.git_ok(dir, {"-c", "gpg.format=ssh", "-c", "user.signingkey=" + sb.path("keys/alice"), "commit", "-q", "--amend",
                  "-S", "--no-edit"});
  push = sb.git(dir, {"push", "--no-verify", "origin", "main"});
  INFO(push.err);
  CHECK(push.code == 0);
  CHECK(sb.aq(dir, {"validate"}).code == 0);
}

TEST_CASE("security: an event's definitions must be a commit on base when it lands, not one carrying its blob",
          "[security][pre-receive]") {
  Guarded g;
  REQUIRE(g.sb.aq(g.dir, {"claim", "T1", "--actor", "dev"}).code == 0);
  Run ev = g.sb.aq(g.dir, {"evidence", "T1", "--command", "make test", "--result", "pass", "--actor", "dev", "--offline"});
  REQUIRE(ev.code == 0);
  const std::string pending = g.sb.git_ok(g.dir, {"rev-parse", "refs/agent-queue/pending/dev"});
  const std::string main = g.sb.git_ok(g.dir, {"rev-parse", "main"});
  // a task-branch commit with base's definitions blob, which could be gc'd later
  g.sb.git_ok(g.dir, {"checkout", "-q", "-B", "agent/t1", "main"});
  const std::string side = g.sb.commit_file(g.dir, "src/t1.c", "t1\n", "work");
  g.sb.git_ok(g.dir, {"push", "-q", "--no-verify", "origin", "agent/t1"});
  message_to(g.sb, g.dir, pending, "defs-msg");
  REQUIRE(g.sb.sh(g.dir, "sed -i 's/\"defs\":\"" + main + "\"/\"defs\":\"" + side + "\"/' '" + g.sb.path("defs-msg") + "'").code == 0);
  REQUIRE(has(g.sb.read("defs-msg"), side));
  const std::string tip = g.origin_ref("refs/agent-queue/log");
  const std::string c = forge(g.sb, g.dir, empty_tree(g.sb, g.dir), tip, "defs-msg");
  Run push = g.sb.git(g.dir, {"push", "--no-verify", "origin", c + ":refs/agent-queue/log"});
  INFO(push.err);
  CHECK(push.code != 0);
  CHECK(has(push.err, "first-parent history"));
  CHECK(g.origin_ref("refs/agent-queue/log") == tip);
}

// A claim killed after its push landed but before its handle was written leaves the owner holding
// a claim it has no handle for. The owner's next `claim` re-claims it; nobody else can take it.
TEST_CASE("security: a claim killed between its push and its handle leaves the owner a way back in",
          "[security][crash]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string dir = sb.clone(origin, "agent");
  const std::map<std::string, std::string> quick = {{"AGENTQ_STALE_LOCK_MS", "200"}};

  // The exact moment, made by hand: the event is on origin, the handle never written.
  REQUIRE(sb.aq(dir, {"claim", "A-1", "--actor", "agent-a"}).code == 0);
  const std::string handle = sb.git_ok(dir, {"rev-parse", "--git-dir"}) + "/agentq/claim/A-1";
  REQUIRE(std::filesystem::exists(std::filesystem::path(dir) / handle));
  std::filesystem::remove(std::filesystem::path(dir) / handle);
  Run fenced = sb.aq(dir, {"set-status", "A-1", "blocked", "--reason", "probe", "--actor", "agent-a"});
  CHECK(fenced.code == 3);
  CHECK(has(fenced.err, "CLAIM_FENCED"));
  CHECK(sb.aq(dir, {"claim", "A-1", "--actor", "agent-b"}).code == 3);
  Run again = sb.aq(dir, {"claim", "A-1", "--actor", "agent-a"});
  INFO(again.all());
  CHECK(again.out.find("already claimed") == std::string::npos);
  REQUIRE(again.code == 0);
  CHECK(has(again.out, "re-claimed"));
  Run ev = sb.aq(dir, {"evidence", "A-1", "--command", "make test", "--result", "pass", "--actor", "agent-a"});
  INFO(ev.all());
  CHECK(ev.code == 0);
  // Claiming again where the live handle is writes nothing and says whose claim it is.
  const std::string tip = sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"});
  Run same = sb.aq(dir, {"claim", "A-1", "--actor", "agent-a"});
  INFO(same.all());
  CHECK(same.code == 3);
  CHECK(has(same.err, "already claimed by agent-a in this worktree"));
  CHECK(sb.git_ok(origin, {"rev-parse", "refs/agent-queue/log"}) == tip);
  REQUIRE(sb.aq(dir, {"unclaim", "A-1", "--actor", "agent-a"}).code == 0);

  // Killed at moments spread over the whole claim: whatever it left, one `claim` by the owner
  // gets a working claim, and origin stays valid.
  for (int delay : {0, 10, 25, 50, 80, 120, 180, 260, 400}) {
    INFO("killed after " << delay << " ms");
    Killed k = sb.run_killed(dir, {"claim", "A-1", "--actor", "agent-a"}, delay, delay % 20 ? Kill::tree : Kill::process,
                             quick);
    // Killed after origin took the event but before this clone's log moved, the next claim
    // finds the owner's own claim and says so; the one after re-claims.
    Run claim = sb.aq(dir, {"claim", "A-1", "--actor", "agent-a"}, quick);
    if (claim.code == 3 && has(claim.err, "meanwhile")) {
      CHECK(has(claim.err, "claimed by agent-a meanwhile"));
      CHECK(has(claim.err, "claim it again here to re-claim it"));
      claim = sb.aq(dir, {"claim", "A-1", "--actor", "agent-a"}, quick);
    }
    INFO(claim.all());
    // Claimed now, or the killed claim had written its handle here before it died.
    CHECK((claim.code == 0 || (claim.code == 3 && has(claim.err, "already claimed by agent-a in this worktree"))));
    Run status = sb.aq(dir, {"set-status", "A-1", "blocked", "--reason", "probe", "--actor", "agent-a"}, quick);
    INFO(status.all());
    CHECK(status.code == 0);
    Run un = sb.aq(dir, {"unclaim", "A-1", "--actor", "agent-a"}, quick);
    INFO(un.all());
    REQUIRE(un.code == 0);
  }
  Run v = sb.aq(origin, {"validate"});
  INFO(v.all());
  CHECK(v.code == 0);
}
