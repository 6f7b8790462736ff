#include "gitstore/event_log.h"

#include <algorithm>
#include <map>

#include "core/strings.h"
#include "gitstore/handles.h"
#include "gitstore/locks.h"

namespace agentq {

namespace {

// The parts of a raw commit object the log reader needs. Parsing the object text directly
// (instead of git_commit_lookup) skips libgit2's object cache and full parse: the log is read
// once, front to back, and this is the hot path of every command. The signature is not
// looked at here: the verifier reads the object again only when its cache has no verdict.
struct RawCommit {
  std::string_view tree;                  // hex id
  std::vector<std::string_view> parents;  // hex ids
  std::string_view message;
};

bool parse_commit(std::string_view data, RawCommit* out) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = data.substr(pos, eol - pos);
    if (line.empty()) {
      out->message = data.substr(eol + 1);
      break;
    }
    if (line.rfind("parent ", 0) == 0) out->parents.push_back(line.substr(7));
    else if (line.rfind("tree ", 0) == 0) out->tree = line.substr(5);
    pos = eol + 1;
  }
  return true;
}

// The id of the tree with no entries (the same in every SHA-1 repository).
constexpr std::string_view kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

// Why a log commit is not what a writer makes of its event: the message must be exactly the
// canonical subject and body (any other subject or encoding is a hand-made commit dressed as
// the event), the tree exactly the attachments the event names. Empty when it is.
std::string commit_form_error(git_odb* odb, const RawCommit& c, const Event& e) {
  if (c.message != commit_message(e))
    return "the commit message is not the one git-agentq writes for this event (subject '" +
           subject_line(e) + "' and its canonical JSON body)";
  const std::vector<std::string> want = attachment_paths(e);
  if (want.empty()) {
    if (c.tree == kEmptyTree) return "";
    return "the commit's tree is not empty, but the event names no attachment";
  }
  // Only events with attachments read their tree (one object; the attachments live under one
  // directory, as the writer builds them).
  git_oid oid;
  git_odb_object* raw = nullptr;
  if (!git::parse_oid(std::string(c.tree), &oid) || git_odb_read(&raw, odb, &oid) != 0)
    return "the commit's tree " + std::string(c.tree.substr(0, 12)) + " cannot be read";
  git::OdbObjectPtr obj(raw);
  std::vector<std::string> have;
  auto list = [&](git_odb_object* tree_obj, const std::string& prefix, auto& self) -> bool {
    std::string_view data(static_cast<const char*>(git_odb_object_data(tree_obj)), git_odb_object_size(tree_obj));
    while (!data.empty()) {
      const size_t sp = data.find(' '), nul = data.find('\0');
      if (sp == std::string_view::npos || nul == std::string_view::npos || nul < sp || data.size() < nul + 21) return false;
      const std::string_view mode = data.substr(0, sp);
      const std::string name = prefix + std::string(data.substr(sp + 1, nul - sp - 1));
      git_oid child;
      git_oid_fromraw(&child, reinterpret_cast<const unsigned char*>(data.data() + nul + 1));
      data.remove_prefix(nul + 21);
      if (mode == "40000") {
        git_odb_object* sub = nullptr;
        if (git_odb_read(&sub, odb, &child) != 0) return false;
        git::OdbObjectPtr hold(sub);
        if (!self(sub, name + "/", self)) return false;
      } else if (mode == "100644") {
        have.push_back(name);
      } else {
        return false;  // links, executables and submodules are never written
      }
    }
    return true;
  };
  if (git_odb_object_type(raw) != GIT_OBJECT_TREE || !list(raw, "", list))
    return "the commit's tree holds entries git-agentq never writes";
  std::vector<std::string> sorted = want;
  std::sort(sorted.begin(), sorted.end());
  std::sort(have.begin(), have.end());
  if (have != sorted) return "the commit's tree is not the attachments the event names (" + join(sorted, ", ") + ")";
  return "";
}

}  // namespace

