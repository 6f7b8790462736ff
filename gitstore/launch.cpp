#include "gitstore/launch.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "gitstore/system.h"

namespace agentq {
namespace {

// Replaces this process with `argv`. Returns only on failure.
Status exec_program(const std::vector<std::string>& argv) {
  std::vector<std::string> args = argv;
  std::vector<char*> c;
  for (auto& a : args) c.push_back(a.data());
  c.push_back(nullptr);
  std::fflush(nullptr);  // what was printed before must not be lost with this process image
  execvp(c[0], c.data());
  return fail(Error::io("cannot run " + argv.front() + ": " + std::strerror(errno)));
}

}  // namespace

bool on_path(const std::string& program) {
  auto path = env("PATH");
  if (!path) return false;
  std::stringstream ss(*path);
  for (std::string dir; std::getline(ss, dir, ':');)
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

LaunchPlan plan_launch(const Repo& repo, const LaneSet& set, std::string tool, std::string file) {
  LaunchPlan p;
  p.tool = !tool.empty() ? tool : !on_path("tmux") && on_path("zellij") ? "zellij" : "tmux";
  p.panes.push_back({"coordinator", set.layout.main});
  for (const Lane& l : set.lanes) {
    const std::string path = set.layout.path_of(l.dir);
    if (worktree_at(set.worktrees, path)) p.panes.push_back({l.name, path});
    else p.missing.push_back(l.name);
  }
  p.file = !file.empty() ? file : repo.shared_state_dir() + (p.tool == "tmux" ? "/lanes.tmux.sh" : "/lanes.kdl");
  p.session = "agentq-" + set.layout.prefix;
  return p;
}

Status write_launch(const LaunchPlan& p) {
  AGENTQ_TRY(write_file_atomic(p.file, launch_layout(p.tool, p.session, p.panes)));
  if (p.tool == "tmux") {
    std::error_code ec;  // an executable bit is a convenience: `sh FILE` runs it either way
    std::filesystem::permissions(p.file, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add, ec);
  }
  return {};
}

Status exec_launch(const LaunchPlan& p) {
  if (!on_path(p.tool)) return fail(Error::io(p.tool + " is not installed (the layout is written)"));
  return p.tool == "tmux" ? exec_program({"sh", p.file}) : exec_program({"zellij", "--layout", p.file});
}

}  // namespace agentq
