#include "gitstore/claim_store.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/rules.h"
#include "gitstore/system.h"

namespace agentq {
namespace {
std::string claim_path(const Repo& repo, const std::string& task) {
  return repo.worktree_state_dir() + "/claim/" + task;
}
}  // namespace

Result<RunLock> hold_claim_lock(const Repo& repo) { return RunLock::wait(repo.worktree_state_dir() + "/claim.lock"); }

std::optional<HeldClaim> read_claim(const Repo& repo, const std::string& task) {
  auto text = read_file(claim_path(repo, task));
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("claim") || !j["claim"].is_string()) return std::nullopt;
  HeldClaim c;
  c.claim = j["claim"].get<std::string>();
  c.actor = j.value("actor", "");
  c.task = task;
  return c;
}

Status write_claim(const Repo& repo, const HeldClaim& claim) {
  nlohmann::json j = {{"claim", claim.claim}, {"actor", claim.actor}, {"task", claim.task}};
  return write_file_atomic(claim_path(repo, claim.task), j.dump() + "\n");
}

void forget_claim(const Repo& repo, const std::string& task) {
  const std::string path = claim_path(repo, task);
  if (path_exists(path)) std::rename(path.c_str(), (path + ".released").c_str());
}

void forget_lost_claims(const Repo& repo, const std::vector<RejectedEvent>& rejected) {
  for (const RejectedEvent& x : rejected) {
    if (x.event.type != EventType::claim) continue;
    if (auto held = read_claim(repo, x.event.task); held && held->claim == x.event.id) forget_claim(repo, x.event.task);
  }
}

Acting acting_on(Queue& q, const std::string& actor, const std::string& task) {
  Acting a;
  const TaskState& ts = q.state().task(task);
  if (auto held = read_claim(q.repo(), task); held && held->actor == actor) {
    a.owner = true;
    a.claim = held->claim;
    const Task* t = q.defs().task(task);
    a.role = ts.claim == held->claim ? ts.role : (t ? t->role : "");
    return a;
  }
  if (const Actor* who = q.defs().actor(actor)) {
    std::string coord = coordinator_role_of(q.defs(), *who);
    if (!coord.empty()) {
      a.role = coord;
      return a;
    }
  }
  const Task* t = q.defs().task(task);
  a.role = !ts.role.empty() ? ts.role : (t ? t->role : "");
  return a;
}

}  // namespace agentq
