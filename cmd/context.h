// What every command receives: the output channel and the global options.
#pragma once

#include <string>

#include "cmd/output.h"

namespace agentq::cli {

struct Context {
  Output out;
  std::string actor;     // --actor (resolution with AGENTQ_ACTOR/agentq.actor happens later)
  bool offline = false;  // --offline
};

}  // namespace agentq::cli
