// git agentq import FILE: switch from a YAML work queue in one step (gitstore/import.h).
// Nothing is lost: the old file is left as it is, any earlier .agentq/queue.yaml stays in
// base's history, and every approximation is printed.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/import.h"
#include "gitstore/import.h"
#include "gitstore/git_config.h"
#include "core/strings.h"
#include "gitstore/system.h"

namespace agentq::cli {

int initialise(Context& ctx, Queue& queue, const std::string& defs_rev);

Status check_import(const Invocation& in) {
  if (in.str("file").empty()) return fail(Error::usage("which queue file?").hint("git agentq import FILE [--dry-run]"));
  return {};
}

int run_import(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string file = in.str("file");
  const bool dry = in.has("dry-run");
  auto text = read_file(file);
  if (!text) return ctx.out.error(Error(Code::USAGE, text.error().message));
  Queue* q = &in.queue();
  std::string branch = q->repo().head_branch();
  if (branch.rfind("refs/heads/", 0) == 0) branch = branch.substr(11);
  if (branch.empty()) branch = "main";
  Repo& repo = q->repo();
  auto plan = plan_import(*text, file, branch, [&](const std::string& rev) { return repo.resolve_commit(rev); });
  if (!plan) return ctx.out.error(plan.error());
  const std::string base = plan->defs.policy.base;
  // Check first, then write: the acting actor (who writes the init event) must be one the new
  // definitions declare, or the definitions commit would land and the events be refused.
  if (auto actor = resolve_actor(repo, ctx.actor); actor && !actor->empty() && !plan->defs.actor(*actor)) {
    std::vector<std::string> names;
    for (const auto& a : plan->defs.actors) names.push_back(a.name);
    return ctx.out.error(Error(Code::UNKNOWN_ACTOR,
                               "actor '" + *actor + "' is not declared by the definitions " + file + " imports to; nothing was written",
                               Location::in_file(file),
                               "add " + *actor + " under actors: in " + file + " (with a coordinator role), or import as " +
                                   (names.empty() ? std::string("an actor it declares") : "one of: " + join(names))));
  }

  auto render_events = [&]() {
    json list = json::array();
    for (const Event& e : plan->events) list.push_back(json::parse(content_key(e)));
    return list;
  };
  if (dry) {
    if (ctx.out.json_mode) {
      ctx.out.emit(json{{"ok", true}, {"dry_run", true}, {"base", base}, {"definitions", plan->yaml},
                        {"events", render_events()}, {"notes", plan->notes}});
      return 0;
    }
    ctx.out.line(ctx.out.bold("would commit .agentq/queue.yaml to " + base + ":"));
    ctx.out.raw(plan->yaml);
    ctx.out.line(ctx.out.bold("would write " + std::to_string(plan->events.size()) + " event(s):"));
    for (const Event& e : plan->events) ctx.out.line("  " + subject_line(e));
    for (const std::string& n : plan->notes) ctx.out.line(ctx.out.yellow("note") + ": " + n);
    return 0;
  }

  const bool had_log = q->log_tip().has_value();
  auto committed = commit_import(*q, *plan, file, ctx.offline);
  if (!committed) return ctx.out.error(committed.error());
  if (!had_log) {
    Context quiet = ctx;
    quiet.out.quiet = true;
    quiet.out.json_mode = false;
    if (int rc = initialise(quiet, *q, "refs/heads/" + base); rc != 0) return rc;
  }

  // The definitions commit moved base: judge the events from a fresh load.
  if (auto st = q->load(); !st) return ctx.out.error(st.error());
  if (auto st = in.become_writer(false); !st) return ctx.out.error(st.error());
  auto writes = write_import_events(*q, *plan);
  if (!writes) return ctx.out.error(writes.error());
  const size_t written = writes->written, noop = writes->already;
  if (ctx.out.json_mode) {
    ctx.out.emit(json{{"ok", true},          {"dry_run", false},     {"base", base},
                      {"defs_commit", committed->commit}, {"defs_changed", committed->changed},
                      {"events_written", written}, {"events_already_there", noop}, {"pending", writes->pending},
                      {"notes", plan->notes}});
  } else {
    ctx.out.line((committed->changed ? "committed .agentq/queue.yaml to " : ".agentq/queue.yaml already on ") + base + " (" +
                 short_id(committed->commit) + ", " + std::to_string(plan->defs.tasks.size()) + " tasks)");
    ctx.out.line("wrote " + std::to_string(written) + " event(s)" +
                 (noop ? " (" + std::to_string(noop) + " already there)" : std::string()) + "; next: git agentq status");
    for (const std::string& n : plan->notes) ctx.out.line(ctx.out.yellow("note") + ": " + n);
  }
  return 0;
}

}  // namespace agentq::cli
