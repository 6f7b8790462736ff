#include "gitstore/notes.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/ids.h"
#include "core/notes_view.h"
#include "gitstore/event_log.h"
#include "gitstore/handles.h"
#include "gitstore/retry.h"

namespace agentq {
namespace {

constexpr const char* kTrailer = "Agentq-Log: ";

Result<git::TreePtr> lookup_tree(const Repo& repo, const git_oid& id) {
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, repo.raw(), &id) != 0) return fail(git::last_error("cannot read a notes tree"));
  return git::TreePtr(t);
}

// Appends `line` to the note of `commit` in the 2/38 fanout tree `root` (null = empty).
Result<git_oid> append_note(Repo& repo, const git_tree* root, const std::string& commit, const std::string& line) {
  const std::string prefix = commit.substr(0, 2), rest = commit.substr(2);
  git_treebuilder* rb_raw = nullptr;
  if (git_treebuilder_new(&rb_raw, repo.raw(), root) != 0) return fail(git::last_error("cannot build a notes tree"));
  git::TreeBuilderPtr rb(rb_raw);
  git::TreePtr sub;
  if (const git_tree_entry* e = git_treebuilder_get(rb.get(), prefix.c_str())) {
    auto t = lookup_tree(repo, *git_tree_entry_id(e));
    if (!t) return fail(t.error());
    sub = std::move(*t);
  }
  git_treebuilder* sb_raw = nullptr;
  if (git_treebuilder_new(&sb_raw, repo.raw(), sub.get()) != 0) return fail(git::last_error("cannot build a notes tree"));
  git::TreeBuilderPtr sb(sb_raw);
  std::string content;
  if (const git_tree_entry* e = git_treebuilder_get(sb.get(), rest.c_str())) {
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, repo.raw(), git_tree_entry_id(e)) != 0) return fail(git::last_error("cannot read a note"));
    git::BlobPtr bp(b);
    content.assign(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
  }
  content += line;
  content += '\n';
  git_oid blob, sub_id, root_id;
  if (git_blob_create_from_buffer(&blob, repo.raw(), content.data(), content.size()) != 0 ||
      git_treebuilder_insert(nullptr, sb.get(), rest.c_str(), &blob, GIT_FILEMODE_BLOB) != 0 ||
      git_treebuilder_write(&sub_id, sb.get()) != 0 ||
      git_treebuilder_insert(nullptr, rb.get(), prefix.c_str(), &sub_id, GIT_FILEMODE_TREE) != 0 ||
      git_treebuilder_write(&root_id, rb.get()) != 0)
    return fail(git::last_error("cannot write a note"));
  return root_id;
}

// Hashes a tree in memory: entries (name -> (mode, id)) in git's order.
git_oid hash_tree(const std::map<std::string, std::pair<const char*, git_oid>>& entries) {
  std::string bytes;
  for (const auto& [name, entry] : entries) {
    bytes += entry.first;
    bytes += ' ';
    bytes += name;
    bytes += '\0';
    bytes.append(reinterpret_cast<const char*>(entry.second.id), GIT_OID_RAWSZ);
  }
  git_oid out;
  git_odb_hash(&out, bytes.data(), bytes.size(), GIT_OBJECT_TREE);
  return out;
}

struct ExpectedLine {
  std::string line, event_id, event_commit;
};

}  // namespace

std::optional<std::string> notes_covered_log(const Repo& repo, const std::string& notes_commit) {
  git_oid oid;
  git_commit* c = nullptr;
  if (!git::parse_oid(notes_commit, &oid) || git_commit_lookup(&c, repo.raw(), &oid) != 0) return std::nullopt;
  git::CommitPtr cp(c);
  std::string msg = git_commit_message(c);
  size_t at = msg.rfind(kTrailer);
  if (at == std::string::npos) return std::nullopt;
  std::string id = msg.substr(at + std::string(kTrailer).size(), GIT_OID_HEXSZ);
  git_oid check;
  if (!git::parse_oid(id, &check)) return std::nullopt;
  return id;
}

