#include "gitstore/remote.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sstream>

#include <git2.h>

#include "core/strings.h"
#include "gitstore/locks.h"
#include "gitstore/process.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

constexpr const char* kHeadsPrefix = "refs/heads/";
constexpr const char* kQueueNamespacePrefix = "refs/agent-queue/";
constexpr const char* kNotesPrefix = "refs/notes/";

// A hung ssh or a dead server must not hang an agent forever, but a first fetch of a large
// base branch can legitimately take minutes: AGENTQ_REMOTE_TIMEOUT, 10 minutes by default.
int remote_timeout_ms(const Repo& repo) { return static_cast<int>(repo.env().settings().remote_timeout_ms); }

std::string run_dir(const Repo& repo) { return repo.workdir().empty() ? repo.git_dir() : repo.workdir(); }

Result<ProcessResult> run_transport(const Repo& repo, const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.argv.push_back("git");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = run_dir(repo);
  // Never wait for a password on a terminal nobody watches, and read git's messages in one
  // language: they are classified below and shown to the user.
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"LC_ALL", "C"}};
  spec.unset_env = {"LANGUAGE"};
  spec.timeout_ms = remote_timeout_ms(repo);
  return run_process(spec);
}

bool contains_any(const std::string& haystack, std::initializer_list<const char*> needles) {
  for (const char* n : needles)
    if (haystack.find(n) != std::string::npos) return true;
  return false;
}

// git's stderr without the boilerplate, as one line: "fatal: x\nfatal: y" -> "x; y".
std::string condense(const std::string& err) {
  std::istringstream in(err);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    for (const char* prefix : {"fatal: ", "error: ", "remote: "})
      if (line.rfind(prefix, 0) == 0) line = line.substr(std::string(prefix).size());
    if (line.empty() || line.rfind("Please make sure you have", 0) == 0 || line == "and the repository exists.")
      continue;
    if (line.rfind("hint: ", 0) == 0 || line.rfind("To ", 0) == 0 || line == "Done") continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  if (out.size() > 600) {
    out.resize(600);
    out.append("...");
  }
  return out;
}

std::string describe(const Repo& repo, const std::string& remote) {
  auto url = repo.config_get("remote." + remote + ".url");
  return url ? remote + " (" + *url + ")" : remote;
}

bool auth_failure(const std::string& err_lower) {
  return contains_any(err_lower, {"permission denied", "authentication failed", "could not read username",
                                  "could not read password", "terminal prompts disabled", "host key verification failed",
                                  "invalid username or password", "access denied", "returned error: 401",
                                  "returned error: 403", "invalid credentials"});
}

bool local_ref_contention(const std::string& err_lower) {
  return contains_any(err_lower, {"cannot lock ref", "unable to update local ref", "some local refs could not be updated",
                                  "another git process seems to be running"});
}

// A failure of the transport itself (no ref was judged): which error it is.
Error transport_error(const Repo& repo, const std::string& remote, const std::string& verb, const ProcessResult& r) {
  const std::string who = describe(repo, remote);
  if (r.timed_out)
    return Error(Code::REMOTE_UNREACHABLE,
                 "git " + verb + " " + who + " timed out after " + std::to_string(remote_timeout_ms(repo) / 1000) + "s",
                 {},
                 verb == "push" ? "the push may or may not have landed: 'git agentq sync' finds out (events are idempotent)"
                                : "check the network; write with --offline meanwhile and run 'git agentq sync' later");
  if (!r.started) return Error(Code::GIT_ERROR, "cannot run git: " + condense(r.err), {}, "install git");
  const std::string detail = condense(r.err);
  const std::string l = lower(r.err);
  if (auth_failure(l))
    return Error(Code::REMOTE_AUTH_FAILED, "authentication to " + who + " failed: " + detail, {},
                 "fix the credentials for " + remote + " ('git " + verb + " " + remote + "' shows the same failure)");
  if (contains_any(l, {"could not resolve host", "connection refused", "connection timed out", "network is unreachable",
                       "no route to host", "unable to connect", "could not read from remote repository",
                       "does not appear to be a git repository", "repository not found", "unable to access",
                       "connection reset", "remote end hung up", "early eof", "returned error: 404"}))
    return Error(Code::REMOTE_UNREACHABLE, "cannot reach " + who + ": " + detail, {},
                 "check the network and the remote's URL (git remote -v); write with --offline meanwhile and run "
                 "'git agentq sync' later");
  return Error(Code::GIT_ERROR, "git " + verb + " " + who + " failed: " + detail);
}

struct PorcelainLine {
  char flag = ' ';
  std::string ref;     // the destination
  std::string reason;  // the text in parentheses, if any
};

