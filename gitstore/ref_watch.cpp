#include "gitstore/ref_watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

namespace agentq {
namespace {

constexpr uint32_t kMask = IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM;
// How long a burst of ref updates may take before the board is drawn again: a push or a
// merge moves several refs, one rename after another, within milliseconds.
constexpr int kSettleMs = 150;

Error sys_error(const std::string& what) { return Error::io(what + ": " + std::strerror(errno)); }

}  // namespace

Result<RefWatch> RefWatch::open(const std::string& common_dir) {
  RefWatch w;
  w.common_ = common_dir;
  w.inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w.inotify_ < 0) return fail(sys_error("cannot watch the refs (inotify)"));
  if (inotify_add_watch(w.inotify_, common_dir.c_str(), IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0)
    return fail(sys_error("cannot watch '" + common_dir + "'"));
  AGENTQ_TRY(w.add_tree(common_dir + "refs"));
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return fail(sys_error("cannot block SIGINT"));
  w.signals_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (w.signals_ < 0) return fail(sys_error("cannot wait for SIGINT (signalfd)"));
  return w;
}

RefWatch::RefWatch(RefWatch&& o) noexcept : inotify_(o.inotify_), signals_(o.signals_), common_(std::move(o.common_)) {
  o.inotify_ = o.signals_ = -1;
}

RefWatch::~RefWatch() {
  if (inotify_ >= 0) close(inotify_);
  if (signals_ >= 0) {
    close(signals_);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
  }
}

Status RefWatch::add_tree(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return {};
  if (inotify_add_watch(inotify_, dir.c_str(), kMask) < 0) return fail(sys_error("cannot watch '" + dir + "'"));
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec) && inotify_add_watch(inotify_, it->path().c_str(), kMask) < 0)
      return fail(sys_error("cannot watch '" + it->path().string() + "'"));
  return {};
}

bool RefWatch::drain() {
  bool changed = false;
  alignas(inotify_event) char buf[16384];
  std::map<int, std::string> fresh;
  for (;;) {
    ssize_t n = read(inotify_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + e->len;
      const std::string name = e->len ? e->name : "";
      if (e->mask & IN_Q_OVERFLOW) changed = true;
      if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO))) {
        changed = true;
        fresh[e->wd] = name;  // a new directory of refs (refs/heads/agent/): watch it too
        continue;
      }
      // Lock files come and go around every update; the rename onto the ref is the change.
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0) continue;
      changed = true;
    }
  }
  if (!fresh.empty()) (void)add_tree(common_ + "refs");  // re-adding a watched directory is harmless
  return changed;
}

Result<Wake> RefWatch::wait(int input_fd) {
  for (;;) {
    pollfd fds[3] = {{inotify_, POLLIN, 0}, {signals_, POLLIN, 0}, {input_fd, POLLIN, 0}};
    const int n = poll(fds, input_fd >= 0 ? 3 : 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("cannot wait for the refs"));
    if (fds[1].revents) {
      signalfd_siginfo info;
      (void)!read(signals_, &info, sizeof info);
      return Wake::interrupt;
    }
    if (input_fd >= 0 && fds[2].revents) return Wake::input;
    if (fds[0].revents) {
      bool changed = drain();
      // Let the rest of the burst arrive, then take it all as one change.
      while (poll(fds, 1, kSettleMs) > 0) changed = drain() || changed;
      if (changed) return Wake::refs;
    }
  }
}

}  // namespace agentq
