// git agentq evidence: record the result of a command run elsewhere (code anchors, runtime
// checks). Acceptance evidence is recorded only by `git agentq check`, which runs the commands.
#include "cmd/args.h"
#include "cmd/common.h"
#include "core/utf8.h"
#include "gitstore/system.h"

namespace agentq::cli {

int cmd_evidence(Context& ctx, const std::vector<std::string>& argv) {
  Args args("evidence",
            "evidence TASK --command CMD --result pass|fail [--exit-code N] [--commit SHA] "
            "[--kind code_anchor|runtime|other] [--log FILE] [--offline]",
            "Record evidence of a command run elsewhere. Only exit status 0 is a pass.", true);
  args.add()("task", "", cxxopts::value<std::string>())("command", "the exact command that was run",
                                                        cxxopts::value<std::string>(), "CMD")(
      "result", "pass or fail", cxxopts::value<std::string>(), "R")("exit-code", "its exit status (decides the result)",
                                                                   cxxopts::value<long>(), "N")(
      "commit", "the commit it was run on (default: HEAD)", cxxopts::value<std::string>(), "SHA")(
      "kind", "code_anchor, runtime or other (default: other)", cxxopts::value<std::string>(), "K")(
      "log", "attach this file's content (size-capped by policy.log_cap)", cxxopts::value<std::string>(), "FILE");
  add_event_id_option(args);
  args.positional({"task"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  const auto& opt = **parsed;
  const std::string task = opt_str(opt, "task");
  if (task.empty()) return ctx.out.error(Error::usage("which task?").hint("git agentq evidence TASK --command CMD --result pass|fail"));
  const std::string command = opt_str(opt, "command");
  if (command.find_first_not_of(" \t\r\n") == std::string::npos)
    return ctx.out.error(Error::usage("--command is required and cannot be empty"));
  if (!valid_utf8(command)) return ctx.out.error(Error::usage("--command is not valid UTF-8"));
  const std::string kind = opt_str(opt, "kind", "other");
  if (kind == "acceptance")
    return ctx.out.error(Error::usage("acceptance evidence is recorded by running the checks")
                             .hint("git agentq check " + task));
  if (kind != "code_anchor" && kind != "runtime" && kind != "other")
    return ctx.out.error(Error::usage("--kind must be code_anchor, runtime or other"));
  std::string result = opt_str(opt, "result");
  const auto exit_code = opt_long(opt, "exit-code");
  if (result.empty() && !exit_code) return ctx.out.error(Error::usage("give --result pass|fail (or --exit-code N)"));
  if (!result.empty() && result != "pass" && result != "fail")
    return ctx.out.error(Error::usage("--result must be pass or fail"));
  if (result.empty()) result = *exit_code == 0 ? "pass" : "fail";
  if (exit_code && (*exit_code == 0) != (result == "pass"))
    return ctx.out.error(Error::invalid_event("--result " + result + " contradicts --exit-code " + std::to_string(*exit_code) +
                                              " (only exit status 0 is a pass)"));
  auto session = open_writer(ctx, opt);
  if (!session) return ctx.out.error(session.error());
  Queue* q = &session->queue;
  const std::string* actor = &session->actor;
  const std::string* event_id = &session->event_id;
  const Task* t = q->defs().task(task);
  if (!t) return ctx.out.error(Error::unknown_task(task));
  auto commit = resolve_commit(*q, opt_str(opt, "commit", "HEAD"));
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
  if (opt.count("log")) {
    auto text = read_file(opt_str(opt, "log"));
    if (!text) return ctx.out.error(text.error());
    const auto cap = static_cast<size_t>(q->defs().policy.log_cap);
    std::string data = *text;
    if (data.size() > cap) {
      e.log_bytes = static_cast<int64_t>(data.size());
      data = data.substr(0, cap) + "\n[truncated: " + std::to_string(text->size()) + " bytes, kept " +
             std::to_string(cap) + "]\n";
    }
    e.log = "logs/1.log";
    attachments.push_back({e.log, data});
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
