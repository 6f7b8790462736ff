// A RepoView over in-memory definitions: rules are tested without a repository.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/definitions.h"
#include "core/event.h"
#include "core/repo_view.h"
#include "core/replay.h"

namespace agentq::testing {

inline std::string hex40(char c) { return std::string(40, c); }

class FakeRepo : public RepoView {
 public:
  explicit FakeRepo(const std::string& yaml) {
    auto d = load_definitions(yaml, "queue.yaml");
    if (!d) throw std::runtime_error(d.error().str());
    defs_[hex40('d')] = std::make_shared<Definitions>(std::move(*d));
    positions_[hex40('d')] = 0;
  }
  // Adds a later definitions commit on base.
  void add_defs(const std::string& commit, const std::string& yaml, int64_t position) {
    auto d = load_definitions(yaml, "queue.yaml");
    if (!d) throw std::runtime_error(d.error().str());
    defs_[commit] = std::make_shared<Definitions>(std::move(*d));
    positions_[commit] = position;
  }
  Result<std::shared_ptr<const Definitions>> definitions_at(const std::string& commit) override {
    auto it = defs_.find(commit);
    if (it == defs_.end()) return fail(Code::DEF_INVALID, "no definitions at " + commit);
    return std::shared_ptr<const Definitions>(it->second);
  }
  std::optional<int64_t> base_position(const std::string& commit) override {
    auto it = positions_.find(commit);
    if (it == positions_.end()) return std::nullopt;
    return it->second;
  }
  bool reachable_from_base(const std::string& commit) override { return merged.count(commit) > 0; }
  bool commit_exists(const std::string&) override { return true; }
  std::optional<std::vector<std::string>> changed_files(const std::string& from, const std::string& to) override {
    auto it = files.find(from + ".." + to);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  std::optional<bool> is_ancestor(const std::string& a, const std::string& b) override {
    if (non_ancestors.count(a + ".." + b)) return false;
    if (positions_.count(b)) return merged.count(a) > 0;  // b is a base commit: "merged" ones are below it
    return std::nullopt;
  }
  std::optional<bool> path_exists(const std::string& commit, const std::string& path) override {
    if (paths.count(commit + ":" + path)) return true;
    if (missing_paths.count(commit + ":" + path)) return false;
    return std::nullopt;
  }

  // What a verifier found for a log commit; none verified (not_checked) unless set here.
  SignatureCheck signature(const std::string& commit, const Event&, const Definitions&) override {
    auto it = signatures.find(commit);
    return it == signatures.end() ? SignatureCheck{} : it->second;
  }

  const Definitions& defs() const { return *defs_.at(hex40('d')); }

  std::set<std::string> merged;
  std::map<std::string, std::vector<std::string>> files;  // "from..to" -> changed paths
  std::set<std::string> non_ancestors;                    // "a..b" where a is not an ancestor of b
  std::set<std::string> paths, missing_paths;             // "commit:path"
  std::map<std::string, SignatureCheck> signatures;       // log commit -> its verified signature

 private:
  std::map<std::string, std::shared_ptr<Definitions>> defs_;
  std::map<std::string, int64_t> positions_;
};

// Builds events with the common fields filled in.
class EventFactory {
 public:
  Event make(EventType type, const std::string& actor, const std::string& task = {}, const std::string& role = {}) {
    Event e;
    e.type = type;
    e.id = "ev-" + std::to_string(++n_);
    e.actor = actor;
    e.task = task;
    e.role = role;
    e.at = "2026-11-25T10:00:00Z";
    e.defs = hex40('d');
    return e;
  }
  Event init(const std::string& base = "main") {
    Event e = make(EventType::init, "");
    e.base = base;
    return e;
  }
  Event claim(const std::string& actor, const std::string& task, const std::string& role, int lane = 1) {
    Event e = make(EventType::claim, actor, task, role);
    e.lane = lane;
    return e;
  }
  Event status(const std::string& actor, const std::string& task, const std::string& role, const std::string& status,
               const std::string& claim = {}) {
    Event e = make(EventType::status, actor, task, role);
    e.status = status;
    e.claim = claim;
    if (status == "blocked") e.reason = "waiting";
    return e;
  }
  Event handoff(const std::string& actor, const std::string& task, const std::string& role, const std::string& claim,
                const std::string& commit = hex40('c'), std::vector<std::string> files = {"services/x.go"}) {
    Event e = make(EventType::handoff, actor, task, role);
    e.claim = claim;
    e.branch = "agent/" + role;
    e.commit = commit;
    e.merge_base = hex40('b');
    e.files = std::move(files);
    e.patch_id = "p-" + commit.substr(0, 4);
    return e;
  }
  Event review(const std::string& actor, const std::string& task, const std::string& role, const std::string& decision,
               const std::string& commit = hex40('c')) {
    Event e = make(EventType::review, actor, task, role);
    e.decision = decision;
    e.commit = commit;
    return e;
  }
  Event acceptance(const std::string& actor, const std::string& task, const std::string& command, const std::string& result,
                   const std::string& commit = hex40('c')) {
    Event e = evidence(actor, task, result);
    e.kind = "acceptance";
    e.command = command;
    e.commit = commit;
    return e;
  }
  Event evidence(const std::string& actor, const std::string& task, const std::string& result) {
    Event e = make(EventType::evidence, actor, task);
    e.command = "make test";
    e.result = result;
    e.kind = "other";
    e.commit = hex40('c');
    return e;
  }

 private:
  int n_ = 0;
};

// Appends `e` to the log as replay would see it, returning the finding code (if any).
inline std::optional<Code> push(QueueState& s, RepoView& repo, const Event& e, const std::string& commit = {}) {
  size_t before = s.illegal.size();
  LogEntry entry;
  entry.commit = commit.empty() ? std::string(40, 'e') : commit;
  entry.event = e;
  replay_entry(s, entry, repo);
  if (s.illegal.size() > before) return s.illegal.back().code;
  return std::nullopt;
}

inline const char* kQueueYaml = R"(version: 1
policy:
  base: main
  stale_after: 1h
roles:
  backend: { kind: delivery, lanes: 1, owns: ["services/**"] }
  ui: { kind: delivery, lanes: 2 }
  arch: { kind: review }
  coord: { kind: coordinator }
actors:
  agent-a: { roles: [backend], model: m1 }
  agent-b: { roles: [ui], model: m2 }
  agent-b2: { roles: [ui], model: m2 }
  rev: { roles: [arch], model: m3 }
  alice: { roles: [coord], human: true }
tasks:
  - id: A-1
    title: first
    role: backend
    acceptance_checks: ["true"]
  - id: A-2
    role: backend
    depends_on: [A-1]
  - id: B-1
    role: ui
  - id: B-2
    role: ui
  - id: B-3
    role: ui
  - id: B-PIN
    role: ui
    lane: 2
)";

}  // namespace agentq::testing
