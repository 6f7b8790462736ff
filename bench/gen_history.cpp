// Writes a synthetic queue history through gitstore, in one process: a repository with N tasks
// in .agentq/queue.yaml on main and M legal events on refs/agent-queue/log (per task: claim,
// passing acceptance evidence, more evidence, handoff, done — what merge-ready needs), the
// matching notes, packed.
//
//   agentq_gen_history DIR --tasks N --events M [--signed]
//
// --signed: policy.require_signed, every actor declares one ed25519 key generated here, and
// every event is signed in-process the way `ssh-keygen -Y sign -n git` would (sshsig, sha512),
// so signed histories of any size are cheap to make; DIR/.git/agentq-bench-key.pub holds the
// public key and the allowed-signers file is set up so `git log --show-signature` verifies.
//
//   agentq_gen_history --verify-bench DIR
//
// Verifies every event signature of DIR's log in-process (no cache) and prints the time per
// event in microseconds: the figure bench/verify.sh compares with `ssh-keygen -Y verify`.
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/sshsig.h"
#include "core/timeutil.h"
#include "gitstore/event_log.h"
#include "gitstore/notes.h"
#include "gitstore/process.h"
#include "gitstore/repo.h"
#include "gitstore/system.h"
#include "gitstore/verify.h"

using namespace agentq;

namespace {

constexpr int kRoles = 10;

int die(const std::string& msg) {
  std::fprintf(stderr, "gen_history: %s\n", msg.c_str());
  return 1;
}

std::string task_id(long i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%06ld", i);
  return buf;
}

// Signs like `ssh-keygen -Y sign -n git` with an ed25519 key held in memory.
class BenchSigner : public Signer {
 public:
  BenchSigner() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    if (ctx && EVP_PKEY_keygen_init(ctx) == 1) EVP_PKEY_keygen(ctx, &key_);
    EVP_PKEY_CTX_free(ctx);
    unsigned char pub[32];
    size_t len = sizeof pub;
    if (key_ && EVP_PKEY_get_raw_public_key(key_, pub, &len) == 1)
      blob_ = ed25519_public_blob(std::string(reinterpret_cast<char*>(pub), len));
  }
  ~BenchSigner() override { EVP_PKEY_free(key_); }
  BenchSigner(const BenchSigner&) = delete;
  BenchSigner& operator=(const BenchSigner&) = delete;
  bool ok() const { return key_ && !blob_.empty(); }
  std::string public_key() const { return "ssh-ed25519 " + base64_encode(blob_); }

