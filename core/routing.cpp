#include "core/routing.h"

#include <algorithm>

#include "core/glob.h"

namespace agentq {

std::vector<std::string> routed_roles(const Definitions& d, const std::vector<std::string>& files) {
  std::vector<std::string> roles;
  for (const Route& route : d.reviews.routes) {
    const bool hit = std::any_of(files.begin(), files.end(),
                                 [&](const std::string& f) { return glob_match_any(route.paths, f); });
    if (!hit) continue;
    for (const std::string& r : route.require)
      if (std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
  }
  return roles;
}

bool is_high_risk(const Definitions& d, const Task& t, const std::vector<std::string>& files) {
  if (t.risk == Risk::high) return true;
  return std::any_of(files.begin(), files.end(),
                     [&](const std::string& f) { return glob_match_any(d.high_risk_paths, f); });
}

}  // namespace agentq
