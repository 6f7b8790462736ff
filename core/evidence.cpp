#include "core/evidence.h"

#include <set>

namespace agentq {

const EvidenceRecord* latest_evidence(const TaskState& t, std::string_view command, std::string_view commit,
                                      std::string_view kind) {
  for (auto it = t.evidence.rbegin(); it != t.evidence.rend(); ++it)
    if (it->commit == commit && it->command == command && it->kind == kind) return &*it;
  return nullptr;
}

bool has_passing_kind(const TaskState& t, std::string_view commit, std::string_view kind) {
  // Judge each command by its newest result: a later failure of the same command withdraws an
  // earlier pass.
  std::set<std::string_view> seen;
  for (auto it = t.evidence.rbegin(); it != t.evidence.rend(); ++it) {
    if (it->commit != commit || it->kind != kind || !seen.insert(it->command).second) continue;
    if (it->result == "pass") return true;
  }
  return false;
}

bool command_passed(const TaskState& t, std::string_view command, std::string_view commit) {
  for (auto it = t.evidence.rbegin(); it != t.evidence.rend(); ++it)
    if (it->commit == commit && it->command == command) return it->result == "pass";
  return false;
}

AttachedLog attach_log(const std::string& log, size_t cap) {
  if (log.size() <= cap) return {log, std::nullopt};
  return {log.substr(0, cap) + "\n[truncated: " + std::to_string(log.size()) + " bytes, kept " + std::to_string(cap) + "]\n",
          static_cast<int64_t>(log.size())};
}

AttachedLog attach_log_head(const std::string& head, uint64_t size, bool size_known, size_t cap) {
  if (size_known && size <= cap && head.size() <= cap) return {head, std::nullopt};
  return {head.substr(0, cap) + "\n[truncated: " + (size_known ? "" : "more than ") + std::to_string(size) +
              " bytes, kept " + std::to_string(cap) + "]\n",
          static_cast<int64_t>(size)};
}

}  // namespace agentq