bool split_signature(std::string_view data, std::string* signature, std::string* signed_data) {
  signature->clear();
  signed_data->clear();
  size_t pos = 0;
  size_t sig_start = std::string_view::npos, sig_end = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = data.substr(pos, eol - pos);
    if (line.empty()) break;
    if (sig_start == std::string_view::npos && line.rfind("gpgsig ", 0) == 0) {
      sig_start = pos;
      signature->assign(line.substr(7));
      size_t next = eol + 1;
      while (next < data.size() && data[next] == ' ') {
        size_t e2 = data.find('\n', next);
        if (e2 == std::string_view::npos) return false;
        *signature += '\n';
        signature->append(data.substr(next + 1, e2 - next - 1));
        eol = e2;
        next = e2 + 1;
      }
      *signature += '\n';
      sig_end = eol + 1;
    }
    pos = eol + 1;
  }
  if (sig_start != std::string_view::npos) {
    signed_data->assign(data.substr(0, sig_start));
    signed_data->append(data.substr(sig_end));
  }
  return true;
}

Result<std::string> read_commit_object(const Repo& repo, const std::string& commit) {
  git_oid oid;
  if (!git::parse_oid(commit, &oid)) return fail(Error::git("bad commit id " + commit));
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo.raw()) != 0) return fail(git::last_error("cannot open the object database"));
  git::OdbPtr odb(raw_odb);
  git_odb_object* obj_raw = nullptr;
  if (git_odb_read(&obj_raw, odb.get(), &oid) != 0) return fail(git::last_error("cannot read commit " + commit));
  git::OdbObjectPtr obj(obj_raw);
  if (git_odb_object_type(obj_raw) != GIT_OBJECT_COMMIT) return fail(Error::git(commit + " is not a commit"));
  return std::string(static_cast<const char*>(git_odb_object_data(obj_raw)), git_odb_object_size(obj_raw));
}

Result<LogSlice> read_log(const Repo& repo, const std::string& tip, const std::string& stop_at) {
  LogSlice slice;
  git_oid oid;
  if (!git::parse_oid(tip, &oid)) return fail(Error::git("bad log tip " + tip));
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo.raw()) != 0) return fail(git::last_error("cannot open the object database"));
  git::OdbPtr odb(raw_odb);
  std::string current = tip;
  while (true) {
    if (!stop_at.empty() && current == stop_at) {
      slice.reached_stop = true;
      break;
    }
    git_odb_object* obj_raw = nullptr;
    if (!git::parse_oid(current, &oid) || git_odb_read(&obj_raw, odb.get(), &oid) != 0)
      return fail(git::last_error("cannot read log commit " + current).at(Location::in_commit(current, kLogRef)));
    git::OdbObjectPtr obj(obj_raw);
    if (git_odb_object_type(obj_raw) != GIT_OBJECT_COMMIT)
      return fail(Error::git("the queue log names a non-commit object").at(Location::in_commit(current, kLogRef)));
    std::string_view data(static_cast<const char*>(git_odb_object_data(obj_raw)), git_odb_object_size(obj_raw));
    RawCommit c;
    if (!parse_commit(data, &c))
      return fail(Error::git("cannot parse log commit").at(Location::in_commit(current, kLogRef)));
    LogEntry entry;
    entry.commit = current;
    if (c.parents.size() > 1) {
      entry.error = Error(Code::EVENT_INVALID, "merge commit in the queue log (the log must be a linear chain)");
    } else {
      auto ev = decode_commit_message(c.message);
      if (ev) {
        entry.form_error = commit_form_error(odb.get(), c, *ev);
        entry.event = std::move(*ev);
      } else {
        entry.error = ev.error();
      }
    }
    std::string parent = c.parents.empty() ? std::string() : std::string(c.parents.front());
    slice.entries.push_back(std::move(entry));
    if (parent.empty()) break;
    current = std::move(parent);
  }
  std::reverse(slice.entries.begin(), slice.entries.end());
  return slice;
}

namespace {

// Builds a tree from path -> blob bytes, creating subtrees for '/'-separated paths.
Result<git_oid> build_tree(Repo& repo, const std::map<std::string, std::string>& files) {
  std::map<std::string, std::map<std::string, std::string>> subdirs;
  git_treebuilder* raw = nullptr;
  if (git_treebuilder_new(&raw, repo.raw(), nullptr) != 0) return fail(git::last_error("cannot build a tree"));
  git::TreeBuilderPtr tb(raw);
  for (const auto& [path, data] : files) {
    size_t slash = path.find('/');
    if (slash != std::string::npos) {
      subdirs[path.substr(0, slash)][path.substr(slash + 1)] = data;
      continue;
    }
    git_oid blob;
    if (git_blob_create_from_buffer(&blob, repo.raw(), data.data(), data.size()) != 0)
      return fail(git::last_error("cannot write attachment " + path));
    if (git_treebuilder_insert(nullptr, tb.get(), path.c_str(), &blob, GIT_FILEMODE_BLOB) != 0)
      return fail(git::last_error("cannot add attachment " + path));
  }
  for (const auto& [dir, content] : subdirs) {
    auto sub = build_tree(repo, content);
    if (!sub) return sub;
    if (git_treebuilder_insert(nullptr, tb.get(), dir.c_str(), &*sub, GIT_FILEMODE_TREE) != 0)
      return fail(git::last_error("cannot add directory " + dir));
  }
  git_oid out;
  if (git_treebuilder_write(&out, tb.get()) != 0) return fail(git::last_error("cannot write a tree"));
  return out;
}

}  // namespace

