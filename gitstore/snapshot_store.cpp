#include "gitstore/snapshot_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gitstore/system.h"

namespace agentq {

std::string snapshot_path(const Repo& repo, const std::string& slot) {
  std::string name;
  for (char c : slot) name += (c == '/' ? '-' : c);
  return repo.shared_state_dir() + "/snapshots/" + name;
}

const std::string& snapshot_key() {
  static const std::string key = [] {
    struct stat st {};
    if (::stat("/proc/self/exe", &st) != 0) return std::string();
    return "rules " + std::to_string(kReplayRulesVersion) + " exe " + std::to_string(st.st_size) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + " " +
           std::to_string(st.st_ino);
  }();
  return key;
}

SnapshotRead read_snapshot(const Repo& repo, const std::string& slot, bool may_move_aside) {
  SnapshotRead out;
  if (snapshot_key().empty()) return out;
  const std::string path = snapshot_path(repo, slot);
  if (!path_exists(path)) return out;
  auto data = read_file(path);
  Result<Snapshot> s = data ? decode_snapshot(*data, path) : Result<Snapshot>(fail(data.error()));
  if (s) {
    if (s->info.key == snapshot_key()) out.snapshot = std::move(*s);
    return out;
  }
  const std::string why = data ? s.error().message : "is unreadable: " + data.error().message;
  if (!may_move_aside) {
    out.warnings.push_back("CACHE_CORRUPT: " + why + " (" + path + "); it was ignored");
    return out;
  }
  const std::string aside = ".corrupt-" + std::to_string(repo.env().now_ms());
  if (auto st = move_aside(path, aside); st)
    out.warnings.push_back("CACHE_CORRUPT: " + why + "; moved it to " + path + aside + " and replayed afresh");
  else
    out.warnings.push_back("CACHE_CORRUPT: " + why + " and it could not be moved aside: " + st.error().message);
  return out;
}

namespace {

// Like write_file_atomic without its fsync: a snapshot is written by nearly every command and
// can be megabytes, and losing one to a crash costs only a replay (its checksum catches a torn
// one). The rename still makes each write whole for concurrent readers.
Status write_unsynced(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random_between(0, 1 << 30));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::io("cannot write " + tmp + ": " + std::strerror(errno), path));
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(Error::io("cannot write " + tmp + ": " + std::strerror(e), path));
    }
    off += static_cast<size_t>(w);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return fail(Error::io("cannot write " + path + ": " + std::strerror(e), path));
  }
  return {};
}

}  // namespace

Status write_snapshot(const Repo& repo, const std::string& slot, const SnapshotInfo& info, const QueueState& state) {
  if (snapshot_key().empty()) return {};
  AGENTQ_TRY(make_dirs(repo.shared_state_dir() + "/snapshots"));
  return write_unsynced(snapshot_path(repo, slot), encode_snapshot(info, state));
}

}  // namespace agentq
