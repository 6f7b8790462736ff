// The command table: every command's interface, declared once. Help, completion, the
// manual's synopsis and the driver's parsing all read it (see cmd/command.h).
#include "cmd/command.h"

namespace agentq::cli {

// The command implementations (one file per command or small group).
int run_init(Invocation&);
int run_status(Invocation&);
int run_ready(Invocation&);
int run_show(Invocation&);
int run_log(Invocation&);
int run_claim(Invocation&);
int run_unclaim(Invocation&);
int run_set_status(Invocation&);
int run_check(Invocation&);
int run_evidence(Invocation&);
int run_handoff(Invocation&);
int run_review(Invocation&);
int run_refresh(Invocation&);
int run_merge_ready(Invocation&);
int run_merge(Invocation&);
int run_git_check(Invocation&);
int run_ci_check(Invocation&);
int run_override(Invocation&);
int run_void(Invocation&);
int run_sync(Invocation&);
int run_validate(Invocation&);
int run_stats(Invocation&);
int run_graph(Invocation&);
int run_lanes_setup(Invocation&);
int run_lanes_status(Invocation&);
int run_lanes_teardown(Invocation&);
int run_lanes_review_refresh(Invocation&);
int run_lanes_launch(Invocation&);
int run_preflight(Invocation&);
int run_tick(Invocation&);
int run_prune_stale(Invocation&);
int run_run(Invocation&);
int run_import(Invocation&);
int run_notes_rebuild(Invocation&);
int run_install_hooks(Invocation&);
int run_hook(Invocation&);
int run_promote(Invocation&);
int run_release_guard(Invocation&);
int run_mcp(Invocation&);

Status check_show(const Invocation&);
Status check_claim(const Invocation&);
Status check_unclaim(const Invocation&);
Status check_set_status(const Invocation&);
Status check_check(const Invocation&);
Status check_evidence(const Invocation&);
Status check_handoff(const Invocation&);
Status check_review(const Invocation&);
Status check_refresh(const Invocation&);
Status check_merge_ready(const Invocation&);
Status check_merge(const Invocation&);
Status check_override(const Invocation&);
Status check_void(const Invocation&);
Status check_preflight(const Invocation&);
Status check_run(const Invocation&);
Status check_import(const Invocation&);
Status check_promote(const Invocation&);
Status check_lanes_lane(const Invocation&);
Status check_lanes_launch(const Invocation&);

namespace {

OptionSpec flag(std::string name, std::string help) {
  OptionSpec o;
  o.name = std::move(name);
  o.help = std::move(help);
  return o;
}

OptionSpec text(std::string name, std::string placeholder, std::string help, Complete complete = Complete::none) {
  OptionSpec o;
  o.name = std::move(name);
  o.placeholder = std::move(placeholder);
  o.help = std::move(help);
  o.type = ValueType::text;
  o.complete = complete;
  return o;
}

OptionSpec choice(std::string name, std::string placeholder, std::string help, std::vector<std::string> choices) {
  OptionSpec o = text(std::move(name), std::move(placeholder), std::move(help), Complete::choices);
  o.choices = std::move(choices);
  return o;
}

OptionSpec integer(std::string name, std::string placeholder, std::string help, char short_name = 0) {
  OptionSpec o = text(std::move(name), std::move(placeholder), std::move(help));
  o.type = ValueType::integer;
  o.short_name = short_name;
  return o;
}

OptionSpec repeated(OptionSpec o) {
  o.type = o.type == ValueType::integer ? ValueType::integers : ValueType::texts;
  return o;
}

ArgSpec arg(std::string name, Complete complete = Complete::none, std::vector<std::string> choices = {}) {
  ArgSpec a;
  a.name = std::move(name);
  a.complete = choices.empty() ? complete : Complete::choices;
  a.choices = std::move(choices);
  return a;
}

ArgSpec rest(std::string name, Complete complete = Complete::none) {
  ArgSpec a = arg(std::move(name), complete);
  a.rest = true;
  return a;
}

// Options that many commands share, spelled the same everywhere.
OptionSpec opt_role(std::string help) { return text("role", "R", std::move(help), Complete::role); }
OptionSpec opt_commit(std::string help) { return text("commit", "SHA", std::move(help), Complete::ref); }
OptionSpec opt_reason(std::string help) { return text("reason", "TEXT", std::move(help)); }
OptionSpec opt_defs(std::string help) { return text("defs", "REV", std::move(help), Complete::ref); }

// The stage runner's per-stage options: --manager-bin, --manager-arg, … and the executor's.
std::vector<OptionSpec> run_options() {
  std::vector<OptionSpec> o = {
      flag("resume", "continue the run in OUT_DIR from its checkpoint"),
      flag("unpause", "with --resume: a human lets a paused candidate run again"),
      text("task", "TASK", "take the gate inputs from the queue for TASK and record the run as events", Complete::task),
      text("policy-status", "S", "policy gate input (pass: allow)"),
      text("ci-status", "S", "ci gate input (pass: success)"),
      text("review-status", "S", "review gate input (pass: approved)"),
      integer("timeout-ms", "N", "per stage attempt; the stage and its children are killed (0 = none)"),
      repeated(integer("transient-exit-code", "N", "a stage exit code that is retried (repeatable)")),
      integer("max-attempts", "N", "attempts per stage for transient failures (default 3)"),
      integer("backoff-ms", "N", "wait before the first retry, doubled each time (default 200)"),
      integer("backoff-cap-ms", "N", "longest wait between retries (default 5000)"),
      integer("pause-after", "N", "failed attempts of one stage that pause the candidate (default 3)"),
  };
  for (const std::string s : {"manager", "executor"}) {
    o.push_back(text(s + "-bin", "B", "the " + s + " program", Complete::file));
    o.push_back(repeated(text(s + "-arg", "A", "an argument (repeatable, kept whole: commas are not split)")));
    o.push_back(repeated(text(s + "-env", "K=V", "KEY=VALUE added to its environment (repeatable)")));
    o.push_back(repeated(
        text(s + "-expected-artifact", "P", "a file it must leave (valid JSON when *.json; repeatable)", Complete::file)));
  }
  return o;
}

// Designated initializers leave the fields a command does not set at their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
std::vector<Command> table() {
  std::vector<Command> t;
  auto add = [&](Command c) { t.push_back(std::move(c)); };

  add({.name = "init",
       .summary = "start the queue (first event, refspecs, notes.displayRef); idempotent",
       .synopsis = "init [--defs REV]",
       .description = "Start the queue: the init event, fetch refspecs and notes.displayRef.",
       .options = {opt_defs("read .agentq/queue.yaml (for policy.base) from REV instead of HEAD")},
       .needs = Needs::repo,
       .run = run_init});
  add({.name = "status",
       .summary = "the board: tasks by status and role",
       .synopsis = "status [--role R] [--defs REV] [--watch]",
       .description = "The coordinator's board: tasks by status and role.",
       .options = {opt_role("only this role"), opt_defs("definitions at REV (default: the tip of policy.base)"),
                   flag("watch", "draw the board again whenever the log, the base or a lane moves (q or Ctrl-C quits)")},
       .mcp = true,
       .run = run_status});
  add({.name = "ready",
       .summary = "tasks that can be claimed now, in YAML order",
       .synopsis = "ready [--role R]",
       .description = "Tasks that can be claimed now (dependencies done, a lane free), in YAML order.",
       .options = {opt_role("only this role")},
       .mcp = true,
       .run = run_ready});
  add({.name = "show",
       .summary = "one task: status, claim, evidence, handoff, reviews",
       .synopsis = "show TASK",
       .description = "One task: definition, status, claim, evidence, handoff, reviews.",
       .args = {arg("task", Complete::task)},
       .mcp = true,
       .run = run_show,
       .check = check_show});
  add({.name = "log",
       .summary = "the events of the queue or of one task",
       .synopsis = "log [TASK] [-n N]",
       .description = "The events of the queue (or of one task), newest first.",
       .args = {arg("task", Complete::task)},
       .options = {integer("max-count", "N", "show at most N events", 'n')},
       .keep_log = true,
       .run = run_log});
  add({.name = "claim",
       .summary = "claim a task (or --next [--role R]); by its owner, claim it again",
       .synopsis = "claim TASK | --next [--role R]  [--lane N] [--branch B] [--offline]",
       .description = "Claim a task for the acting actor: it moves to in_progress on a free lane of its role (in a "
                      "lane's worktree, that lane). By the owner again: a re-claim that supersedes its claim.",
       .args = {arg("task", Complete::task)},
       .options = {flag("next", "claim the first ready task of --role"),
                   opt_role("with --next: the role to take work for (default: the lane's, or the actor's only one)"),
                   integer("lane", "N", "take this lane of the role (default: the task's pinned lane, else the lowest free one)"),
                   text("branch", "B", "the branch the work happens on (default: agent/<role>[-<lane>])")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_claim,
       .check = check_claim});
  add({.name = "unclaim",
       .summary = "release a claim; the task goes back to todo",
       .synopsis = "unclaim TASK [--reason TEXT] [--offline]",
       .description = "Release a claim: the task goes back to todo (evidence is kept). By the owner or a coordinator.",
       .args = {arg("task", Complete::task)},
       .options = {opt_reason("why")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_unclaim,
       .check = check_unclaim});
  add({.name = "set-status",
       .summary = "block, unblock or finish a task",
       .synopsis = "set-status TASK in_progress|blocked|done [--reason TEXT] [--blocked-by TASK] [--commit SHA] [--offline]",
       .description =
           "Move a task: block it (with a reason), unblock it, or mark it done once its commit is on the base branch.",
       .args = {arg("task", Complete::task), arg("status", Complete::none, {"in_progress", "blocked", "done"})},
       .options = {opt_reason("why (required for blocked)"),
                   text("blocked-by", "TASK", "the task this one waits for", Complete::task),
                   opt_commit("for done: the commit merged into the base branch")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_set_status,
       .check = check_set_status});
  add({.name = "check",
       .summary = "run a task's acceptance checks in a clean worktree, record the evidence",
       .synopsis = "check TASK [--commit SHA] [--timeout SEC] [--offline]",
       .description = "Run the task's acceptance checks in a clean detached worktree and record each result as evidence.",
       .args = {arg("task", Complete::task)},
       .options = {opt_commit("the commit to test (default: HEAD)"),
                   integer("timeout", "SEC", "seconds per command (default: policy.check_timeout)")},
       .needs = Needs::writer,
       .offline = true,
       .mcp = true,
       .run = run_check,
       .check = check_check});
  add({.name = "evidence",
       .summary = "record the result of a command run elsewhere",
       .synopsis = "evidence TASK --command CMD --result pass|fail [--exit-code N] [--commit SHA] "
                   "[--kind code_anchor|runtime|other] [--log FILE] [--offline]",
       .description = "Record evidence of a command run elsewhere. Only exit status 0 is a pass.",
       .args = {arg("task", Complete::task)},
       .options = {text("command", "CMD", "the exact command that was run"),
                   choice("result", "R", "pass or fail", {"pass", "fail"}),
                   integer("exit-code", "N", "its exit status (decides the result)"),
                   opt_commit("the commit it was run on (default: HEAD)"),
                   choice("kind", "K", "code_anchor, runtime or other (default: other)", {"code_anchor", "runtime", "other"}),
                   text("log", "FILE", "attach this file's content (size-capped by policy.log_cap)", Complete::file)},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_evidence,
       .check = check_evidence});
  add({.name = "handoff",
       .summary = "hand a task off for review at an exact commit",
       .synopsis = "handoff TASK --commit SHA [--branch B] [--risks TEXT] [--next TEXT] "
                   "[--root-cause TEXT --owning-file PATH --proof-command CMD] [--offline]",
       .description = "Hand a task off for review at an exact commit; the task goes to in_review.",
       .args = {arg("task", Complete::task)},
       .options = {opt_commit("the commit handed off (default: HEAD)"),
                   text("branch", "B", "the branch it is on (default: the claim's branch)"),
                   text("risks", "TEXT", "remaining risks and blockers"),
                   text("next", "TEXT", "the next recommended slice"),
                   text("root-cause", "TEXT", "defects: the root cause, in one sentence"),
                   text("owning-file", "PATH", "defects: the file where the root cause was fixed", Complete::file),
                   text("proof-command", "CMD", "defects: the command that proves it (needs passing evidence)")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_handoff,
       .check = check_handoff});
  add({.name = "review",
       .summary = "approve or request changes on a handed-off commit",
       .synopsis = "review TASK --decision approved|changes_requested --commit SHA [--role R] [--note TEXT] "
                   "[--exception-note TEXT] [--offline]",
       .description = "Record a review of the exact handed-off commit.",
       .args = {arg("task", Complete::task)},
       .options = {choice("decision", "D", "approved or changes_requested", {"approved", "changes_requested"}),
                   opt_commit("the commit reviewed (the handoff commit)"),
                   opt_role("the reviewer role to act as"),
                   text("note", "TEXT", "findings"),
                   text("exception-note", "TEXT", "why a same-model review is acceptable this time")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_review,
       .check = check_review});
  add({.name = "refresh",
       .summary = "rebase a handed-off task onto base, re-run its checks, hand it off again",
       .synopsis = "refresh TASK [--timeout SEC] [--offline]",
       .description = "After base moved: rebase the handed-off commits onto the tip of the base branch (in a scratch "
                      "worktree), run the acceptance checks on the result and record them, hand it off again and move "
                      "the task branch in the worktree that has it. Approvals carry over when the patch is unchanged. "
                      "A conflict or a failing check stops there and leaves the branch as it was.",
       .args = {arg("task", Complete::task)},
       .options = {integer("timeout", "SEC", "seconds per check (default: policy.check_timeout)")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .run = run_refresh,
       .check = check_refresh});
  add({.name = "merge-ready",
       .summary = "every item a merge still needs, with codes and fixes",
       .synopsis = "merge-ready TASK",
       .description = "Check everything a merge needs; print every failing item with its code and fix. Exit 1 on any.",
       .args = {arg("task", Complete::task)},
       .mcp = true,
       .run = run_merge_ready,
       .check = check_merge_ready});
  add({.name = "merge",
       .summary = "merge-ready, fast-forward base, record done, push atomically",
       .synopsis = "merge TASK [--offline]",
       .description = "The coordinator's step: merge-ready, fast-forward the base branch to the handoff commit, record "
                      "done, and with a remote push base, the log and the notes in one atomic push. Never half-done.",
       .args = {arg("task", Complete::task)},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .mcp = true,
       .run = run_merge,
       .check = check_merge});
  add({.name = "git-check",
       .summary = "cross-check the queue with the branches",
       .synopsis = "git-check",
       .description = "Cross-check the queue with the branches; exit 1 on findings.",
       .run = run_git_check});
  add({.name = "ci-check",
       .summary = "CI on origin: fetch and check everything, text/json/junit, fails closed",
       .synopsis = "ci-check [--remote R] [--format text|json|junit] [--output FILE] [--last-green FILE]",
       .description = "Fetch the queue and the branches from the remote and check everything; fails closed.",
       .options = {text("remote", "R", "the remote to check (default: origin when configured, else the local refs)"),
                   choice("format", "F", "text, json or junit", {"text", "json", "junit"}),
                   text("output", "FILE", "write the report there (stdout keeps the text summary)", Complete::file),
                   text("last-green", "FILE",
                        "a file holding the queue tip of the last green run; the queue must still contain it, and a "
                        "green run records the new tip there",
                        Complete::file)},
       .needs = Needs::repo,
       .run = run_ci_check});
  add({.name = "override",
       .summary = "audited emergency bypass of the base-branch gate (humans only)",
       .synopsis = "override TASK --reason TEXT [--commit SHA] [--offline]",
       .description = "Let the commits of TASK up to SHA onto the base branch without merge-ready (human actors only). "
                      "Hooks and ci-check accept them and report the override.",
       .args = {arg("task", Complete::task)},
       .options = {opt_reason("why this cannot wait (required)"), opt_commit("the last commit let through (default: HEAD)")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .run = run_override,
       .check = check_override});
  add({.name = "void",
       .summary = "acknowledge an illegal event, with a reason (humans only)",
       .synopsis = "void EVENT_ID --reason TEXT [--offline]",
       .description = "Acknowledge an illegal event (by event id or commit id), with a reason. Human actors only.",
       .args = {arg("event")},
       .options = {opt_reason("why it is acknowledged (required)")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .run = run_void,
       .check = check_void});
  add({.name = "sync",
       .summary = "fetch the queue, publish local and pending events, push log and notes",
       .synopsis = "sync [--actor NAME]",
       .description = "Fetch the queue from policy.remote, publish this repository's local events and the actor's "
                      "pending (--offline) events on top of it, and push log and notes atomically. Exit 3 when a "
                      "pending event was rejected (it is kept under the git common dir's agentq/rejected/).",
       .needs = Needs::repo,
       .mcp = true,
       .run = run_sync});
  add({.name = "validate",
       .summary = "replay the whole log and check it; exit 1 on findings",
       .synopsis = "validate [--defs REV]",
       .description = "Replay the whole log, check every event and the notes view; exit 1 on findings.",
       .options = {opt_defs("cross-check against the definitions at REV (default: the tip of policy.base)")},
       .keep_log = true,
       .mcp = true,
       .run = run_validate});
  add({.name = "stats",
       .summary = "latencies, retries, failure classes, queue depth (--json, --prometheus)",
       .synopsis = "stats [--since DURATION] [--json | --prometheus]",
       .description =
           "Latencies (claim to handoff, handoff to review, review to done), retries, failure classes, queue depth.",
       .options = {text("since", "DURATION", "only events of the last DURATION (e.g. 7d, 24h)"),
                   flag("prometheus", "Prometheus text exposition format")},
       .keep_log = true,
       .run = run_stats});
  add({.name = "graph",
       .summary = "the dependency DAG coloured by status (dot, mermaid or svg)",
       .synopsis = "graph [--format dot|mermaid|svg]",
       .description = "The dependency DAG, coloured by status, with a dashed edge from the task a blocked task waits for.",
       .options = {choice("format", "F", "dot (default), mermaid, or svg (through Graphviz's dot)", {"dot", "mermaid", "svg"})},
       .run = run_graph});
  add({.name = "lanes setup",
       .summary = "a worktree per lane on agent/<role>[-<lane>], with its actor and signing key",
       .synopsis = "lanes setup [--assign LANE=ACTOR]...",
       .description = "Create a worktree on branch agent/<role>[-<lane>] for every delivery and review lane, from "
                      "<remote>/<base> (or the local base), and write each lane's actor and signing key with "
                      "'git config --worktree'. Idempotent: existing worktrees and branches are kept.",
       .options = {repeated(text("assign", "LANE=ACTOR", "the actor of a lane (default: the role's actors dealt over its lanes)"))},
       .needs = Needs::fetched,
       .run = run_lanes_setup});
  add({.name = "lanes status",
       .summary = "per lane: path, branch, ahead/behind, dirty files, task, last activity",
       .synopsis = "lanes status",
       .description = "Per lane: path, branch, ahead/behind the base, dirty files, the task it holds, last activity.",
       .run = run_lanes_status});
  add({.name = "lanes teardown",
       .summary = "remove a lane's worktree and branch (refused while it holds work)",
       .synopsis = "lanes teardown [--force] ROLE[-LANE]",
       .description = "Remove a lane's worktree and branch. Refused (exit 3) while the lane holds claimed work, has "
                      "uncommitted changes or commits on neither the base nor the remote; --force removes it anyway, "
                      "saving uncommitted work as a patch first and keeping a branch that holds work.",
       .args = {arg("lane", Complete::lane)},
       .options = {flag("force", "remove it despite what blocks it")},
       .run = run_lanes_teardown,
       .check = check_lanes_lane});
  add({.name = "lanes review-refresh",
       .summary = "move review/<role>[-<lane>] to the fetched role branch",
       .synopsis = "lanes review-refresh ROLE[-LANE]",
       .description = "Move the branch review/<role>[-<lane>] to the fetched role branch (never a detached FETCH_HEAD) "
                      "and, in a lane worktree, switch to it. Without a remote the local role branch is used.",
       .args = {arg("lane", Complete::lane)},
       .run = run_lanes_review_refresh,
       .check = check_lanes_lane});
  add({.name = "lanes launch",
       .summary = "write a tmux or zellij layout: the coordinator plus one pane per lane",
       .synopsis = "lanes launch [--tool tmux|zellij] [--output FILE] [--exec]",
       .description = "Write a terminal layout: the coordinator's checkout plus one pane per lane worktree; with --exec "
                      "start it.",
       .options = {choice("tool", "T", "tmux or zellij (default: whichever is installed, tmux first)", {"tmux", "zellij"}),
                   text("output", "FILE", "where to write it (default: <git common dir>/agentq/lanes.tmux.sh or lanes.kdl)",
                        Complete::file),
                   flag("exec", "start the layout after writing it")},
       .run = run_lanes_launch,
       .check = check_lanes_launch});
  add({.name = "preflight",
       .summary = "is this lane ready to work as --role R? every failing item at once",
       .synopsis = "preflight --role R",
       .description = "Check that this lane can work as role R: clean tree, on its lane branch, based on "
                      "<remote>/<base>, hooks installed, the configured signing key is the actor's declared key, the "
                      "actor holds R. Every failing item at once; exit 1 when any fails.",
       .options = {opt_role("the role the lane works as")},
       .needs = Needs::fetched,
       .run = run_preflight,
       .check = check_preflight});
  add({.name = "tick",
       .summary = "the coordinator's tick: dispatch recommendations and what changed since the last tick",
       .synopsis = "tick",
       .description = "The coordinator's tick: what changed since the last tick (in this worktree) and a dispatch "
                      "recommendation per idle lane.",
       .needs = Needs::fetched,
       .run = run_tick});
  add({.name = "prune-stale",
       .summary = "unclaim claims idle past policy.stale_after (--dry-run shows them)",
       .synopsis = "prune-stale [--dry-run] [--offline]",
       .description = "Unclaim every claim with no activity for longer than policy.stale_after, with an unclaim event "
                      "naming the reason. A lane's uncommitted work is left as it is (a copy is saved as a patch).",
       .options = {flag("dry-run", "only show what would be pruned")},
       .offline = true,
       .run = run_prune_stale});
  add({.name = "run",
       .summary = "the stage runner: manager/executor stages, fail-closed gates, report and checkpoint",
       .synopsis = "run OUT_DIR [--resume [--unpause]] [--task TASK | --policy-status S --ci-status S --review-status S] "
                   "[--manager-bin B [--manager-arg A]... [--manager-env K=V]... [--manager-expected-artifact P]...] "
                   "[--executor-bin B ...same...] [--timeout-ms N] [--transient-exit-code N]... [--max-attempts N] "
                   "[--backoff-ms N] [--backoff-cap-ms N] [--pause-after N]",
       .description = "Run the manager and executor stages as child processes, then the fail-closed gates policy, ci "
                      "and review; write OUT_DIR/orchestrator_run_report.json and orchestrator_checkpoint.json. Exit 0 "
                      "only when done.",
       .args = {arg("out_dir", Complete::dir)},
       .options = run_options(),
       .needs = Needs::nothing,
       .offline = true,
       .run = run_run,
       .check = check_run});
  add({.name = "import",
       .summary = "switch from a YAML work queue: definitions plus the events of its state",
       .synopsis = "import FILE [--dry-run] [--offline]",
       .description = "Turn an existing YAML work queue (tasks with status, owner, branch, commit, evidence) into "
                      "git-agentq definitions, committed to the base branch, plus the events that reproduce its state.",
       .args = {arg("file", Complete::file)},
       .options = {flag("dry-run", "show the definitions and events, write nothing")},
       .needs = Needs::repo,
       .offline = true,
       .run = run_import,
       .check = check_import});
  add({.name = "notes rebuild",
       .summary = "derive refs/notes/agentq from the log again",
       .synopsis = "notes rebuild",
       .description = "Derive refs/notes/agentq from the log again (the old tip stays in its reflog).",
       .needs = Needs::repo,
       .run = run_notes_rebuild});
  add({.name = "install-hooks",
       .summary = "install the git hook shims (pre-receive in a bare origin); --uninstall restores",
       .synopsis = "install-hooks [--uninstall]",
       .description = "Install the hook shims where git runs hooks (core.hooksPath honoured), chaining any hook already "
                      "there: pre-push, pre-merge-commit and reference-transaction, or pre-receive in a bare "
                      "repository. Idempotent; run it again after policy.base or policy.release changes.",
       .options = {flag("uninstall", "remove the shims and restore the hooks they chained")},
       .needs = Needs::repo,
       .run = run_install_hooks});
  add({.name = "hook",
       .summary = "the entry point the installed hook shims call: hook NAME [ARGS...]",
       .synopsis = "hook NAME [ARGS...]",
       .description = "The entry point of the installed hook shims: pre-push, pre-merge-commit, reference-transaction "
                      "(client) and pre-receive (origin). Reads the hook's input like git gives it; exit 1 refuses.",
       .args = {arg("name", Complete::hook), rest("args")},
       .needs = Needs::nothing,  // each hook loads the state the update would create
       .run = run_hook});
  add({.name = "promote",
       .summary = "release a base commit: record the evidence, move policy.release (humans only)",
       .synopsis = "promote SHA --risks TEXT --rollback TEXT [--offline]",
       .description = "Release a commit of the base branch: record the release evidence (tasks, their checks and "
                      "reviews, risks, rollback plan) and move policy.release to exactly that commit, pushing both "
                      "atomically when a remote is configured. Humans only.",
       .args = {arg("sha", Complete::ref)},
       .options = {text("risks", "TEXT", "what could go wrong (required)"), text("rollback", "TEXT", "how to undo it (required)")},
       .needs = Needs::writer,
       .offline = true,
       .event_id = true,
       .run = run_promote,
       .check = check_promote});
  add({.name = "release-guard",
       .summary = "check policy.release points at a promoted commit on base; exit 1 otherwise",
       .synopsis = "release-guard",
       .description = "Check that policy.release (the local branch, and <remote>/<release> when fetched) points at a SHA "
                      "a promote event recorded and that base contains. Exit 1 otherwise.",
       .run = run_release_guard});
  add({.name = "mcp",
       .summary = "serve the queue commands to coding agents over MCP (stdio)",
       .synopsis = "mcp [--repo DIR]",
       .description = "A Model Context Protocol server on stdin/stdout (JSON-RPC 2.0, one message a line): one tool per "
                      "queue command an agent uses, its input schema generated from the command's options, its result "
                      "the command's --json object. Acts as the actor the CLI would (--actor, AGENTQ_ACTOR, "
                      "agentq.actor); see doc/mcp.md.",
       .options = {text("repo", "DIR", "the repository to serve (default: the working directory)", Complete::dir)},
       .needs = Needs::nothing,  // every call opens and loads the queue afresh
       .run = run_mcp});
  add({.name = "complete",
       .summary = "words for shell completion",
       .synopsis = "complete WHAT [WORD...]",
       .description = "Words for shell completion, from the command table (and task, role, actor and lane names from "
                      "the definitions at HEAD).",
       .args = {rest("words")},
       .needs = Needs::nothing,
       .hidden = true,
       .settings = false,
       .run = complete_words});
  return t;
}
#pragma GCC diagnostic pop

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> t = table();
  return t;
}

const std::vector<OptionSpec>& global_options() {
  static const std::vector<OptionSpec> g = [] {
    std::vector<OptionSpec> o = {
        text("C", "DIR", "run as if started in DIR", Complete::dir),
        text("actor", "NAME", "act as this actor (else AGENTQ_ACTOR, else agentq.actor)", Complete::actor),
        flag("json", "machine-readable output"),
        flag("quiet", "only errors"),
        flag("help", "show this help"),
    };
    o[3].short_name = 'q';
    o[4].short_name = 'h';
    return o;
  }();
  return g;
}

std::vector<OptionSpec> implied_options(const Command& c) {
  std::vector<OptionSpec> o;
  if (c.offline) o.push_back(flag("offline", "write locally only; the next sync publishes it"));
  if (c.event_id)
    o.push_back(text("event-id", "ID", "idempotency key (default: a fresh UUID); re-sending the same event is a no-op"));
  return o;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> subcommands(const std::string& group) {
  std::vector<std::string> out;
  const std::string prefix = group + " ";
  for (const Command& c : commands())
    if (c.name.rfind(prefix, 0) == 0) out.push_back(c.name.substr(prefix.size()));
  return out;
}

}  // namespace agentq::cli
