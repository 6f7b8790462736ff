// refs/notes/agentq, derived deterministically from the log: the events on each implementation
// commit, readable with plain `git log --notes=agentq`, and rebuildable from the log at any time.
//
// Notes commit N is built from notes commit N-1 plus event N, with a fixed identity and the
// event's time, and its message names the log commit it covers ("Agentq-Log: <id>"). Every
// clone therefore computes identical notes commits from the same log, and pushing them never
// conflicts. The tree uses git's 2/38 fanout (libgit2 would write a flat tree, and a flat
// tree makes every note update cost grow with the number of notes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/replay.h"
#include "core/state.h"
#include "gitstore/repo.h"

namespace agentq {

inline constexpr const char* kNotesRef = "refs/notes/agentq";

struct NotesUpdate {
  std::string tip;       // the notes ref after the update (empty: there are no notes yet)
  size_t commits = 0;    // notes commits written
  bool rebuilt = false;  // the notes history did not cover the log and was started afresh
};

// Brings `notes_ref` up to date with the log at `log_tip` (appending one notes commit per
// event that names commits). Safe to run concurrently: the result is deterministic, so a
// lost race just re-reads. Refuses (NOTE_MISMATCH) when the notes ref was written by
// something other than git-agentq; `force_rebuild` starts a fresh notes history instead.
Result<NotesUpdate> update_notes(Repo& repo, const std::string& log_tip, bool force_rebuild = false,
                                 const std::string& notes_ref = kNotesRef);

// Computes the notes commits for `log_tip` on top of `base_notes` (nullopt = from scratch)
// without moving any ref; returns the resulting notes tip.
Result<NotesUpdate> build_notes(Repo& repo, const std::string& log_tip, const std::optional<std::string>& base_notes);

// Compares the notes at `notes_tip` with what the log says. Cheap when they agree (one tree
// hash computed in memory); otherwise lists NOTE_WITHOUT_EVENT / EVENT_WITHOUT_NOTE findings.
Result<std::vector<Finding>> check_notes(const Repo& repo, const std::vector<LogEntry>& log,
                                         const std::optional<std::string>& notes_tip);

// The log commit a notes commit covers ("Agentq-Log:" trailer); nullopt when absent.
std::optional<std::string> notes_covered_log(const Repo& repo, const std::string& notes_commit);

}  // namespace agentq
