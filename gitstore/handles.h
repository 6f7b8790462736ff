// RAII for libgit2: every handle lives in a unique_ptr with its git_*_free deleter, and raw
// handles never leave gitstore. Include only from gitstore/*.cpp.
#pragma once

#include <memory>
#include <string>

#include <git2.h>

#include "core/error.h"

namespace agentq::git {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using RepoPtr = Handle<git_repository, git_repository_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;
using ObjectPtr = Handle<git_object, git_object_free>;
using RefPtr = Handle<git_reference, git_reference_free>;
using RevwalkPtr = Handle<git_revwalk, git_revwalk_free>;
using TreeBuilderPtr = Handle<git_treebuilder, git_treebuilder_free>;
using SignaturePtr = Handle<git_signature, git_signature_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;
using OdbObjectPtr = Handle<git_odb_object, git_odb_object_free>;
using ConfigPtr = Handle<git_config, git_config_free>;
using IndexPtr = Handle<git_index, git_index_free>;
using DiffPtr = Handle<git_diff, git_diff_free>;
using PatchPtr = Handle<git_patch, git_patch_free>;
using WorktreePtr = Handle<git_worktree, git_worktree_free>;
using StatusListPtr = Handle<git_status_list, git_status_list_free>;
using ReflogPtr = Handle<git_reflog, git_reflog_free>;
using NoteIteratorPtr = Handle<git_note_iterator, git_note_iterator_free>;
using NotePtr = Handle<git_note, git_note_free>;
using RefIteratorPtr = Handle<git_reference_iterator, git_reference_iterator_free>;

// git_buf is a struct, not a handle.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// libgit2's last error as an Error with `code` (GIT_ERROR by default).
Error last_error(const std::string& what, Code code = Code::GIT_ERROR);

std::string oid_str(const git_oid& oid);
// Parses a full hex object id; false when malformed.
bool parse_oid(const std::string& hex, git_oid* out);

// Calls git_libgit2_init once per process (and shutdown at exit).
void ensure_init();

}  // namespace agentq::git
