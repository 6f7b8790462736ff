// git agentq notes rebuild: derive refs/notes/agentq from the log again.
#include "cmd/args.h"
#include "cmd/common.h"
#include "gitstore/notes.h"

namespace agentq::cli {

int cmd_notes(Context& ctx, const std::vector<std::string>& argv) {
  Args args("notes", "notes rebuild", "Derive refs/notes/agentq from the log again (the old tip stays in its reflog).");
  args.add()("action", "", cxxopts::value<std::string>());
  args.positional({"action"});
  auto parsed = args.parse(ctx, argv);
  if (!parsed) return ctx.out.error(parsed.error());
  if (!*parsed) return 0;
  if (opt_str(**parsed, "action") != "rebuild")
    return ctx.out.error(Error::usage("unknown notes action '" + opt_str(**parsed, "action") + "'").hint("git agentq notes rebuild"));
  auto q = Queue::open();
  if (!q) return ctx.out.error(q.error());
  auto tip = q->log_tip();
  if (!tip) return ctx.out.error(Error(Code::NO_QUEUE, "no queue here: refs/agent-queue/log does not exist", {}, "run 'git agentq init'"));
  auto before = q->repo().ref(kNotesRef);
  auto r = update_notes(q->repo(), *tip, true);
  if (!r) return ctx.out.error(r.error());
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true}, {"notes", r->tip}, {"previous", before ? json(*before) : json(nullptr)},
                      {"commits", r->commits}});
  } else if (before && *before == r->tip) {
    ctx.out.line("refs/notes/agentq already matches the log");
  } else {
    ctx.out.line("rebuilt refs/notes/agentq from the log: " + std::to_string(r->commits) + " notes commit(s)" +
                 (before ? " (previous tip " + short_id(*before) + " is in the reflog)" : ""));
  }
  return 0;
}

}  // namespace agentq::cli
