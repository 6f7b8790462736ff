// Review routing and risk: which reviewer roles a change needs, from the files it touches.
#pragma once

#include <string>
#include <vector>

#include "core/definitions.h"

namespace agentq {

// The reviewer roles that must approve a change touching `files`: every route with a path
// pattern matching one of the files adds its roles. Ordered by first appearance in the routes.
std::vector<std::string> routed_roles(const Definitions& d, const std::vector<std::string>& files);

// High risk: `risk: high`, or a changed file matches high_risk_paths.
bool is_high_risk(const Definitions& d, const Task& t, const std::vector<std::string>& files);

}  // namespace agentq
