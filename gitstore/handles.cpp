#include "gitstore/handles.h"

namespace agentq::git {

Error last_error(const std::string& what, Code code) {
  const git_error* e = git_error_last();
  std::string msg = what;
  if (e && e->message && *e->message) msg += ": " + std::string(e->message);
  return Error(code, msg);
}

std::string oid_str(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

bool parse_oid(const std::string& hex, git_oid* out) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstr(out, hex.c_str()) == 0;
}

namespace {
struct Init {
  Init() {
    git_libgit2_init();
    // libgit2 re-hashes every object it reads; git itself leaves that to fsck. The log is read
    // whole on every cold command, so this check alone would cost a tenth of the run.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  }
  ~Init() { git_libgit2_shutdown(); }
};
}  // namespace

void ensure_init() { static Init init; }

}  // namespace agentq::git
