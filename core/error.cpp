#include "core/error.h"

#include <array>

#include "core/ids.h"

namespace agentq {
namespace {

struct CodeInfo {
  std::string_view name;
  int exit;
};

constexpr std::array kCodes = {
#define AGENTQ_INFO(name, exit) CodeInfo{#name, exit},
    AGENTQ_REASON_CODES(AGENTQ_INFO)
#undef AGENTQ_INFO
};

}  // namespace

std::string_view code_name(Code code) { return kCodes[static_cast<size_t>(code)].name; }

bool code_from_name(std::string_view name, Code* out) {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i].name == name) {
      *out = static_cast<Code>(i);
      return true;
    }
  }
  return false;
}

int exit_code_for(Code code) { return kCodes[static_cast<size_t>(code)].exit; }

bool Location::empty() const {
  return file.empty() && ref.empty() && commit.empty() && task.empty();
}

std::string Location::str() const {
  std::string out;
  if (!file.empty()) {
    out = file;
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (col > 0) out += ":" + std::to_string(col);
    }
  } else if (!commit.empty()) {
    out = (ref.empty() ? std::string("commit") : ref) + "@" + short_id(commit);
  } else if (!ref.empty()) {
    out = ref;
  }
  if (!task.empty()) out += out.empty() ? "task " + task : " (task " + task + ")";
  return out;
}

Error&& Error::at(Location loc) && {
  where = std::move(loc);
  return std::move(*this);
}
Error&& Error::hint(std::string text) && {
  fix = std::move(text);
  return std::move(*this);
}
Error&& Error::in_task(std::string task) && {
  where.task = std::move(task);
  return std::move(*this);
}
Error&& Error::in_commit(std::string commit) && {
  where.commit = std::move(commit);
  return std::move(*this);
}

std::string Error::str() const {
  std::string loc = where.str();
  // A bare task location adds nothing when the message already names the task.
  if (where.file.empty() && where.commit.empty() && where.ref.empty() && !where.task.empty() &&
      message.find(where.task) != std::string::npos)
    return message;
  return loc.empty() ? message : loc + ": " + message;
}

Error Error::usage(std::string msg) { return Error(Code::USAGE, std::move(msg)); }
Error Error::io(std::string msg, std::string path) {
  Location loc;
  loc.file = std::move(path);
  return Error(Code::IO_ERROR, std::move(msg), std::move(loc));
}
Error Error::git(std::string msg) { return Error(Code::GIT_ERROR, std::move(msg)); }
Error Error::unknown_task(const std::string& id) {
  return Error(Code::UNKNOWN_TASK, "unknown task '" + id + "'", {},
               "run 'git agentq status' to list the tasks of the queue");
}
Error Error::unknown_role(const std::string& role) {
  return Error(Code::UNKNOWN_ROLE, "unknown role '" + role + "'");
}
Error Error::unknown_actor(const std::string& actor) {
  return Error(Code::UNKNOWN_ACTOR, "unknown actor '" + actor + "'", {},
               "declare the actor under 'actors:' in .agentq/queue.yaml");
}
Error Error::invalid_event(std::string msg) { return Error(Code::EVENT_INVALID, std::move(msg)); }

}  // namespace agentq
