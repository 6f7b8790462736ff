#include "gitstore/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace agentq {

namespace {
Result<int> open_lock_file(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  // The file is never removed: unlinking a lock file others may have open races with them.
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::io("cannot open " + path + ": " + std::strerror(errno), path));
  return fd;
}
}  // namespace

Result<RunLock> RunLock::wait(const std::string& path) {
  auto opened = open_lock_file(path);
  if (!opened) return fail(opened.error());
  const int fd = *opened;
  int rc;
  do rc = flock(fd, LOCK_EX);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int e = errno;
    close(fd);
    return fail(Error::io("cannot lock " + path + ": " + std::strerror(e), path));
  }
  return RunLock(fd);
}

Result<RunLock> RunLock::acquire(const std::string& path, const std::string& what) {
  auto opened = open_lock_file(path);
  if (!opened) return fail(opened.error());
  const int fd = *opened;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
      return fail(Error(Code::RUN_IN_PROGRESS, "another run of " + what + " is in progress", Location::in_file(path),
                        "wait for it to finish, then --resume"));
    return fail(Error::io("cannot lock " + path + ": " + std::strerror(e), path));
  }
  return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace agentq
