// `lanes launch`: a terminal multiplexer layout (tmux or zellij) with the coordinator's checkout
// and every lane's worktree, written to a file and optionally started in the foreground.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/lanes.h"
#include "gitstore/lanes.h"

namespace agentq {

struct LaunchPlan {
  std::string tool;                  // tmux | zellij
  std::string file;                  // where the layout goes
  std::string session;               // agentq-<prefix>
  std::vector<LaunchPane> panes;     // the coordinator's first, then every lane with a worktree
  std::vector<std::string> missing;  // the lanes left out: no worktree yet
};

// `tool` empty: tmux, or zellij when only zellij is installed. `file` empty: lanes.tmux.sh or
// lanes.kdl in <common dir>/agentq.
LaunchPlan plan_launch(const Repo& repo, const LaneSet& set, std::string tool, std::string file);

// Writes the layout (launch_layout); the tmux script is made executable.
Status write_launch(const LaunchPlan& plan);

// Replaces this process with the multiplexer on the written layout; returns only on failure
// (IO_ERROR when the tool is not installed).
Status exec_launch(const LaunchPlan& plan);

// True when `program` is found on PATH.
bool on_path(const std::string& program);

}  // namespace agentq
