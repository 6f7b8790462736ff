// `git agentq import FILE`: an existing hand-kept YAML work queue (tasks with status, owner,
// branch, commit, evidence; doc/commands.md, "import") becomes git-agentq definitions plus the events that
// reproduce its state. Pure: the command commits the definitions and writes the events.
//
// Input: top-level `tasks:` (required) in the legacy form below, and optionally `policy`,
// `roles`, `actors`, `reviews`, `high_risk_paths` already in git-agentq's form (copied as
// they are; what is missing is derived from the tasks). Per task, the definition keys of
// .agentq/queue.yaml plus the state keys `status` (todo|ready|in_progress|blocked|review|
// in_review|done), `owner`, `branch`, `commit`, `blocked_reason` (or `reason`), `blocked_by`
// and `evidence: [{command, result: pass|fail, exit_code?, commit?, kind?}]`. Any other key is
// an error: nothing is dropped silently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/definitions.h"
#include "core/event.h"

namespace agentq {

struct ImportPlan {
  std::string yaml;         // the .agentq/queue.yaml to commit (validated by load_definitions)
  Definitions defs;         // `yaml`, parsed
  std::vector<Event> events;  // in write order, with deterministic ids ("import-<task>-<n>");
                              // at and defs are filled in by the writer
  std::vector<std::string> notes;  // every place where the old state is carried approximately
};

// Turns an abbreviated or symbolic commit of the old queue into a full id (the repository does
// that; by default only full ids are accepted).
using CommitResolver = std::function<Result<std::string>(const std::string&)>;

// `default_base` is used when the file names no policy.base (the current branch).
Result<ImportPlan> plan_import(std::string_view legacy_yaml, const std::string& file, const std::string& default_base,
                               const CommitResolver& resolve = {});

}  // namespace agentq
