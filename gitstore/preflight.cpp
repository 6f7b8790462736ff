#include "gitstore/preflight.h"

#include <filesystem>

#include "core/signature.h"
#include "core/strings.h"
#include "gitstore/git_config.h"
#include "gitstore/git_repo_view.h"
#include "gitstore/hook_install.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/verify.h"
#include "gitstore/worktrees.h"

namespace agentq {
namespace fs = std::filesystem;

Result<PreflightFacts> preflight_facts(Queue& q, const std::string& actor_flag) {
  Repo& repo = q.repo();
  PreflightFacts f;
  auto dirty = dirty_paths(repo);
  if (!dirty) return fail(dirty.error());
  f.dirty = *dirty;
  f.head_branch = repo.head_branch();
  const BaseTip base = base_tip_of(repo, q.remote(), q.state().base);
  f.base_name = base.name;
  if (!base.tip.empty())
    if (auto head = repo.resolve_commit("HEAD")) f.based_on_base = repo.is_ancestor(base.tip, *head);
  auto hooks = hooks_dir(repo);
  if (!hooks) return fail(hooks.error());
  f.hooks_dir = *hooks;
  f.missing_hooks = missing_shims(*hooks, expected_hooks(q.defs()));
  auto actor = resolve_actor(repo, actor_flag);
  if (!actor) return fail(actor.error());
  f.actor = *actor;
  if (auto key = configured_signing_key(repo)) f.signing_key = *key;
  else f.signing_key_error = key.error().message;
  if (const Actor* a = q.defs().actor(f.actor); a && a->key.rfind("-----BEGIN PGP", 0) == 0)
    f.declared_fingerprint = openpgp_fingerprint(a->key);
  return f;
}

Result<std::string> configured_signing_key(const Repo& repo) {
  auto key = git_config_get(repo, "user.signingkey");
  if (!key) return fail(key.error());
  if (!*key || (*key)->empty()) return std::string();
  std::string v = **key;
  auto format = git_config_get(repo, "gpg.format");
  if (!format) return fail(format.error());
  const bool ssh = *format && **format == "ssh";
  if (v.rfind("key::", 0) == 0) return v.substr(5);
  if (is_ssh_public_key(v)) return v;
  if (!ssh) return v;  // OpenPGP: a key id or fingerprint
  if (v.rfind("~/", 0) == 0)
    if (auto home = env("HOME")) v = *home + v.substr(1);
  if (fs::path(v).is_relative()) v = (fs::path(git_cwd(repo)) / v).string();
  auto text = read_file(v);
  if (!text) return fail(Error(Code::SIGNER_MISMATCH, "user.signingkey names " + v + ", which cannot be read"));
  if (is_ssh_public_key(*text)) return trim_end(*text);
  if (auto pub = read_file(v + ".pub")) return trim_end(*pub);
  ProcessSpec spec;
  spec.argv = {"ssh-keygen", "-y", "-f", v};
  auto r = run_process(spec);
  if (!r) return fail(r.error());
  if (r->exit_code != 0)
    return fail(Error(Code::SIGNER_MISMATCH, "cannot read the public key of " + v + ": " + trim_end(r->err)));
  return trim_end(r->out);
}

}  // namespace agentq