Result<std::string> create_event_commit(Repo& repo, const Event& e, const std::optional<std::string>& parent,
                                        const std::vector<Attachment>& attachments, Signer* signer) {
  std::map<std::string, std::string> files;
  for (const Attachment& a : attachments) files[a.path] = a.data;
  auto tree_id = build_tree(repo, files);
  if (!tree_id) return fail(tree_id.error());
  return create_event_commit_with_tree(repo, e, parent, git::oid_str(*tree_id), signer);
}

Result<std::string> create_event_commit_with_tree(Repo& repo, const Event& e, const std::optional<std::string>& parent,
                                                  const std::string& tree_hex, Signer* signer) {
  git_oid tree_id;
  if (!git::parse_oid(tree_hex, &tree_id)) return fail(Error::git("bad tree id " + tree_hex));
  git_tree* tree_raw = nullptr;
  if (git_tree_lookup(&tree_raw, repo.raw(), &tree_id) != 0) return fail(git::last_error("cannot read a tree"));
  git::TreePtr tree(tree_raw);

  git::CommitPtr parent_commit;
  if (parent) {
    git_oid pid;
    git_commit* pc = nullptr;
    if (!git::parse_oid(*parent, &pid) || git_commit_lookup(&pc, repo.raw(), &pid) != 0)
      return fail(git::last_error("cannot read log commit " + *parent));
    parent_commit.reset(pc);
  }
  // The author is the actor; the time is the event's, so the commit says what the event says.
  const std::string name = e.actor.empty() ? "git-agentq" : e.actor;
  const Millis when = parse_rfc3339(e.at).value_or(0);
  git_signature* sig_raw = nullptr;
  if (git_signature_new(&sig_raw, name.c_str(), (name + "@agentq.invalid").c_str(), when / 1000, 0) != 0)
    return fail(git::last_error("cannot build the commit identity"));
  git::SignaturePtr sig(sig_raw);

  const std::string message = commit_message(e);
  const git_commit* parents[1] = {parent_commit.get()};
  git::Buf buffer;
  if (git_commit_create_buffer(&buffer.buf, repo.raw(), sig.get(), sig.get(), "UTF-8", message.c_str(), tree.get(),
                               parent ? 1 : 0, parents) != 0)
    return fail(git::last_error("cannot build the event commit"));
  const std::string content = buffer.str();
  std::string signature;
  if (signer) {
    auto s = signer->sign(content);
    if (!s) return fail(s.error());
    signature = *s;
  }
  git_oid out;
  if (git_commit_create_with_signature(&out, repo.raw(), content.c_str(), signer ? signature.c_str() : nullptr,
                                       signer ? "gpgsig" : nullptr) != 0)
    return fail(git::last_error("cannot write the event commit"));
  return git::oid_str(out);
}

namespace {

Result<git::CommitPtr> lookup_commit(const Repo& repo, const std::string& commit) {
  git_oid oid;
  git_commit* c = nullptr;
  if (!git::parse_oid(commit, &oid) || git_commit_lookup(&c, repo.raw(), &oid) != 0)
    return fail(git::last_error("cannot read commit " + commit));
  return git::CommitPtr(c);
}

}  // namespace

Result<std::string> event_tree(const Repo& repo, const std::string& commit) {
  auto c = lookup_commit(repo, commit);
  if (!c) return fail(c.error());
  return git::oid_str(*git_commit_tree_id(c->get()));
}