Result<NotesUpdate> build_notes(Repo& repo, const std::string& log_tip, const std::optional<std::string>& base_notes) {
  NotesUpdate out;
  std::optional<std::string> covered;
  if (base_notes) {
    covered = notes_covered_log(repo, *base_notes);
    if (!covered)
      return fail(Error(Code::NOTE_MISMATCH, std::string(kNotesRef) + " was not written by git-agentq", {},
                        "run 'git agentq notes rebuild' to derive it from the log again"));
    if (*covered == log_tip) {
      out.tip = *base_notes;
      return out;
    }
  }
  auto slice = read_log(repo, log_tip, covered.value_or(""));
  if (!slice) return fail(slice.error());
  std::optional<std::string> parent = base_notes;
  if (covered && !slice->reached_stop) {
    if (repo.is_ancestor(log_tip, *covered)) {
      // The notes already cover a newer log than `log_tip` (another writer got further).
      out.tip = *base_notes;
      return out;
    }
    // The notes covered a log commit that is no longer in the chain: derive them afresh.
    out.rebuilt = true;
    parent.reset();
  }
  git::TreePtr tree;
  git::CommitPtr parent_commit;
  if (parent) {
    git_oid pid;
    git_commit* pc = nullptr;
    if (!git::parse_oid(*parent, &pid) || git_commit_lookup(&pc, repo.raw(), &pid) != 0)
      return fail(git::last_error("cannot read notes commit " + *parent));
    parent_commit.reset(pc);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, pc) != 0) return fail(git::last_error("cannot read a notes tree"));
    tree.reset(t);
  }
  out.tip = parent.value_or("");
  for (const LogEntry& entry : slice->entries) {
    if (!entry.event) continue;
    std::vector<std::string> commits = named_commits(*entry.event);
    if (commits.empty()) continue;
    const std::string line = note_line(*entry.event);
    for (const std::string& c : commits) {
      auto root = append_note(repo, tree.get(), c, line);
      if (!root) return fail(root.error());
      auto t = lookup_tree(repo, *root);
      if (!t) return fail(t.error());
      tree = std::move(*t);
    }
    const Millis when = parse_rfc3339(entry.event->at).value_or(0);
    git_signature* sig_raw = nullptr;
    if (git_signature_new(&sig_raw, "git-agentq", "agentq@agentq.invalid", when / 1000, 0) != 0)
      return fail(git::last_error("cannot build the notes identity"));
    git::SignaturePtr sig(sig_raw);
    const std::string message = "Notes for: " + subject_line(*entry.event) + "\n\n" + kTrailer + entry.commit + "\n";
    const git_commit* parents[1] = {parent_commit.get()};
    git_oid id;
    if (git_commit_create(&id, repo.raw(), nullptr, sig.get(), sig.get(), "UTF-8", message.c_str(), tree.get(),
                          parent_commit ? 1 : 0, parents) != 0)
      return fail(git::last_error("cannot write a notes commit"));
    git_commit* nc = nullptr;
    if (git_commit_lookup(&nc, repo.raw(), &id) != 0) return fail(git::last_error("cannot read a notes commit"));
    parent_commit.reset(nc);
    out.tip = git::oid_str(id);
    ++out.commits;
  }
  return out;
}

Result<NotesUpdate> update_notes(Repo& repo, const std::string& log_tip, bool force_rebuild, const std::string& notes_ref) {
  auto attempt = [&](int) -> Result<std::optional<NotesUpdate>> {
    std::optional<std::string> current = repo.ref(notes_ref);
    auto built = build_notes(repo, log_tip, force_rebuild ? std::nullopt : current);
    if (!built) return fail(built.error());
    if (force_rebuild) built->rebuilt = true;
    if (built->tip.empty() || (current && built->tip == *current)) return std::optional<NotesUpdate>(*built);
    auto cas = compare_and_swap(repo, notes_ref, built->tip, current, "agentq: notes for the queue log");
    if (!cas) return fail(cas.error());
    // Lost: another writer moved the notes; the result is deterministic, so re-read and rebuild.
    return *cas == CasOutcome::moved ? std::optional<NotesUpdate>(*built) : std::nullopt;
  };
  return with_retries<NotesUpdate>(retry_policy(repo.env()), attempt,
                                   Error(Code::NON_FAST_FORWARD, std::string(notes_ref) + " keeps moving; try again"));
}