std::vector<PorcelainLine> parse_porcelain(const std::string& out) {
  std::vector<PorcelainLine> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 3 || line[1] != '\t') continue;
    PorcelainLine p;
    p.flag = line[0];
    size_t tab = line.find('\t', 2);
    std::string spec = line.substr(2, tab == std::string::npos ? std::string::npos : tab - 2);
    size_t colon = spec.rfind(':');
    p.ref = colon == std::string::npos ? spec : spec.substr(colon + 1);
    if (tab != std::string::npos) {
      std::string summary = line.substr(tab + 1);
      size_t open = summary.find('('), close = summary.rfind(')');
      if (open != std::string::npos && close != std::string::npos && close > open)
        p.reason = summary.substr(open + 1, close - open - 1);
      else
        p.reason = summary;
    }
    lines.push_back(std::move(p));
  }
  return lines;
}

// Reasons git gives when a ref was not where the push expected it: another writer won.
bool race_reason(const std::string& reason) {
  return contains_any(lower(reason), {"stale info", "fetch first", "non-fast-forward", "atomic transaction failed",
                                      "failed to update ref", "failed to lock", "cannot lock", "incorrect old value",
                                      "already exists"});
}

std::string remote_messages(const std::string& err) {
  std::istringstream in(err);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("remote: ", 0) != 0) continue;
    line = line.substr(8);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

}  // namespace

std::string tracking_ref(const std::string& remote, const std::string& ref) {
  const std::string heads = kHeadsPrefix;
  if (ref.rfind(heads, 0) == 0) return "refs/remotes/" + remote + "/" + ref.substr(heads.size());
  // refs/agent-queue/log -> refs/remotes/<remote>/agent-queue/log; refs/notes/agentq -> …/notes/agentq
  return "refs/remotes/" + remote + "/" + ref.substr(5);
}

namespace {

// policy.remote and policy.base come from the definitions and end up on git's command line and
// in refspecs: accept only what git itself would accept as a remote and a branch name.
bool plausible_remote(const std::string& remote) {
  if (remote.empty() || remote.front() == '-') return false;
  int valid = 0;
  return git_remote_name_is_valid(&valid, remote.c_str()) == 0 && valid;
}

bool plausible_branch(const std::string& base) {
  if (base.empty() || base.front() == '-') return false;
  int valid = 0;
  return git_reference_name_is_valid(&valid, (kHeadsPrefix + base).c_str()) == 0 && valid;
}

}  // namespace

bool remote_configured(const Repo& repo, const std::string& remote) {
  return plausible_remote(remote) && repo.config_get("remote." + remote + ".url").has_value();
}

std::vector<std::string> queue_refspecs(const std::string& remote) {
  return {std::string("+") + kQueueNamespacePrefix + "*:refs/remotes/" + remote + "/agent-queue/*",
          std::string("+") + kNotesPrefix + "agentq*:refs/remotes/" + remote + "/notes/agentq*"};
}

Status configure_queue_refspecs(Repo& repo, const std::string& remote) {
  for (const auto& spec : queue_refspecs(remote)) AGENTQ_TRY(repo.config_add_unique("remote." + remote + ".fetch", spec));
  return {};
}

Result<RemoteRefs> fetch_queue(Repo& repo, const std::string& remote, const std::string& base, const FetchScope& scope) {
  if (!remote_configured(repo, remote))
    return fail(Error(Code::NO_REMOTE, "'" + remote + "' is not a configured remote of this repository", {},
                      "git remote add " + remote + " URL"));
  if (!base.empty() && !plausible_branch(base))
    return fail(Error(Code::DEF_INVALID, "policy.base '" + base + "' is not a valid branch name"));
  std::vector<std::string> specs = queue_refspecs(remote);
  const std::string base_ref = std::string(kHeadsPrefix) + base;
  bool with_base = !base.empty();
  // Another fetch of this repository may hold a tracking ref for a moment; a dead one holds it
  // until its lock is old enough to be cleared (gitstore/locks.h says which locks ever are).
  const auto give_up = std::chrono::steady_clock::now() + stale_lock_grace(repo.env()) + std::chrono::seconds(3);
  std::optional<Error> in_the_way;  // the last lock found busy
  for (int attempt = 0;; ++attempt) {
    std::vector<std::string> args = {"fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head",
                                     "--no-recurse-submodules"};
    if (scope.unshallow && git_repository_is_shallow(repo.raw()) == 1) args.push_back("--unshallow");
    args.push_back("--end-of-options");
    args.push_back(remote);
    args.insert(args.end(), specs.begin(), specs.end());
    if (scope.all_branches) args.push_back("+" + std::string(kHeadsPrefix) + "*:refs/remotes/" + remote + "/*");
    else if (with_base) args.push_back("+" + base_ref + ":" + tracking_ref(remote, base_ref));
    auto r = run_transport(repo, args);
    if (!r) return fail(r.error());
    if (r->exit_code == 0 && !r->timed_out) break;
    const std::string l = lower(r->err);
    // The remote may not have the base branch (yet): the queue is still worth having.
    if (with_base && l.find("couldn't find remote ref " + lower(base_ref)) != std::string::npos) {
      with_base = false;
      continue;
    }
    if (local_ref_contention(l)) {
      if (auto lock = lock_named_in(r->err)) {
        // git names the lock as it opened it: a relative path is relative to where git ran.
        const std::string path = lock->front() == '/' ? *lock : run_dir(repo) + "/" + *lock;
        auto check = clear_stale_lock(repo, path);
        if (!check) return fail(check.error());
        if (check->outcome == LockCheck::Outcome::removed) continue;
        if (check->outcome == LockCheck::Outcome::stuck) {
          Error e = check->why;
          e.message = "git fetch " + remote + " cannot lock a ref: " + e.message;
          return fail(e);
        }
        if (check->outcome == LockCheck::Outcome::busy) in_the_way = check->why;
      }
      if (std::chrono::steady_clock::now() < give_up) {
        repo.env().sleep_ms(repo.env().random_between(10, std::min(500L, 10L << std::min(attempt, 6))));
        continue;
      }
      if (in_the_way) {
        Error e = *in_the_way;
        e.message = "git fetch " + remote + " cannot lock a ref: " + e.message;
        return fail(e);
      }
      return fail(Error(Code::GIT_ERROR, "cannot update the tracking refs of " + remote + ": " + condense(r->err), {},
                        "if no other git process is running, remove the stale .lock file the message names"));
    }
    return fail(transport_error(repo, remote, "fetch", *r));
  }
  RemoteRefs refs;
  refs.log = repo.ref(tracking_ref(remote, "refs/agent-queue/log"));
  refs.notes = repo.ref(tracking_ref(remote, "refs/notes/agentq"));
  if (with_base) refs.base = repo.ref(tracking_ref(remote, base_ref));
  return refs;
}

