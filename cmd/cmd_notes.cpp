// git agentq notes rebuild: derive refs/notes/agentq from the log again.
#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/notes.h"

namespace agentq::cli {

int run_notes_rebuild(Invocation& in) {
  Context& ctx = in.ctx;
  Queue* q = &in.queue();
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
