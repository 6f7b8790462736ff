#include "core/acceptance.h"

#include <cstdio>

namespace agentq {

CheckOutcome check_outcome(int exit_code, int signal, bool timed_out) {
  CheckOutcome o;
  if (timed_out) o.exit_code = 124;
  else if (signal) o.exit_code = 128 + signal;
  else o.exit_code = exit_code;
  o.pass = o.exit_code == 0 && !timed_out;
  return o;
}

std::string check_log(std::string output, size_t total, bool timed_out, Millis timeout_ms) {
  if (total > output.size())
    output += "\n[truncated: " + std::to_string(total) + " bytes of output, kept " + std::to_string(output.size()) + "]\n";
  if (timed_out)
    output += "\n[timed out after " + format_seconds(timeout_ms) + "; the command and its children were killed]\n";
  return output;
}

std::string format_seconds(Millis ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

}  // namespace agentq
