#include "gitstore/rejected.h"

#include <nlohmann/json.hpp>

#include "gitstore/event_log.h"
#include "gitstore/system.h"

namespace agentq {
namespace {

using json = nlohmann::ordered_json;

// The file names are event ids: writers accept only [A-Za-z0-9._-] ids, but a hand-made event
// may carry anything.
std::string file_stem(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? "event" : out.substr(0, 100);
}

json record(const Repo& repo, const RejectedEvent& r, const std::string& remote, const std::string& remote_tip) {
  json j;
  j["event"] = json::parse(encode_json(r.event), nullptr, false);
  j["code"] = std::string(code_name(r.why.code));
  j["message"] = r.why.message;
  if (!r.why.fix.empty()) j["fix"] = r.why.fix;
  j["commit"] = r.commit;
  j["source"] = r.source;
  j["remote"] = remote;
  j["remote_tip"] = remote_tip;
  j["rejected_at"] = repo.env().now_rfc3339();
  json files = json::object();
  if (auto attachments = read_attachments(repo, r.commit))
    for (const Attachment& a : *attachments) files[a.path] = a.data;
  j["attachments"] = files;
  return j;
}

bool same_record(const std::string& path, const json& j) {
  auto text = read_file(path);
  if (!text) return false;
  auto old = json::parse(*text, nullptr, false);
  return !old.is_discarded() && old.value("commit", "") == j["commit"] && old.value("event", json()) == j["event"];
}

}  // namespace

std::string rejected_dir(const Repo& repo) { return repo.shared_state_dir() + "/rejected"; }

Result<std::string> keep_rejected(const Repo& repo, const RejectedEvent& r, const std::string& remote,
                                  const std::string& remote_tip) {
  const json j = record(repo, r, remote, remote_tip);
  const std::string stem = rejected_dir(repo) + "/" + file_stem(r.event.id);
  std::string path = stem + ".json";
  for (int n = 1; path_exists(path) && !same_record(path, j); ++n) path = stem + "." + std::to_string(n) + ".json";
  // Command output in an attachment need not be UTF-8: keep what can be kept readable.
  AGENTQ_TRY(write_file_atomic(path, j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"));
  return path;
}

}  // namespace agentq
