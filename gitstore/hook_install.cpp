#include "gitstore/hook_install.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/strings.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace fs = std::filesystem;

std::vector<std::string> client_hooks() { return {"pre-push", "pre-merge-commit", "reference-transaction"}; }
std::vector<std::string> server_hooks() { return {"pre-receive"}; }

Result<std::string> hooks_dir(const Repo& repo) {
  const std::string cwd = git_cwd(repo);
  // git resolves core.hooksPath (relative to where hooks run) in --git-path; reading the config
  // ourselves would have to repeat those rules.
  auto r = run_git({"rev-parse", "--git-path", "hooks"}, cwd);
  if (!r) return fail(r.error());
  if (r->exit_code != 0) return fail(Error(Code::GIT_ERROR, "git rev-parse --git-path hooks failed: " + r->err));
  fs::path p(chomp(r->out));
  if (p.is_relative()) p = fs::path(cwd) / p;
  return normal_path(p.string());
}

namespace {

std::string header(const std::string& name) {
  return std::string("#!/bin/sh\n") + kShimMarker + "\n" +
         "# git-agentq's " + name + " hook. It runs the hook that was here before it (" + name + kChainedSuffix +
         ",\n# if any; its failure still blocks), then 'git agentq hook " + name + "'.\n" +
         "# Undo with 'git agentq install-hooks --uninstall'; git agentq install-hooks rewrites it.\n" +
         "chained=\"${0%/*}/" + name + kChainedSuffix + "\"\n";
}

// What each hook guards, for the one line a shim prints when git-agentq cannot be found.
std::string guards(const std::string& name) {
  if (name == "pre-push") return "pushes of the queue refs and the base branch";
  if (name == "pre-receive") return "what is pushed to this repository";
  if (name == "reference-transaction") return "updates of the queue refs and the base branch";
  if (name == "pre-merge-commit") return "merges into the base branch";
  return "this repository's queue";
}

// Without git-agentq on PATH, `git agentq` is "not a git command" and the hook fails with
// nothing to go on: say which hook, what it guards and the two ways out, in one line.
std::string require_binary(const std::string& name) {
  return "command -v git-agentq >/dev/null 2>&1 || { echo \"" + name +
         " hook: git-agentq is not on PATH, so " + guards(name) +
         " cannot be checked; install git-agentq (see its README) or remove this hook ($0)\" >&2; exit 1; }\n";
}

}  // namespace

std::string shim_text(const std::string& name, const std::vector<std::string>& guarded) {
  std::string s = header(name);
  if (name == "reference-transaction") {
    // Runs for every ref update of every git command: only shell builtins until a guarded ref
    // shows up, so unguarded refs never start a process or open the object database.
    std::string pattern;
    for (const std::string& ref : guarded) pattern += (pattern.empty() ? "" : "|") + sh_quote(ref);
    s += "# Guarded refs (from the definitions when installed):";
    for (const std::string& ref : guarded) s += " " + ref;
    s += "\n# Only the prepared state is judged: without a chained hook the others stop here, unread\n";
    s += "# (git tolerates a hook that leaves its input unread).\n";
    s += "[ \"$1\" = prepared ] || [ -x \"$chained\" ] || exit 0\n";
    s += "lines= match=\n";
    s += "while IFS= read -r line; do\n";
    s += "  lines=\"$lines$line\n\"\n";
    if (!pattern.empty()) s += "  case \"${line##* }\" in " + pattern + ") match=1 ;; esac\n";
    s += "done\n";
    s += "if [ -x \"$chained\" ]; then\n";
    s += "  printf '%s' \"$lines\" | \"$chained\" \"$@\" || exit $?\n";
    s += "fi\n";
    s += "[ \"$1\" = prepared ] && [ -n \"$match\" ] || exit 0\n";
    s += require_binary(name);
    s += "printf '%s' \"$lines\" | git agentq hook reference-transaction \"$@\"\n";
  } else if (name == "pre-merge-commit") {
    s += "if [ -x \"$chained\" ]; then\n";
    s += "  \"$chained\" \"$@\" || exit $?\n";
    s += "fi\n";
    s += require_binary(name);
    s += "exec git agentq hook " + name + " \"$@\"\n";
  } else {
    // Both hooks read the same input: keep it byte for byte (the '.' keeps trailing newlines).
    s += "input=$(cat; echo .)\n";
    s += "input=${input%.}\n";
    s += "if [ -x \"$chained\" ]; then\n";
    s += "  printf '%s' \"$input\" | \"$chained\" \"$@\" || exit $?\n";
    s += "fi\n";
    s += require_binary(name);
    s += "printf '%s' \"$input\" | git agentq hook " + name + " \"$@\"\n";
  }
  return s;
}

