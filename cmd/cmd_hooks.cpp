// git agentq install-hooks / hook NAME: the queue's rules enforced where work moves. What each
// hook judges is gitstore's (gitstore/hook_judge.h); this reads the hook's input as git gives
// it, renders the verdict and says what to do next.
#include <iostream>
#include <iterator>
#include <sstream>

#include "cmd/command.h"
#include "cmd/common.h"
#include "gitstore/hook_install.h"
#include "gitstore/hook_judge.h"
#include "gitstore/system.h"

namespace agentq::cli {
namespace {

std::vector<std::vector<std::string>> read_lines() {
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream in(line);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
    if (!words.empty()) out.push_back(std::move(words));
  }
  return out;
}

// "OLD NEW REF" lines (reference-transaction, pre-receive).
std::vector<RefChange> old_new_ref_lines() {
  std::vector<RefChange> out;
  for (const auto& w : read_lines())
    if (w.size() >= 3) out.push_back({w[2], hook_object_id(w[0]), hook_object_id(w[1])});
  return out;
}

std::string first_task(const HookVerdict& v) { return v.blocked_tasks.empty() ? "TASK" : v.blocked_tasks.front(); }

int report(Context& ctx, const std::string& hook, const std::string& what, const HookVerdict& v,
           const std::vector<std::string>& next) {
  if (ctx.out.json_mode) {
    json refusals = json::array(), notices = json::array();
    for (const Error& e : v.refusals) refusals.push_back(error_json(e));
    for (const Error& e : v.notices) notices.push_back(error_json(e));
    ctx.out.emit(json{{"ok", v.ok()}, {"hook", hook}, {"refusals", refusals}, {"notices", notices}});
    return v.ok() ? 0 : 1;
  }
  for (const Error& e : v.notices) ctx.out.diagnostic(e, "notice");
  if (v.ok()) return 0;
  for (const Error& e : v.refusals) ctx.out.diagnostic(e);
  // Diagnostics print even with -q: a refusal nobody sees is a mystery. The summary ends with
  // what to do next, one hint line each.
  std::string hints;
  for (const std::string& line : next) hints += (hints.empty() ? "" : "\nhint: ") + line;
  ctx.out.diagnostic(Error(v.refusals.front().code, "git-agentq " + hook + " refused " + what, {}, hints), "error");
  return 1;
}

int hook_pre_push(Context& ctx, const std::vector<std::string>& args) {
  const std::string remote = args.empty() ? "" : args[0];
  std::vector<RefChange> changes;
  for (const auto& w : read_lines())
    if (w.size() >= 4) changes.push_back({w[2], hook_object_id(w[3]), hook_object_id(w[1])});
  auto v = judge_pre_push(ctx.env(), remote, changes);
  if (!v) return ctx.out.error(v.error());
  if (!v->guarded) return 0;
  return report(ctx, "pre-push", "the push to " + (remote.empty() ? std::string("the remote") : remote), *v,
                {"nothing was pushed",
                 "land work on " + v->base + " through the queue: 'git agentq merge-ready " + first_task(*v) +
                     "' says what is missing, 'git agentq merge " + first_task(*v) + "' merges and pushes",
                 "an emergency? a human records it: 'git agentq override " + first_task(*v) + " --reason TEXT'"});
}

int hook_pre_merge_commit(Context& ctx) {
  auto v = judge_pre_merge_commit(ctx.env());
  if (!v) return ctx.out.error(v.error());
  if (!v->guarded) return 0;
  return report(ctx, "pre-merge-commit", "this merge into " + v->base, *v,
                {"the merge is not committed: 'git merge --abort' puts the tree back",
                 "land the work with 'git agentq merge " + first_task(*v) + "' once 'git agentq merge-ready " +
                     first_task(*v) + "' passes"});
}

int hook_reference_transaction(Context& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "prepared") return 0;  // judged once, before anything is committed
  auto v = judge_reference_transaction(ctx.env(), old_new_ref_lines());
  if (!v) return ctx.out.error(v.error());
  if (v->ok()) return report(ctx, "reference-transaction", "", *v, {});
  const std::string branch = v->refused_ref.substr(std::string("refs/heads/").size());
  std::vector<std::string> next;
  const std::string action = env("GIT_REFLOG_ACTION").value_or("");
  if (v->head_on_refused && (action.rfind("merge", 0) == 0 || action.rfind("pull", 0) == 0)) {
    // git updates the index and the work tree of a fast-forward before the ref transaction:
    // only the branch stayed where it was.
    next.push_back("git has already updated the index and the work tree; only " + branch + " stayed where it was");
    next.push_back("restore them with: git reset --merge HEAD   (keeps untracked files)");
  } else {
    next.push_back(branch + " did not move");
  }
  if (v->refused_ref == "refs/heads/" + v->base)
    next.push_back("land the work with 'git agentq merge " + first_task(*v) + "' once 'git agentq merge-ready " +
                   first_task(*v) + "' passes");
  else
    next.push_back("a human release owner promotes a commit of " + v->base +
                   ": 'git agentq promote SHA --risks TEXT --rollback TEXT'");
  return report(ctx, "reference-transaction", "moving " + branch, *v, next);
}

int hook_pre_receive(Context& ctx) {
  auto v = judge_pre_receive(ctx.env(), old_new_ref_lines());
  if (!v) return ctx.out.error(v.error());
  if (!v->guarded) return 0;
  return report(ctx, "pre-receive", "the push (nothing was updated)", *v,
                {"write events with git agentq, which checks them first; land base work with 'git agentq merge " +
                 first_task(*v) + "'"});
}

}  // namespace

int run_hook(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string name = in.str("name");
  const std::vector<std::string> rest = in.strs("args");
  if (name == "pre-push") return hook_pre_push(ctx, rest);
  if (name == "pre-merge-commit") return hook_pre_merge_commit(ctx);
  if (name == "reference-transaction") return hook_reference_transaction(ctx, rest);
  if (name == "pre-receive") return hook_pre_receive(ctx);
  return ctx.out.error(Error::usage(name.empty() ? "which hook?" : "git-agentq has no '" + name + "' hook")
                           .hint("pre-push, pre-merge-commit, reference-transaction or pre-receive"));
}

int run_install_hooks(Invocation& in) {
  Context& ctx = in.ctx;
  const bool uninstall = in.has("uninstall");
  auto h = install_queue_hooks(in.queue(), uninstall);
  if (!h) return ctx.out.error(h.error());
  const std::vector<std::string>& guarded = h->guarded;
  if (ctx.out.json_mode) {
    json list = json::array();
    for (const auto& c : h->changes)
      list.push_back(json{{"name", c.name}, {"path", c.path}, {"action", c.action},
                          {"chained", c.chained.empty() ? json(nullptr) : json(c.chained)}});
    ctx.out.emit(json{{"ok", true}, {"dir", h->dir}, {"bare", h->bare}, {"uninstall", uninstall}, {"guarded", guarded},
                      {"hooks", list}});
    return 0;
  }
  for (const auto& c : h->changes) {
    if (c.action == "absent") continue;
    std::string line = pad(c.action, 10) + c.path;
    if (!c.chained.empty()) line += uninstall ? " (the hook it chained is back)" : " (runs " + c.chained + " first)";
    if (c.action == "foreign") line += " (not git-agentq's: left alone)";
    ctx.out.line(line);
  }
  if (!uninstall && !h->bare) ctx.out.line("guarding " + guarded.front() + (guarded.size() > 1 ? " and " + guarded[1] : ""));
  return 0;
}

}  // namespace agentq::cli
