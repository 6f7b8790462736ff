// The replayed queue state: what the log says happened to each task.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/digest.h"
#include "core/error.h"

namespace agentq {

enum class TaskStatus { todo, in_progress, blocked, in_review, done };
std::string_view to_string(TaskStatus s);
// in_progress, blocked and in_review hold a lane.
bool holds_lane(TaskStatus s);

struct EvidenceRecord {
  std::string id, actor, role, at, command, kind, result, commit, log, event_commit;
  std::optional<int64_t> exit_code, duration_ms, log_bytes;
};

struct HandoffRecord {
  std::string id, actor, role, at, branch, commit, merge_base, patch_id, event_commit;
  std::vector<std::string> commits, files, evidence;
  std::string risks, next, root_cause, owning_file, proof_command;
};

struct ReviewRecord {
  std::string id, actor, role, at, commit, decision, note, exception_note, event_commit;
  std::string patch_id;  // patch-id of the handoff it reviewed (copies approvals across trivial rebases)
};

struct TaskState {
  std::string id;
  TaskStatus status = TaskStatus::todo;
  TaskStatus before_block = TaskStatus::in_progress;  // where unblocking returns to
  std::string owner;  // actor holding the claim
  std::string role;   // role the claim was taken in
  int lane = 0;
  std::string branch;
  std::string claim;  // id of the live claim event (the claim's generation)
  std::string claimed_at;
  std::string last_activity;
  std::vector<EvidenceRecord> evidence;
  std::optional<HandoffRecord> handoff;
  std::vector<ReviewRecord> reviews;
  std::string blocked_reason, blocked_by;
  std::string done_commit, done_at, done_by;
  std::set<std::string> implementers;  // every actor that ever claimed or handed off this task
  std::set<std::string> implementer_roles;
  std::vector<std::string> overrides;  // ids of override events
};

struct Finding {
  Code code = Code::EVENT_INVALID;
  std::string message;
  std::string commit;    // the commit it is about: an event's (in_log) or the repository's
  bool in_log = false;   // `commit` is a commit of the queue log (an illegal event)
  std::string event_id;  // empty when the event could not be decoded
  std::string task;
  std::string fix;
  bool voided = false;   // acknowledged by a human `void` event
};

struct Override {
  std::string id, task, actor, reason, at, commit;
  std::vector<std::string> commits;  // the commits it lets onto base
};

struct Promotion {
  std::string id, commit, release, actor, at;
  std::vector<std::string> tasks;
};

struct QueueState {
  bool initialised = false;
  std::string base, release, remote;
  std::string init_commit;
  std::string init_defs;  // the base tip when the queue started: base commits after it need a task
  std::map<std::string, TaskState> tasks;  // only tasks some event touched
  std::unordered_map<std::string, Sha256> event_ids;  // id -> content_hash of the event
  std::unordered_map<std::string, std::string> id_commits;  // id -> event commit
  std::set<std::string> released_claims;  // claim ids that no longer hold (fencing)
  std::vector<Finding> illegal;  // events skipped by replay
  std::vector<Promotion> promotions;
  std::vector<Override> overrides;
  // role -> lane -> the task holding it (in_progress, blocked or in_review).
  std::map<std::string, std::map<int, std::string>> lane_holders;
  std::string last_defs;  // the definitions commit the last applied event named
  std::string last_at;
  uint64_t events = 0;  // events applied or skipped
  std::string tip;      // the log commit this state was built from

  // The state of `id`, or a todo state when no event touched it yet.
  const TaskState& task(const std::string& id) const;
  TaskState& task_mut(const std::string& id);
  // Open findings: illegal events not acknowledged by a `void`.
  size_t open_findings() const;
};

}  // namespace agentq