bool is_shim(const std::string& path) {
  auto text = read_file(path);
  if (!text) return false;
  return text->find(std::string("\n") + kShimMarker + "\n") != std::string::npos;
}

std::vector<std::string> missing_shims(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<std::string> missing;
  for (const std::string& n : names)
    if (!is_shim(dir + "/" + n)) missing.push_back(n);
  return missing;
}

namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
}

Status write_executable(const std::string& path, const std::string& text) {
  AGENTQ_TRY(write_file_atomic(path, text));
  if (::chmod(path.c_str(), 0755) != 0) return fail(Error::io("cannot make " + path + " executable", path));
  return {};
}

Status rename_file(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return fail(Error::io("cannot move " + from + " to " + to + ": " + ec.message(), from));
  return {};
}

}  // namespace

Result<std::vector<HookChange>> install_hooks(const std::string& dir, const std::vector<std::string>& names,
                                              const std::vector<std::string>& guarded) {
  AGENTQ_TRY(make_dirs(dir));
  std::vector<HookChange> out;
  // Check everything first, so a refusal leaves every hook as it was.
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name, chained = path + kChainedSuffix;
    if (exists(path) && !is_shim(path) && exists(chained))
      return fail(Error(Code::IO_ERROR,
                        path + " is not git-agentq's shim, and " + chained + " (a hook git-agentq chained earlier) exists too",
                        Location::in_file(path), "merge the two by hand into " + chained + ", remove " + path +
                                                     ", and run 'git agentq install-hooks' again"));
  }
  for (const std::string& name : names) {
    HookChange c;
    c.name = name;
    c.path = dir + "/" + name;
    const std::string chained = c.path + kChainedSuffix;
    const std::string text = shim_text(name, guarded);
    if (exists(c.path) && is_shim(c.path)) {
      auto old = read_file(c.path);
      c.action = old && *old == text ? "unchanged" : "updated";
    } else {
      if (exists(c.path)) AGENTQ_TRY(rename_file(c.path, chained));
      c.action = "installed";
    }
    if (c.action != "unchanged") AGENTQ_TRY(write_executable(c.path, text));
    if (exists(chained)) c.chained = chained;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<HookChange>> uninstall_hooks(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<HookChange> out;
  for (const std::string& name : names) {
    HookChange c;
    c.name = name;
    c.path = dir + "/" + name;
    const std::string chained = c.path + kChainedSuffix;
    if (!exists(c.path)) {
      c.action = "absent";
    } else if (!is_shim(c.path)) {
      c.action = "foreign";
    } else {
      std::error_code ec;
      fs::remove(c.path, ec);
      if (ec) return fail(Error::io("cannot remove " + c.path + ": " + ec.message(), c.path));
      c.action = "removed";
    }
    if (c.action != "foreign" && exists(chained)) {
      AGENTQ_TRY(rename_file(chained, c.path));
      c.chained = c.path;  // restored there
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<HooksInstalled> install_queue_hooks(Queue& q, bool uninstall) {
  HooksInstalled h;
  h.bare = q.repo().is_bare();
  auto dir = hooks_dir(q.repo());
  if (!dir) return fail(dir.error());
  h.dir = *dir;
  if (!h.bare && !uninstall) {
    // The reference-transaction shim carries the guarded ref names, so that every other ref
    // costs a shell and nothing more.
    AGENTQ_TRY(q.load());
    h.guarded.push_back("refs/heads/" + q.state().base);
    if (!q.defs().policy.release.empty()) h.guarded.push_back("refs/heads/" + q.defs().policy.release);
  }
  std::vector<std::string> names = h.bare ? server_hooks() : client_hooks();
  if (uninstall) {
    names = client_hooks();
    for (const auto& n : server_hooks()) names.push_back(n);
  }
  auto changes = uninstall ? uninstall_hooks(h.dir, names) : install_hooks(h.dir, names, h.guarded);
  if (!changes) return fail(changes.error());
  h.changes = std::move(*changes);
  return h;
}

}  // namespace agentq