Result<std::vector<Attachment>> read_attachments(const Repo& repo, const std::string& commit) {
  auto c = lookup_commit(repo, commit);
  if (!c) return fail(c.error());
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c->get()) != 0) return fail(git::last_error("cannot read the tree of " + commit));
  git::TreePtr tree(t);
  struct Walk {
    const Repo* repo;
    std::vector<Attachment> out;
    bool failed = false;
  } walk{&repo, {}};
  git_tree_walk(
      t, GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
        git_blob* b = nullptr;
        if (git_blob_lookup(&b, w->repo->raw(), git_tree_entry_id(entry)) != 0) {
          w->failed = true;
          return -1;
        }
        git::BlobPtr bp(b);
        w->out.push_back({std::string(root) + git_tree_entry_name(entry),
                          std::string(static_cast<const char*>(git_blob_rawcontent(b)),
                                      static_cast<size_t>(git_blob_rawsize(b)))});
        return 0;
      },
      &walk);
  if (walk.failed) return fail(git::last_error("cannot read the attachments of " + commit));
  return std::move(walk.out);
}

Status ensure_reflog(Repo& repo, const std::string& ref) {
  if (git_reference_has_log(repo.raw(), ref.c_str()) == 1) return {};
  if (git_reference_ensure_log(repo.raw(), ref.c_str()) != 0)
    return fail(git::last_error("cannot create the reflog of " + ref));
  return {};
}

namespace {

// A ref update failed with GIT_ELOCKED. libgit2 1.5.1 reports that when `<ref>.lock` exists
// (for create, create_matching and delete) and, when a packed ref is deleted, when
// packed-refs.lock does: whichever is there is judged (gitstore/locks.h). `lost` tells the
// caller to re-read and retry; a lock that stays in the way is an error naming it.
Result<CasOutcome> locked_out(const Repo& repo, const std::string& ref) {
  for (const std::string& lock : {repo.common_dir() + ref + ".lock", repo.common_dir() + "packed-refs.lock"}) {
    auto check = clear_stale_lock(repo, lock);
    if (!check) return fail(check.error());
    switch (check->outcome) {
      case LockCheck::Outcome::gone:
        continue;
      case LockCheck::Outcome::removed:
      case LockCheck::Outcome::busy:
        return CasOutcome::lost;
      case LockCheck::Outcome::stuck: {
        Error e = check->why;
        e.message = "cannot update " + ref + ": " + e.message;
        return fail(e);
      }
    }
  }
  return CasOutcome::lost;  // the lock went away meanwhile
}

}  // namespace

Result<CasOutcome> compare_and_swap(Repo& repo, const std::string& ref, const std::string& target,
                                    const std::optional<std::string>& expected, const std::string& reflog_message) {
  AGENTQ_TRY(ensure_reflog(repo, ref));
  git_oid t;
  if (!git::parse_oid(target, &t)) return fail(Error::git("bad target " + target));
  git_reference* out = nullptr;
  int rc;
  if (expected) {
    git_oid cur;
    if (!git::parse_oid(*expected, &cur)) return fail(Error::git("bad expected value " + *expected));
    rc = git_reference_create_matching(&out, repo.raw(), ref.c_str(), &t, 1, &cur, reflog_message.c_str());
  } else {
    rc = git_reference_create(&out, repo.raw(), ref.c_str(), &t, 0, reflog_message.c_str());
  }
  git::RefPtr holder(out);
  if (rc == 0) return CasOutcome::moved;
  // By libgit2's codes, never its message text (which can be a stale one from an earlier call):
  // EMODIFIED the ref is not at `expected`, EEXISTS it exists when it should not.
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) return CasOutcome::lost;
  if (rc == GIT_ELOCKED) return locked_out(repo, ref);
  return fail(git::last_error("cannot update " + ref));
}

Result<CasOutcome> delete_ref_matching(Repo& repo, const std::string& ref, const std::string& expected) {
  git_reference* raw = nullptr;
  int rc = git_reference_lookup(&raw, repo.raw(), ref.c_str());
  if (rc == GIT_ENOTFOUND) return CasOutcome::lost;
  if (rc != 0) return fail(git::last_error("cannot read " + ref));
  git::RefPtr holder(raw);
  const git_oid* target = git_reference_target(raw);
  if (!target || git::oid_str(*target) != expected) return CasOutcome::lost;
  // libgit2 deletes only while the ref still has the value it was looked up with.
  rc = git_reference_delete(raw);
  if (rc == 0) return CasOutcome::moved;
  if (rc == GIT_EMODIFIED) return CasOutcome::lost;
  if (rc == GIT_ELOCKED) return locked_out(repo, ref);
  return fail(git::last_error("cannot delete " + ref));
}

}  // namespace agentq
