// The dependency DAG of the definitions, coloured by status, as Graphviz DOT or Mermaid.
#pragma once

#include <string>

#include "core/definitions.h"
#include "core/state.h"

namespace agentq {

std::string graph_dot(const Definitions& d, const QueueState& s);
std::string graph_mermaid(const Definitions& d, const QueueState& s);

}  // namespace agentq
