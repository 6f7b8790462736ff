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
  Init() { git_libgit2_init(); }
  ~Init() { git_libgit2_shutdown(); }
};
}  // namespace

void ensure_init() { static Init init; }

}  // namespace agentq::git
