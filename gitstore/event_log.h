// The event log: refs/agent-queue/log, one event per commit, a linear chain.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/replay.h"
#include "gitstore/repo.h"

namespace agentq {

inline constexpr const char* kLogRef = "refs/agent-queue/log";
inline constexpr const char* kQueueNamespace = "refs/agent-queue/";

// Signs a commit buffer the way `git commit -S` would (gitstore/signing.*): returns the
// armored signature to store in the commit's gpgsig header. Fails rather than return a
// signature it has not checked, so no event is ever written half-signed.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual Result<std::string> sign(const std::string& commit_buffer) = 0;
};

// Splits a raw commit object into its gpgsig header (continuation lines joined, ending in a
// newline) and the bytes that were signed (the object without that header). False when the
// object is malformed; `signature` is empty when the commit is not signed.
bool split_signature(std::string_view raw, std::string* signature, std::string* signed_data);

// The whole commit object `commit` as stored (what split_signature takes).
Result<std::string> read_commit_object(const Repo& repo, const std::string& commit);

struct LogSlice {
  std::vector<LogEntry> entries;  // oldest first
  bool reached_stop = false;      // the walk met `stop_at` (false: it reached the root first)
};

// Reads the log from `tip` back to `stop_at` (exclusive; empty = to the root), oldest first.
// Undecodable commits and merge commits become entries with an error, never a failure.
// Signatures are not looked at here: replay asks for them (RepoView::signature) where the
// definitions an event names require them.
Result<LogSlice> read_log(const Repo& repo, const std::string& tip, const std::string& stop_at = {});

struct Attachment {
  std::string path;  // e.g. "logs/1.log"
  std::string data;
};

// Creates (but does not publish) the commit for `e` on top of `parent`: message = subject,
// blank line, canonical JSON; tree = the attachments; signed when `signer` is given.
Result<std::string> create_event_commit(Repo& repo, const Event& e, const std::optional<std::string>& parent,
                                        const std::vector<Attachment>& attachments, Signer* signer);

// Creates the commit for `e` on top of `parent` with an existing tree (the attachments of an
// event being re-created on another parent, e.g. when sync replays it onto the remote's tip).
Result<std::string> create_event_commit_with_tree(Repo& repo, const Event& e, const std::optional<std::string>& parent,
                                                  const std::string& tree, Signer* signer);

// The tree id of an event commit.
Result<std::string> event_tree(const Repo& repo, const std::string& commit);

// The attachments of an event commit (every blob of its tree, by path).
Result<std::vector<Attachment>> read_attachments(const Repo& repo, const std::string& commit);

// lost: the ref moved, or another writer holds its lock, under us (re-read and retry). A lock
// that stays in the way (gitstore/locks.h) is an error naming it.
enum class CasOutcome { moved, lost };

// Moves `ref` from `expected` (nullopt = must not exist) to `target`, writing a reflog entry.
Result<CasOutcome> compare_and_swap(Repo& repo, const std::string& ref, const std::string& target,
                                    const std::optional<std::string>& expected, const std::string& reflog_message);

// Deletes `ref` if it still points at `expected` (lost: it moved, or is locked). Its reflog goes
// with it, as in git: call this only for refs whose commits are kept elsewhere.
Result<CasOutcome> delete_ref_matching(Repo& repo, const std::string& ref, const std::string& expected);

// Makes sure updates of `ref` are recorded in its reflog (git keeps none outside
// heads/remotes/notes by default).
Status ensure_reflog(Repo& repo, const std::string& ref);

}  // namespace agentq
