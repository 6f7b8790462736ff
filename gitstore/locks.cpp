#include "gitstore/locks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "gitstore/system.h"

namespace agentq {

Result<std::chrono::milliseconds> stale_lock_grace() {
  auto ms = env_int("AGENTQ_STALE_LOCK_MS", 10 * 1000, 0, 24L * 3600 * 1000);
  if (!ms) return fail(ms.error());
  return std::chrono::milliseconds(*ms);
}

bool clear_stale_lock(const std::string& lock) {
  if (lock.size() < 5 || lock.compare(lock.size() - 5, 5, ".lock") != 0) return false;
  struct stat st;
  if (stat(lock.c_str(), &st) != 0) return errno == ENOENT;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const long long age_ms = (static_cast<long long>(now.tv_sec) - st.st_mtim.tv_sec) * 1000 +
                           (static_cast<long long>(now.tv_nsec) - st.st_mtim.tv_nsec) / 1000000;
  auto grace = stale_lock_grace();
  if (!grace || age_ms < grace->count()) return false;
  return unlink(lock.c_str()) == 0 || errno == ENOENT;
}

std::optional<std::string> lock_named_in(const std::string& err) {
  const std::string marker = "Unable to create '";
  size_t at = err.find(marker);
  if (at == std::string::npos) return std::nullopt;
  at += marker.size();
  size_t end = err.find('\'', at);
  if (end == std::string::npos) return std::nullopt;
  std::string path = err.substr(at, end - at);
  if (path.size() < 5 || path.compare(path.size() - 5, 5, ".lock") != 0) return std::nullopt;
  return path;
}

}  // namespace agentq
