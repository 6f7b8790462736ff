// git agentq evidence: record the result of a command run elsewhere (code anchors, runtime
// checks). Acceptance evidence is recorded only by `git agentq check`, which runs the commands.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/evidence.h"
#include "core/strings.h"
#include "core/utf8.h"
#include "gitstore/system.h"

namespace agentq::cli {

// How far past the cap a log is read to tell its size (then it is "more than" that).
constexpr uint64_t kLogCountLimit = 64ull << 20;

Status check_evidence(const Invocation& in) {
  const std::string task = in.str("task");
  if (task.empty()) return fail(Error::usage("which task?").hint("git agentq evidence TASK --command CMD --result pass|fail"));
  const std::string command = in.str("command");
  if (blank(command))
    return fail(Error::usage("--command is required and cannot be empty"));
  if (!valid_utf8(command)) return fail(Error::usage("--command is not valid UTF-8"));
  const std::string kind = in.str("kind", "other");
  if (kind == "acceptance")
    return fail(Error::usage("acceptance evidence is recorded by running the checks").hint("git agentq check " + task));
  const std::string result = in.str("result");
  const auto exit_code = in.num("exit-code");
  if (result.empty() && !exit_code) return fail(Error::usage("give --result pass|fail (or --exit-code N)"));
  if (exit_code && !result.empty() && (result == "pass" || result == "fail") && (*exit_code == 0) != (result == "pass"))
    return fail(Error::invalid_event("--result " + result + " contradicts --exit-code " + std::to_string(*exit_code) +
                                     " (only exit status 0 is a pass)"));
  return {};
}

int run_evidence(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string task = in.str("task"), command = in.str("command"), kind = in.str("kind", "other");
  const auto exit_code = in.num("exit-code");
  std::string result = in.str("result");
  if (result.empty()) result = *exit_code == 0 ? "pass" : "fail";
  Queue* q = &in.queue();
  const std::string* actor = &in.actor();
  const std::string* event_id = &in.event_id();
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = q->repo().resolve_commit(in.str("commit", "HEAD"));
  if (!commit) return ctx.out.error(commit.error());

  Event e;
  e.type = EventType::evidence;
  e.id = *event_id;
  e.task = task;
  e.actor = *actor;
  if (q->defs().actor(*actor)->holds(t->role)) e.role = t->role;
  e.command = command;
  e.result = result;
  if (exit_code) e.exit_code = *exit_code;
  e.kind = kind;
  e.commit = *commit;
  std::vector<Attachment> attachments;
  if (in.has("log")) {
    // Read no more than the cap keeps (and a bounded count past it): a log may never end.
    const auto cap = static_cast<size_t>(q->defs().policy.log_cap);
    auto head = read_file_head(in.str("log"), cap, kLogCountLimit);
    if (!head) return ctx.out.error(head.error());
    AttachedLog log = attach_log_head(head->head, head->size, head->size_known, cap);
    e.log_bytes = log.full_size;
    e.log = "logs/1.log";
    attachments.push_back({e.log, log.text});
  }
  auto w = q->write(e, attachments);
  if (!w) return ctx.out.error(w.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"noop", w->noop}, {"pending", w->pending}, {"task", task}, {"evidence", w->event.id},
                      {"result", result},
                      {"commit", w->commit}});
  } else {
    ctx.out.line("recorded " + (result == "pass" ? ctx.out.green("pass") : ctx.out.red("fail")) + " evidence for " +
                 ctx.out.bold(task) + " at " + short_id(*commit) + ": " + command);
  }
  return report_written(ctx, *w);
}

}  // namespace agentq::cli