Result<std::optional<std::string>> fetch_branch(Repo& repo, const std::string& remote, const std::string& branch) {
  if (!remote_configured(repo, remote))
    return fail(Error(Code::NO_REMOTE, "'" + remote + "' is not a configured remote of this repository", {},
                      "git remote add " + remote + " URL"));
  if (!plausible_branch(branch)) return fail(Error(Code::DEF_INVALID, "'" + branch + "' is not a valid branch name"));
  const std::string ref = std::string(kHeadsPrefix) + branch;
  auto r = run_transport(repo, {"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules",
                                "--end-of-options", remote, "+" + ref + ":" + tracking_ref(remote, ref)});
  if (!r) return fail(r.error());
  if (r->exit_code != 0 || r->timed_out) {
    if (!r->timed_out && lower(r->err).find("couldn't find remote ref " + lower(ref)) != std::string::npos)
      return std::optional<std::string>();
    return fail(transport_error(repo, remote, "fetch", *r));
  }
  return repo.ref(tracking_ref(remote, ref));
}

Result<PushOutcome> push_queue(Repo& repo, const std::string& remote, const std::vector<RefUpdate>& updates,
                               std::optional<Error>* locked) {
  if (updates.empty()) return PushOutcome::landed;
  std::vector<std::string> args = {"push", "--atomic", "--porcelain", "--recurse-submodules=no"};
  // An explicit expected value per ref: a lease taken from the tracking ref would be measured
  // against whatever a concurrent fetch put there, not against what this write was built on.
  for (const RefUpdate& u : updates) args.push_back("--force-with-lease=" + u.ref + ":" + u.expected.value_or(""));
  if (!plausible_remote(remote)) return fail(Error(Code::NO_REMOTE, "'" + remote + "' is not a valid remote name"));
  args.push_back("--end-of-options");
  args.push_back(remote);
  for (const RefUpdate& u : updates) args.push_back(u.target + ":" + u.ref);
  auto r = run_transport(repo, args);
  if (!r) return fail(r.error());
  if (r->exit_code == 0 && !r->timed_out) return PushOutcome::landed;
  std::vector<PorcelainLine> refused;
  for (auto& line : parse_porcelain(r->out))
    if (line.flag == '!') refused.push_back(std::move(line));
  if (refused.empty() || r->timed_out) return fail(transport_error(repo, remote, "push", *r));
  bool race = false, declined = false;
  for (const auto& line : refused) {
    if (race_reason(line.reason)) race = true;
    else if (lower(line.reason) != "atomic push failed") declined = true;
  }
  if (race || !declined) {
    if (auto lock = remote_lock(repo.env(), describe(repo, remote), r->err)) {
      if (lock->stale) return fail(lock->why);
      if (locked) *locked = lock->why;
    }
    return PushOutcome::stale;
  }
  std::string reasons;
  for (const auto& line : refused) reasons += (reasons.empty() ? "" : ", ") + line.ref + ": " + line.reason;
  const std::string said = remote_messages(r->err);
  return fail(Error(Code::REMOTE_REJECTED,
                    describe(repo, remote) + " refused the push (" + reasons + ")" + (said.empty() ? "" : ": " + said), {},
                    "nothing was published; do what the remote says, then run 'git agentq sync'"));
}

}  // namespace agentq