  Result<std::string> sign(const std::string& buffer) override {
    unsigned char md[64];
    unsigned int md_len = 0;
    EVP_Digest(buffer.data(), buffer.size(), md, &md_len, EVP_sha512(), nullptr);
    SshSig s;
    s.public_key_blob = blob_;
    s.key_type = "ssh-ed25519";
    s.namespace_ = "git";
    s.hash_algorithm = "sha512";
    s.sig_algorithm = "ssh-ed25519";
    const std::string data = sshsig_signed_data(s, std::string(reinterpret_cast<char*>(md), md_len));
    unsigned char sig[64];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                    EVP_DigestSign(ctx, sig, &sig_len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return fail(Error(Code::SIGNING_FAILED, "openssl could not sign"));
    s.sig_bytes.assign(reinterpret_cast<char*>(sig), sig_len);
    return sshsig_armor(sshsig_blob(s));
  }

 private:
  EVP_PKEY* key_ = nullptr;
  std::string blob_;
};

int verify_bench(const std::string& dir) {
  auto repo = Repo::open_at(dir);
  if (!repo) return die(repo.error().str());
  auto tip = repo->ref(kLogRef);
  if (!tip) return die("no log in " + dir);
  // Read the raw commits first, so only verification is timed.
  struct Raw {
    std::string sig, data;
  };
  std::vector<Raw> raws;
  auto slice = read_log(*repo, *tip);
  if (!slice) return die(slice.error().str());
  for (const LogEntry& e : slice->entries) {
    auto raw = run_git({"cat-file", "commit", e.commit}, dir);
    if (!raw || raw->exit_code != 0) return die("cat-file failed");
    Raw r;
    if (!split_signature(raw->out, &r.sig, &r.data) || r.sig.empty()) continue;
    raws.push_back(std::move(r));
    if (raws.size() >= 2000) break;
  }
  if (raws.empty()) return die("no signed events");
  const auto start = std::chrono::steady_clock::now();
  size_t good = 0;
  for (const Raw& r : raws) good += verify_ssh_signature(r.sig, r.data).state == SignatureCheck::State::good;
  const auto us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  if (good != raws.size()) return die("some signatures did not verify");
  std::printf("%.1f\n", us / static_cast<double>(raws.size()));
  return 0;
}

std::string definitions(long tasks, const std::string& key) {
  const std::string k = key.empty() ? std::string() : ", key: \"" + key + "\"";
  std::string y = "version: 1\npolicy:\n  base: main\n";
  if (!key.empty()) y += "  require_signed: true\n";
  y += "roles:\n";
  for (int r = 0; r < kRoles; ++r) y += "  r" + std::to_string(r) + ": { kind: delivery, lanes: 2 }\n";
  y += "  coord: { kind: coordinator }\nactors:\n";
  for (int r = 0; r < kRoles; ++r) y += "  a" + std::to_string(r) + ": { roles: [r" + std::to_string(r) + "]" + k + " }\n";
  y += "  alice: { roles: [coord], human: true" + k + " }\ntasks:\n";
  for (long i = 0; i < tasks; ++i) {
    y += "  - id: " + task_id(i) + "\n    title: synthetic task " + std::to_string(i) + "\n    role: r" +
         std::to_string(i % kRoles) + "\n    acceptance_checks: [\"make test-" + std::to_string(i) + "\"]\n";
    if (i >= kRoles) y += "    depends_on: [" + task_id(i - kRoles) + "]\n";
  }
  return y;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return die("usage: agentq_gen_history DIR --tasks N --events M [--signed] | --verify-bench DIR");
  if (std::string(argv[1]) == "--verify-bench") return argc < 3 ? die("--verify-bench DIR") : verify_bench(argv[2]);
  const std::string dir = argv[1];
  long tasks = 1000, events = 10000;
  bool sign = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--signed") {
      sign = true;
      continue;
    }
    if (i + 1 >= argc) return die("missing value for " + a);
    if (a == "--tasks") tasks = std::atol(argv[++i]);
    else if (a == "--events") events = std::atol(argv[++i]);
    else return die("unknown option " + a);
  }
  BenchSigner signer;
  if (sign && !signer.ok()) return die("cannot make an ed25519 key");
  const std::string key = sign ? signer.public_key() : std::string();
  if (path_exists(dir)) return die(dir + " exists");
  if (!make_dirs(dir + "/.agentq")) return die("cannot create " + dir);
  auto init = run_git({"init", "-q", "-b", "main", dir});
  if (!init || init->exit_code != 0) return die("git init failed");
  if (!write_file_atomic(dir + "/.agentq/queue.yaml", definitions(tasks, key))) return die("cannot write the definitions");
  for (auto args : std::vector<std::vector<std::string>>{
           {"add", "-A"}, {"-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "defs"}}) {
    auto r = run_git(args, dir);
    if (!r || r->exit_code != 0) return die("git " + args.front() + " failed");
  }
  // One work commit per task, chained on main, so evidence spreads over commits as it does in
  // real histories (a note is rewritten whole on every append to it) and done commits are on base.
  const std::string tasks_arg = std::to_string(tasks);
  auto chain = run_git({"-c", "user.name=bench", "-c", "user.email=bench@example.com", "fast-import", "--quiet"}, dir,
                       [&] {
                         std::string in;
                         for (long t = 0; t < tasks; ++t) {
                           in += "commit refs/heads/main\ncommitter bench <bench@example.com> " +
                                 std::to_string(1767225600 + t) + " +0000\ndata <<EOM\nwork on " + task_id(t) +
                                 "\nEOM\n";
                           if (t == 0) in += "from refs/heads/main^0\n";
                           in += "M 644 inline work/" + task_id(t) + "\ndata <<EOD\n" + task_id(t) + "\nEOD\n\n";
                         }
                         return in;
                       }());
  if (!chain || chain->exit_code != 0) return die("git fast-import failed: " + (chain ? chain->err : chain.error().message));
  auto repo = Repo::open_at(dir);
  if (!repo) return die(repo.error().str());
  auto defs_commit = repo->resolve_commit("main~" + tasks_arg);
  if (!defs_commit) return die(defs_commit.error().str());
  // Every event names main's tip as its definitions (the YAML is unchanged along the chain), so
  // each done commit is reachable from the base the event was judged under.
  auto tip_commit = repo->resolve_commit("main");
  if (!tip_commit) return die(tip_commit.error().str());
  const std::string base = *tip_commit;
  std::vector<std::string> work(static_cast<size_t>(tasks));
  for (long t = 0; t < tasks; ++t) {
    auto c = repo->resolve_commit("main~" + std::to_string(tasks - 1 - t));
    if (!c) return die(c.error().str());
    work[static_cast<size_t>(t)] = *c;
  }

  Millis clock = *parse_rfc3339("2026-01-01T00:00:00Z");
  long written = 0, n = 0;
  std::optional<std::string> tip;
  auto emit = [&](Event e) -> bool {
    e.id = "ev-" + std::to_string(++n);
    e.at = format_rfc3339(clock += 1000);
    e.defs = base;
    auto c = create_event_commit(*repo, e, tip, {}, sign ? &signer : nullptr);
    if (!c) {
      std::fprintf(stderr, "gen_history: %s\n", c.error().str().c_str());
      return false;
    }
    tip = *c;
    ++written;
    return true;
  };
  Event ev;
  ev.type = EventType::init;
  ev.base = "main";
  if (sign) ev.actor = "alice";  // a signed queue's init names its (human) actor
  if (!emit(ev)) return 1;
  // Per task: claim, acceptance evidence, more evidence, handoff, done. Tasks run in YAML order
  // so dependencies are always done.
  const long per_task = std::max(4L, events / std::max(1L, tasks));
  for (long t = 0; t < tasks && written < events; ++t) {
    const std::string id = task_id(t), role = "r" + std::to_string(t % kRoles), actor = "a" + std::to_string(t % kRoles);
    const std::string& commit = work[static_cast<size_t>(t)];
    const std::string parent = t == 0 ? *defs_commit : work[static_cast<size_t>(t - 1)];
    auto owner = [&](EventType type) {
      Event e;
      e.type = type;
      e.task = id;
      e.actor = actor;
      e.role = role;
      return e;
    };
    Event claim = owner(EventType::claim);
    claim.lane = 1;
    claim.branch = "agent/" + role + "-1";
    if (!emit(claim)) return 1;
    const std::string claim_id = "ev-" + std::to_string(n);
    std::vector<std::string> evidence;
    for (long k = 0; k < per_task - 3 && written < events - 2; ++k) {
      Event evd = owner(EventType::evidence);
      evd.command = k == 0 ? "make test-" + std::to_string(t) : "make lint-" + std::to_string(k);
      evd.result = "pass";
      evd.exit_code = 0;
      evd.duration_ms = 1200 + k;
      evd.kind = k == 0 ? "acceptance" : "other";
      evd.commit = commit;
      if (!emit(evd)) return 1;
      evidence.push_back("ev-" + std::to_string(n));
    }
    Event handoff = owner(EventType::handoff);
    handoff.claim = claim_id;
    handoff.lane = 1;
    handoff.branch = claim.branch;
    handoff.commit = commit;
    handoff.merge_base = parent;
    handoff.commits = {commit};
    handoff.files = {"work/" + id};
    handoff.evidence = evidence;
    if (!emit(handoff)) return 1;
    Event done = owner(EventType::status);
    done.claim = claim_id;
    done.status = "done";
    done.commit = commit;
    if (!emit(done)) return 1;
  }
  auto cas = compare_and_swap(*repo, kLogRef, *tip, std::nullopt, "bench: generated history");
  if (!cas || *cas != CasOutcome::moved) return die("cannot set the log ref");
  auto notes = update_notes(*repo, *tip);
  if (!notes) return die(notes.error().str());
  if (sign) {
    if (!write_file_atomic(dir + "/.git/agentq-bench-key.pub", key + "\n")) return die("cannot write the key");
    if (!make_dirs(dir + "/.git/agentq")) return die("cannot create .git/agentq");
    const std::string allowed = dir + "/.git/agentq-bench-allowed";
    if (!write_file_atomic(allowed, "bench namespaces=\"git\" " + key + "\n")) return die("cannot write allowed signers");
    auto cfg = run_git({"config", "gpg.ssh.allowedSignersFile", allowed}, dir);
    if (!cfg || cfg->exit_code != 0) return die("git config failed");
  }
  auto pack = run_git({"repack", "-adq"}, dir);
  if (!pack || pack->exit_code != 0) return die("git repack failed");
  std::printf("%s: %ld tasks, %ld events, %zu notes commits\n", dir.c_str(), tasks, written, notes->commits);
  return 0;
}
