#include "core/notes_view.h"

namespace agentq {

std::vector<std::string> named_commits(const Event& e) {
  switch (e.type) {
    case EventType::evidence:
    case EventType::handoff:
    case EventType::review:
    case EventType::promote:
    case EventType::override_:  // an emergency bypass is noted on the commit it let through
      if (!e.commit.empty()) return {e.commit};
      return {};
    default:
      return {};
  }
}

std::string note_line(const Event& e) { return encode_json(e); }

}  // namespace agentq
