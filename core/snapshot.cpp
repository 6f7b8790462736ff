#include "core/snapshot.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/digest.h"

namespace agentq {
namespace {

// Layout: kMagic, then the SHA-256 of the body, then the body: fields in a fixed order, strings
// and counts as little-endian u64 lengths. Fixed order and sorted maps make equal states equal
// bytes, which the property test relies on.
constexpr std::string_view kMagic = "agentq snapshot 1\n";

// A field added to the state and not written here would be lost by every warm load: these
// sizes change with any new field, so the build stops until put_state/get_state (and the
// random logs of tests/unit/snapshot_test.cpp) know it; then update the numbers. Checked where
// they were measured (libstdc++ on x86-64), the platform git-agentq is built and tested on.
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(QueueState) == 600 && sizeof(TaskState) == 1096 && sizeof(EvidenceRecord) == 368 &&
                  sizeof(HandoffRecord) == 520 && sizeof(ReviewRecord) == 320 && sizeof(Finding) == 184 &&
                  sizeof(Override) == 216 && sizeof(Promotion) == 184,
              "QueueState changed: write and read the new field in core/snapshot.cpp, then update these sizes");
#endif
constexpr size_t kDigest = std::tuple_size_v<Sha256>;

class Writer {
 public:
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void flag(bool b) { out_.push_back(b ? '\1' : '\0'); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void opt(const std::optional<int64_t>& v) {
    flag(v.has_value());
    if (v) i64(*v);
  }
  void strs(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  void set(const std::set<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  uint64_t u64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in_[pos_ + static_cast<size_t>(i)]);
    pos_ += 8;
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  bool flag() {
    if (!need(1)) return false;
    const char c = in_[pos_++];
    if (c != '\0' && c != '\1') ok_ = false;
    return c == '\1';
  }
  std::string str() {
    const uint64_t n = u64();
    if (!need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::optional<int64_t> opt() {
    if (!flag()) return std::nullopt;
    return i64();
  }
  // A count of items that take at least `min_bytes` each: bounded by what is left, so damage
  // cannot make the reader allocate for a billion items.
  uint64_t count(size_t min_bytes = 8) {
    const uint64_t n = u64();
    if (!ok_ || n > (in_.size() - pos_) / std::max<size_t>(min_bytes, 1)) {
      ok_ = false;
      return 0;
    }
    return n;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count());
    for (auto& s : v) s = str();
    return v;
  }
  std::set<std::string> set() {
    std::set<std::string> v;
    for (uint64_t n = count(); n > 0 && ok_; --n) v.insert(v.end(), str());
    return v;
  }
  Sha256 digest() {
    Sha256 d{};
    if (!need(kDigest)) return d;
    std::memcpy(d.data(), in_.data() + pos_, kDigest);
    pos_ += kDigest;
    return d;
  }
  void fail() { ok_ = false; }

 private:
  bool need(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void put_code(Writer& w, Code c) { w.str(code_name(c)); }
Code get_code(Reader& r) {
  Code c = Code::EVENT_INVALID;
  if (!code_from_name(r.str(), &c)) r.fail();
  return c;
}

void put_status(Writer& w, TaskStatus s) { w.u64(static_cast<uint64_t>(s)); }
TaskStatus get_status(Reader& r) {
  const uint64_t v = r.u64();
  if (v > static_cast<uint64_t>(TaskStatus::done)) r.fail();
  return static_cast<TaskStatus>(v > static_cast<uint64_t>(TaskStatus::done) ? 0 : v);
}

void put_evidence(Writer& w, const EvidenceRecord& e) {
  for (const std::string* s : {&e.id, &e.actor, &e.role, &e.at, &e.command, &e.kind, &e.result, &e.commit, &e.log,
                               &e.event_commit})
    w.str(*s);
  w.opt(e.exit_code);
  w.opt(e.duration_ms);
  w.opt(e.log_bytes);
}
EvidenceRecord get_evidence(Reader& r) {
  EvidenceRecord e;
  for (std::string* s : {&e.id, &e.actor, &e.role, &e.at, &e.command, &e.kind, &e.result, &e.commit, &e.log,
                         &e.event_commit})
    *s = r.str();
  e.exit_code = r.opt();
  e.duration_ms = r.opt();
  e.log_bytes = r.opt();
  return e;
}

void put_handoff(Writer& w, const HandoffRecord& h) {
  for (const std::string* s : {&h.id, &h.actor, &h.role, &h.at, &h.branch, &h.commit, &h.merge_base, &h.patch_id,
                               &h.event_commit, &h.risks, &h.next, &h.root_cause, &h.owning_file, &h.proof_command})
    w.str(*s);
  w.strs(h.commits);
  w.strs(h.files);
  w.strs(h.evidence);
}
HandoffRecord get_handoff(Reader& r) {
  HandoffRecord h;
  for (std::string* s : {&h.id, &h.actor, &h.role, &h.at, &h.branch, &h.commit, &h.merge_base, &h.patch_id,
                         &h.event_commit, &h.risks, &h.next, &h.root_cause, &h.owning_file, &h.proof_command})
    *s = r.str();
  h.commits = r.strs();
  h.files = r.strs();
  h.evidence = r.strs();
  return h;
}

void put_review(Writer& w, const ReviewRecord& v) {
  for (const std::string* s :
       {&v.id, &v.actor, &v.role, &v.at, &v.commit, &v.decision, &v.note, &v.exception_note, &v.event_commit, &v.patch_id})
    w.str(*s);
}
ReviewRecord get_review(Reader& r) {
  ReviewRecord v;
  for (std::string* s :
       {&v.id, &v.actor, &v.role, &v.at, &v.commit, &v.decision, &v.note, &v.exception_note, &v.event_commit, &v.patch_id})
    *s = r.str();
  return v;
}

void put_task(Writer& w, const TaskState& t) {
  w.str(t.id);
  put_status(w, t.status);
  put_status(w, t.before_block);
  w.str(t.owner);
  w.str(t.role);
  w.i64(t.lane);
  w.str(t.branch);
  w.str(t.claim);
  w.str(t.claimed_at);
  w.str(t.last_activity);
  w.u64(t.evidence.size());
  for (const auto& e : t.evidence) put_evidence(w, e);
  w.flag(t.handoff.has_value());
  if (t.handoff) put_handoff(w, *t.handoff);
  w.u64(t.reviews.size());
  for (const auto& v : t.reviews) put_review(w, v);
  for (const std::string* s : {&t.blocked_reason, &t.blocked_by, &t.done_commit, &t.done_at, &t.done_by}) w.str(*s);
  w.set(t.implementers);
  w.set(t.implementer_roles);
  w.strs(t.overrides);
}
TaskState get_task(Reader& r) {
  TaskState t;
  t.id = r.str();
  t.status = get_status(r);
  t.before_block = get_status(r);
  t.owner = r.str();
  t.role = r.str();
  const int64_t lane = r.i64();
  if (lane < std::numeric_limits<int>::min() || lane > std::numeric_limits<int>::max()) r.fail();
  t.lane = static_cast<int>(lane);
  t.branch = r.str();
  t.claim = r.str();
  t.claimed_at = r.str();
  t.last_activity = r.str();
  t.evidence.resize(r.count(80));
  for (auto& e : t.evidence) e = get_evidence(r);
  if (r.flag()) t.handoff = get_handoff(r);
  t.reviews.resize(r.count(80));
  for (auto& v : t.reviews) v = get_review(r);
  for (std::string* s : {&t.blocked_reason, &t.blocked_by, &t.done_commit, &t.done_at, &t.done_by}) *s = r.str();
  t.implementers = r.set();
  t.implementer_roles = r.set();
  t.overrides = r.strs();
  return t;
}

void put_finding(Writer& w, const Finding& f) {
  put_code(w, f.code);
  w.str(f.message);
  w.str(f.commit);
  w.flag(f.in_log);
  w.str(f.event_id);
  w.str(f.task);
  w.str(f.fix);
  w.flag(f.voided);
}
Finding get_finding(Reader& r) {
  Finding f;
  f.code = get_code(r);
  f.message = r.str();
  f.commit = r.str();
  f.in_log = r.flag();
  f.event_id = r.str();
  f.task = r.str();
  f.fix = r.str();
  f.voided = r.flag();
  return f;
}

template <class Map>
std::vector<typename Map::const_iterator> sorted(const Map& m) {
  std::vector<typename Map::const_iterator> v;
  v.reserve(m.size());
  for (auto it = m.begin(); it != m.end(); ++it) v.push_back(it);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a->first < b->first; });
  return v;
}

void put_state(Writer& w, const QueueState& s) {
  w.flag(s.initialised);
  for (const std::string* f : {&s.base, &s.release, &s.remote, &s.init_commit, &s.init_defs}) w.str(*f);
  w.u64(s.tasks.size());
  for (const auto& [id, t] : s.tasks) {
    w.str(id);
    put_task(w, t);
  }
  w.u64(s.event_ids.size());
  for (const auto& it : sorted(s.event_ids)) {
    w.str(it->first);
    w.out().append(reinterpret_cast<const char*>(it->second.data()), it->second.size());
  }
  w.u64(s.id_commits.size());
  for (const auto& it : sorted(s.id_commits)) {
    w.str(it->first);
    w.str(it->second);
  }
  w.set(s.released_claims);
  w.u64(s.illegal.size());
  for (const auto& f : s.illegal) put_finding(w, f);
  w.u64(s.promotions.size());
  for (const auto& p : s.promotions) {
    for (const std::string* f : {&p.id, &p.commit, &p.release, &p.actor, &p.at}) w.str(*f);
    w.strs(p.tasks);
  }
  w.u64(s.overrides.size());
  for (const auto& o : s.overrides) {
    for (const std::string* f : {&o.id, &o.task, &o.actor, &o.reason, &o.at, &o.commit}) w.str(*f);
    w.strs(o.commits);
  }
  w.u64(s.lane_holders.size());
  for (const auto& [role, lanes] : s.lane_holders) {
    w.str(role);
    w.u64(lanes.size());
    for (const auto& [lane, task] : lanes) {
      w.i64(lane);
      w.str(task);
    }
  }
  w.str(s.last_defs);
  w.str(s.last_at);
  w.u64(s.events);
  w.str(s.tip);
}

QueueState get_state(Reader& r) {
  QueueState s;
  s.initialised = r.flag();
  for (std::string* f : {&s.base, &s.release, &s.remote, &s.init_commit, &s.init_defs}) *f = r.str();
  for (uint64_t n = r.count(); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    TaskState t = get_task(r);
    if (t.id != id) r.fail();
    s.tasks.emplace_hint(s.tasks.end(), std::move(id), std::move(t));
  }
  const uint64_t ids = r.count(8 + kDigest);
  s.event_ids.reserve(ids);
  for (uint64_t n = ids; n > 0 && r.ok(); --n) {
    std::string id = r.str();
    s.event_ids.emplace(std::move(id), r.digest());
  }
  const uint64_t commits = r.count(16);
  s.id_commits.reserve(commits);
  for (uint64_t n = commits; n > 0 && r.ok(); --n) {
    std::string id = r.str();
    s.id_commits.emplace(std::move(id), r.str());
  }
  s.released_claims = r.set();
  s.illegal.resize(r.count(40));
  for (auto& f : s.illegal) f = get_finding(r);
  s.promotions.resize(r.count(48));
  for (auto& p : s.promotions) {
    for (std::string* f : {&p.id, &p.commit, &p.release, &p.actor, &p.at}) *f = r.str();
    p.tasks = r.strs();
  }
  s.overrides.resize(r.count(56));
  for (auto& o : s.overrides) {
    for (std::string* f : {&o.id, &o.task, &o.actor, &o.reason, &o.at, &o.commit}) *f = r.str();
    o.commits = r.strs();
  }
  for (uint64_t n = r.count(); n > 0 && r.ok(); --n) {
    std::string role = r.str();
    auto& lanes = s.lane_holders[role];
    for (uint64_t m = r.count(16); m > 0 && r.ok(); --m) {
      const int64_t lane = r.i64();
      if (lane < std::numeric_limits<int>::min() || lane > std::numeric_limits<int>::max()) r.fail();
      lanes[static_cast<int>(lane)] = r.str();
    }
  }
  s.last_defs = r.str();
  s.last_at = r.str();
  s.events = r.u64();
  s.tip = r.str();
  return s;
}

}  // namespace

std::string encode_state(const QueueState& s) {
  Writer w;
  put_state(w, s);
  return std::move(w.out());
}

std::string encode_snapshot(const SnapshotInfo& s, const QueueState& state) {
  Writer w;
  for (const std::string* f : {&s.key, &s.log_tip, &s.base_tip, &s.root_base, &s.root_remote}) w.str(*f);
  w.flag(s.base_sensitive);
  put_state(w, state);
  const Sha256 sum = sha256(w.out());
  std::string out(kMagic);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  out += w.out();
  return out;
}

Result<Snapshot> decode_snapshot(std::string_view bytes, const std::string& where) {
  auto corrupt = [&](const std::string& why) {
    return fail(Error(Code::CACHE_CORRUPT, "the queue snapshot " + why, Location::in_file(where),
                      "nothing: it is replayed afresh (the snapshot is an optimisation only)"));
  };
  if (bytes.substr(0, kMagic.size()) != kMagic) return corrupt("is not in this version's format");
  if (bytes.size() < kMagic.size() + kDigest) return corrupt("is truncated");
  const std::string_view body = bytes.substr(kMagic.size() + kDigest);
  Sha256 sum;
  std::memcpy(sum.data(), bytes.data() + kMagic.size(), kDigest);
  if (sha256(body) != sum) return corrupt("failed its checksum");
  Reader r(body);
  Snapshot out;
  SnapshotInfo& s = out.info;
  for (std::string* f : {&s.key, &s.log_tip, &s.base_tip, &s.root_base, &s.root_remote}) *f = r.str();
  s.base_sensitive = r.flag();
  out.state = get_state(r);
  if (!r.ok() || !r.at_end()) return corrupt("does not decode");
  return out;
}

}  // namespace agentq
