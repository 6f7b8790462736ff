// Writes a synthetic queue history through gitstore, in one process: a repository with N tasks
// in .agentq/queue.yaml on main and M legal events on refs/agent-queue/log (per task: claim,
// passing acceptance evidence, more evidence, handoff, done — what merge-ready needs), the
// matching notes, packed.
//
//   agentq_gen_history DIR --tasks N --events M
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/timeutil.h"
#include "gitstore/event_log.h"
#include "gitstore/notes.h"
#include "gitstore/process.h"
#include "gitstore/repo.h"
#include "gitstore/system.h"

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

std::string definitions(long tasks) {
  std::string y = "version: 1\npolicy:\n  base: main\nroles:\n";
  for (int r = 0; r < kRoles; ++r) y += "  r" + std::to_string(r) + ": { kind: delivery, lanes: 2 }\n";
  y += "  coord: { kind: coordinator }\nactors:\n";
  for (int r = 0; r < kRoles; ++r) y += "  a" + std::to_string(r) + ": { roles: [r" + std::to_string(r) + "] }\n";
  y += "  alice: { roles: [coord], human: true }\ntasks:\n";
  for (long i = 0; i < tasks; ++i) {
    y += "  - id: " + task_id(i) + "\n    title: synthetic task " + std::to_string(i) + "\n    role: r" +
         std::to_string(i % kRoles) + "\n    acceptance_checks: [\"make test-" + std::to_string(i) + "\"]\n";
    if (i >= kRoles) y += "    depends_on: [" + task_id(i - kRoles) + "]\n";
  }
  return y;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return die("usage: agentq_gen_history DIR --tasks N --events M");
  const std::string dir = argv[1];
  long tasks = 1000, events = 10000;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--tasks") tasks = std::atol(argv[i + 1]);
    else if (a == "--events") events = std::atol(argv[i + 1]);
    else return die("unknown option " + a);
  }
  if (path_exists(dir)) return die(dir + " exists");
  if (!make_dirs(dir + "/.agentq")) return die("cannot create " + dir);
  auto init = run_git({"init", "-q", "-b", "main", dir});
  if (!init || init->exit_code != 0) return die("git init failed");
  if (!write_file_atomic(dir + "/.agentq/queue.yaml", definitions(tasks))) return die("cannot write the definitions");
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
    auto c = create_event_commit(*repo, e, tip, {}, nullptr);
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
  auto pack = run_git({"repack", "-adq"}, dir);
  if (!pack || pack->exit_code != 0) return die("git repack failed");
  std::printf("%s: %ld tasks, %ld events, %zu notes commits\n", dir.c_str(), tasks, written, notes->commits);
  return 0;
}
