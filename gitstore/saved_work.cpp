#include "gitstore/saved_work.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/worktrees.h"

namespace agentq {

Result<std::optional<std::string>> save_uncommitted(const Repo& repo, const std::string& path, const std::string& label) {
  auto dirty = dirty_at(path);
  if (!dirty) return fail(dirty.error());
  if (dirty->empty()) return std::optional<std::string>();
  const std::string dir = repo.shared_state_dir() + "/saved";
  AGENTQ_TRY(make_dirs(dir));
  // A private index: `add -A` there sees every change and untracked file without touching the
  // lane's own index (the agent may have staged things on purpose).
  const std::string index = dir + "/.index." + std::to_string(getpid()) + "." + std::to_string(random_between(0, 1 << 30));
  struct Cleanup {
    std::string p;
    ~Cleanup() { std::remove(p.c_str()); }
  } cleanup{index};
  auto run = [&](const std::vector<std::string>& args) -> Result<ProcessResult> {
    ProcessSpec spec;
    spec.argv = {"git"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.cwd = path;
    spec.env = {{"GIT_INDEX_FILE", index}};
    auto r = run_process(spec);
    if (!r) return fail(r.error());
    if (r->exit_code != 0) return fail(git_failed("git " + args.front() + " failed in " + path, *r));
    return r;
  };
  AGENTQ_TRY(run({"read-tree", "HEAD"}));
  AGENTQ_TRY(run({"add", "-A", "."}));
  auto diff = run({"diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "HEAD"});
  if (!diff) return fail(diff.error());
  if (diff->out.empty()) return std::optional<std::string>();
  std::string stamp = format_rfc3339(repo.env().now_ms());
  for (char& c : stamp)
    if (c == ':') c = '-';
  std::string file = dir + "/" + label + "-" + stamp + ".patch";
  for (int n = 2; path_exists(file); ++n) file = dir + "/" + label + "-" + stamp + "-" + std::to_string(n) + ".patch";
  AGENTQ_TRY(write_file_atomic(file, diff->out));
  return std::optional<std::string>(normal_path(file));
}

Result<std::string> save_lane_work(Queue& q, const std::string& task) {
  const TaskState& ts = q.state().task(task);
  if (ts.branch.empty() || q.repo().is_bare()) return std::string();
  auto holder = worktree_holding(q.repo(), "refs/heads/" + ts.branch);
  if (!holder) return fail(holder.error());
  if (!*holder) return std::string();
  const std::string label = task + (ts.claim.empty() ? "" : "-" + ts.claim.substr(0, 8));
  auto saved = save_uncommitted(q.repo(), **holder, label);
  if (!saved) return fail(saved.error());
  if (!*saved) return std::string();
  return "agentq/saved/" + std::filesystem::path(**saved).filename().string();
}

}  // namespace agentq
