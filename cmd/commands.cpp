// The command table (ninja's tool table): `git agentq` lists it, dispatch looks names up in it.
#include "cmd/context.h"

namespace agentq::cli {

int cmd_init(Context&, const std::vector<std::string>&);
int cmd_validate(Context&, const std::vector<std::string>&);
int cmd_status(Context&, const std::vector<std::string>&);
int cmd_ready(Context&, const std::vector<std::string>&);
int cmd_show(Context&, const std::vector<std::string>&);
int cmd_log(Context&, const std::vector<std::string>&);
int cmd_claim(Context&, const std::vector<std::string>&);
int cmd_unclaim(Context&, const std::vector<std::string>&);
int cmd_set_status(Context&, const std::vector<std::string>&);
int cmd_evidence(Context&, const std::vector<std::string>&);
int cmd_notes(Context&, const std::vector<std::string>&);
int cmd_check(Context&, const std::vector<std::string>&);
int cmd_handoff(Context&, const std::vector<std::string>&);
int cmd_review(Context&, const std::vector<std::string>&);
int cmd_merge_ready(Context&, const std::vector<std::string>&);
int cmd_merge(Context&, const std::vector<std::string>&);
int cmd_git_check(Context&, const std::vector<std::string>&);
int cmd_ci_check(Context&, const std::vector<std::string>&);
int cmd_override(Context&, const std::vector<std::string>&);
int cmd_complete(Context&, const std::vector<std::string>&);
int cmd_stats(Context&, const std::vector<std::string>&);
int cmd_graph(Context&, const std::vector<std::string>&);
int cmd_sync(Context&, const std::vector<std::string>&);
int cmd_install_hooks(Context&, const std::vector<std::string>&);
int cmd_hook(Context&, const std::vector<std::string>&);
int cmd_promote(Context&, const std::vector<std::string>&);
int cmd_release_guard(Context&, const std::vector<std::string>&);
int cmd_void(Context&, const std::vector<std::string>&);
int cmd_lanes(Context&, const std::vector<std::string>&);
int cmd_preflight(Context&, const std::vector<std::string>&);
int cmd_tick(Context&, const std::vector<std::string>&);
int cmd_prune_stale(Context&, const std::vector<std::string>&);
int cmd_run(Context&, const std::vector<std::string>&);
int cmd_import(Context&, const std::vector<std::string>&);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"init", "start the queue (first event, refspecs, notes.displayRef); idempotent", cmd_init},
      {"status", "the board: tasks by status and role", cmd_status},
      {"ready", "tasks that can be claimed now, in YAML order", cmd_ready},
      {"show", "one task: status, claim, evidence, handoff, reviews", cmd_show},
      {"log", "the events of the queue or of one task", cmd_log},
      {"claim", "claim a task (or --next --role R)", cmd_claim},
      {"unclaim", "release a claim; the task goes back to todo", cmd_unclaim},
      {"set-status", "block, unblock or finish a task", cmd_set_status},
      {"check", "run a task's acceptance checks in a clean worktree, record the evidence", cmd_check},
      {"evidence", "record the result of a command run elsewhere", cmd_evidence},
      {"handoff", "hand a task off for review at an exact commit", cmd_handoff},
      {"review", "approve or request changes on a handed-off commit", cmd_review},
      {"merge-ready", "every item a merge still needs, with codes and fixes", cmd_merge_ready},
      {"merge", "merge-ready, fast-forward base, record done, push atomically", cmd_merge},
      {"git-check", "cross-check the queue with the branches", cmd_git_check},
      {"ci-check", "CI on origin: fetch and check everything, text/json/junit, fails closed", cmd_ci_check},
      {"override", "audited emergency bypass of the base-branch gate (humans only)", cmd_override},
      {"void", "acknowledge an illegal event, with a reason (humans only)", cmd_void},
      {"sync", "fetch the queue, publish local and pending events, push log and notes", cmd_sync},
      {"validate", "replay the whole log and check it; exit 1 on findings", cmd_validate},
      {"stats", "latencies, retries, failure classes, queue depth (--json, --prometheus)", cmd_stats},
      {"graph", "the dependency DAG coloured by status (dot or mermaid)", cmd_graph},
      {"lanes", "lane worktrees: setup, status, teardown, review-refresh, launch", cmd_lanes},
      {"preflight", "is this lane ready to work as --role R? every failing item at once", cmd_preflight},
      {"tick", "the coordinator's tick: dispatch recommendations and what changed since the last tick", cmd_tick},
      {"prune-stale", "unclaim claims idle past policy.stale_after (--dry-run shows them)", cmd_prune_stale},
      {"run", "the stage runner: manager/executor stages, fail-closed gates, report and checkpoint", cmd_run},
      {"import", "switch from a YAML work queue: definitions plus the events of its state", cmd_import},
      {"notes", "notes rebuild: derive refs/notes/agentq from the log again", cmd_notes},
      {"install-hooks", "install the git hook shims (pre-receive in a bare origin); --uninstall restores", cmd_install_hooks},
      {"hook", "the entry point the installed hook shims call: hook NAME [ARGS...]", cmd_hook},
      {"promote", "release a base commit: record the evidence, move policy.release (humans only)", cmd_promote},
      {"release-guard", "check policy.release points at a promoted commit on base; exit 1 otherwise", cmd_release_guard},
      {"complete", "", cmd_complete},  // hidden: words for shell completion
  };
  return table;
}

}  // namespace agentq::cli