Result<std::vector<Finding>> check_notes(const Repo& repo, const std::vector<LogEntry>& log,
                                         const std::optional<std::string>& notes_tip) {
  std::map<std::string, std::vector<ExpectedLine>> expected;
  for (const LogEntry& entry : log) {
    if (!entry.event) continue;
    for (const std::string& c : named_commits(*entry.event))
      expected[c].push_back({note_line(*entry.event), entry.event->id, entry.commit});
  }
  // Expected tree, hashed in memory.
  std::map<std::string, std::map<std::string, std::pair<const char*, git_oid>>> fanout;
  std::map<std::string, git_oid> expected_blob;
  for (const auto& [commit, lines] : expected) {
    std::string content;
    for (const auto& l : lines) content += l.line + "\n";
    git_oid blob;
    git_odb_hash(&blob, content.data(), content.size(), GIT_OBJECT_BLOB);
    expected_blob[commit] = blob;
    fanout[commit.substr(0, 2)][commit.substr(2)] = {"100644", blob};
  }
  std::map<std::string, std::pair<const char*, git_oid>> root;
  for (const auto& [prefix, entries] : fanout) root[prefix] = {"40000", hash_tree(entries)};
  const git_oid expected_tree = hash_tree(root);

  std::vector<Finding> findings;
  std::map<std::string, git_oid> actual;  // annotated commit -> note blob
  if (notes_tip) {
    git_oid nid;
    git_commit* nc = nullptr;
    if (!git::parse_oid(*notes_tip, &nid) || git_commit_lookup(&nc, repo.raw(), &nid) != 0)
      return fail(git::last_error("cannot read " + std::string(kNotesRef)));
    git::CommitPtr ncp(nc);
    if (git_oid_equal(git_commit_tree_id(nc), &expected_tree)) return findings;
    git_note_iterator* it_raw = nullptr;
    if (git_note_commit_iterator_new(&it_raw, nc) == 0) {
      git::NoteIteratorPtr it(it_raw);
      git_oid note_id, annotated;
      while (git_note_next(&note_id, &annotated, it.get()) == 0) actual[git::oid_str(annotated)] = note_id;
    }
  } else if (expected.empty()) {
    return findings;
  }
  auto finding = [&](Code code, const std::string& commit, std::string msg, std::string event_id = {},
                     std::string fix = "run 'git agentq notes rebuild'") {
    Finding f;
    f.code = code;
    f.commit = commit;
    f.message = std::move(msg);
    f.event_id = std::move(event_id);
    f.fix = std::move(fix);
    findings.push_back(std::move(f));
  };
  for (const auto& [commit, blob] : actual) {
    if (!expected.count(commit))
      finding(Code::NOTE_WITHOUT_EVENT, commit, "note on " + short_id(commit) + " names no event of the log");
  }
  for (const auto& [commit, lines] : expected) {
    auto a = actual.find(commit);
    if (a == actual.end()) {
      for (const auto& l : lines)
        finding(Code::EVENT_WITHOUT_NOTE, commit,
                "event " + l.event_id + " names " + short_id(commit) + " but the commit has no agentq note",
                l.event_id);
      continue;
    }
    if (git_oid_equal(&a->second, &expected_blob[commit])) continue;
    git_blob* b = nullptr;
    std::string content;
    if (git_blob_lookup(&b, repo.raw(), &a->second) == 0) {
      git::BlobPtr bp(b);
      content.assign(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
    }
    std::multiset<std::string> have;
    std::istringstream in(content);
    for (std::string line; std::getline(in, line);) have.insert(line);
    for (const auto& l : lines) {
      auto h = have.find(l.line);
      if (h != have.end()) {
        have.erase(h);
        continue;
      }
      finding(Code::EVENT_WITHOUT_NOTE, commit,
              "event " + l.event_id + " is missing from the note on " + short_id(commit), l.event_id);
    }
    for (const auto& extra : have) {
      (void)extra;
      finding(Code::NOTE_WITHOUT_EVENT, commit, "the note on " + short_id(commit) + " has a line no event wrote");
    }
  }
  if (findings.empty())
    finding(Code::NOTE_MISMATCH, notes_tip.value_or(""),
            std::string(kNotesRef) + " holds the right notes in an unexpected tree layout");
  return findings;
}

}  // namespace agentq
