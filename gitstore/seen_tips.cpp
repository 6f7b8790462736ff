#include "gitstore/seen_tips.h"

#include "core/ids.h"
#include "gitstore/system.h"

namespace agentq {

std::string seen_tip_path(const Repo& repo, const std::string& name) { return repo.shared_state_dir() + "/seen/" + name; }

std::optional<std::string> read_seen_tip(const Repo& repo, const std::string& name) {
  const std::string path = seen_tip_path(repo, name);
  if (!path_exists(path)) return std::nullopt;
  auto text = read_file(path);
  if (!text || text->size() < 40) return std::nullopt;
  return text->substr(0, 40);
}

Status write_seen_tip(const Repo& repo, const std::string& name, const std::string& tip) {
  if (read_seen_tip(repo, name) == tip) return {};
  AGENTQ_TRY(make_dirs(repo.shared_state_dir() + "/seen"));
  return write_file_atomic(seen_tip_path(repo, name), tip + "\n");
}

Status check_seen_tip(const Repo& repo, const std::string& name, const std::optional<std::string>& tip,
                      const std::string& what) {
  auto seen = read_seen_tip(repo, name);
  if (!seen) return {};
  if (tip && (*tip == *seen || repo.is_ancestor(*seen, *tip))) return {};
  return fail(Error(Code::NON_FAST_FORWARD,
                    what + (tip ? " no longer contains " : " is gone; it was at ") + short_id(*seen) +
                        ", a tip this clone saw: its history was rewritten",
                    Location::in_commit(*seen, what),
                    "restore it (git update-ref / git push " + short_id(*seen) +
                        ":refs/agent-queue/log); if the rewrite was intended, delete " + seen_tip_path(repo, name)));
}

}  // namespace agentq
