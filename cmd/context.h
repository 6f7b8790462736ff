// What every command receives: the output channel and the global options.
#pragma once

#include <string>
#include <vector>

#include "cmd/output.h"

namespace agentq::cli {

struct Context {
  Output out;
  std::string actor;     // --actor (resolution with AGENTQ_ACTOR/agentq.actor happens later)
  bool offline = false;  // --offline
};

using CommandFn = int (*)(Context&, const std::vector<std::string>&);

struct Command {
  const char* name;
  const char* summary;
  CommandFn run;
};

// The command table, in the order `git agentq` lists it.
const std::vector<Command>& commands();

}  // namespace agentq::cli
