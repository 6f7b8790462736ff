// What every command receives: the output channel, the global options and the Env.
#pragma once

#include <memory>
#include <string>

#include "cmd/output.h"
#include "gitstore/env.h"

namespace agentq::cli {

struct Context {
  Output out;
  std::string actor;     // --actor (resolution with AGENTQ_ACTOR/agentq.actor happens later)
  bool offline = false;  // --offline
  // Read from the environment once, by the driver, before anything is opened.
  std::shared_ptr<Env> environment;
  Env& env() { return environment ? *environment : Env::standard(); }
};

}  // namespace agentq::cli
