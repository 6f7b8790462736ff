#include "gitstore/system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

extern char** environ;

namespace agentq {
namespace {

std::mt19937_64& rng() {
  static thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), static_cast<unsigned>(getpid())};
    return std::mt19937_64(seq);
  }());
  return gen;
}

}  // namespace

std::string new_uuid() {
  unsigned char b[16];
  bool ok = false;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ok = read(fd, b, sizeof b) == static_cast<ssize_t>(sizeof b);
    close(fd);
  }
  if (!ok) {
    for (auto& c : b) c = static_cast<unsigned char>(rng()());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

long random_between(long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng()); }

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

Result<long> env_int(const char* name, long fallback, long min, long max) {
  auto v = env(name);
  if (!v) return fallback;
  long value = 0;
  const char* begin = v->data();
  const char* end = begin + v->size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (ec != std::errc() || ptr != end || value < min || value > max)
    return fail(Error(Code::USAGE, std::string(name) + " is '" + *v + "', not " + range, {},
                      "set " + std::string(name) + " to " + range + ", or unset it (default " + std::to_string(fallback) +
                          ")"));
  return value;
}

std::vector<std::string> env_names_with_prefix(const std::string& prefix) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (entry.substr(0, prefix.size()) == prefix && eq != std::string_view::npos) out.emplace_back(entry.substr(0, eq));
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Error::io("cannot read " + path + ": " + std::strerror(errno), path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<FileHead> read_file_head(const std::string& path, size_t keep, uint64_t count_limit) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::io("cannot read " + path + ": " + std::strerror(errno), path));
  FileHead out;
  char buf[65536];
  const uint64_t limit = static_cast<uint64_t>(keep) + count_limit;
  while (true) {
    if (out.size >= limit) {
      out.size_known = false;
      break;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      return fail(Error::io("cannot read " + path + ": " + why, path));
    }
    if (n == 0) break;
    const size_t take = out.head.size() < keep + 1 ? std::min<size_t>(static_cast<size_t>(n), keep + 1 - out.head.size()) : 0;
    out.head.append(buf, take);
    out.size += static_cast<uint64_t>(n);
  }
  close(fd);
  return out;
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return fail(Error::io("cannot create directory " + path + ": " + ec.message(), path));
  return {};
}

Status write_file_atomic(const std::string& path, const std::string& data) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) AGENTQ_TRY(make_dirs(p.parent_path().string()));
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(random_between(0, 1 << 30));
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::io("cannot write " + tmp + ": " + std::strerror(errno), path));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int e = errno;
      close(fd);
      unlink(tmp.c_str());
      return fail(Error::io("cannot write " + tmp + ": " + std::strerror(e), path));
    }
    off += static_cast<size_t>(w);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    unlink(tmp.c_str());
    return fail(Error::io("cannot write " + path + ": " + std::strerror(errno), path));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return fail(Error::io("cannot rename " + tmp + " to " + path + ": " + std::strerror(e), path));
  }
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

Status move_aside(const std::string& path, const std::string& suffix) {
  if (rename(path.c_str(), (path + suffix).c_str()) != 0)
    return fail(Error::io("cannot move " + path + " aside: " + std::strerror(errno), path));
  return {};
}

}  // namespace agentq
