#include "gitstore/signing.h"

#include <algorithm>
#include <cctype>

#include "core/signature.h"
#include "core/sshsig.h"
#include "core/strings.h"
#include "gitstore/git_config.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/temp_dir.h"
#include "gitstore/verify.h"

namespace agentq {
namespace {

Error signing_failed(std::string msg, std::string fix = {}) {
  return Error(Code::SIGNING_FAILED, std::move(msg), {}, std::move(fix));
}

// git's rules for user.signingkey with gpg.format=ssh: "key::" or "ssh-" is a literal key.
bool literal_ssh_key(const std::string& key) { return key.rfind("key::", 0) == 0 || key.rfind("ssh-", 0) == 0; }

std::string expand_home(const std::string& path) {
  if (path.rfind("~/", 0) == 0) {
    if (auto home = env("HOME")) return *home + path.substr(1);
  }
  return path;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

Result<std::string> config_value(const Repo& repo, const std::string& key, const std::string& fallback) {
  auto v = git_config_get(repo, key);
  if (!v) return fail(v.error());
  return v->value_or(fallback);
}

}  // namespace

Result<SigningConfig> read_signing_config(const Repo& repo) {
  SigningConfig c;
  auto format = config_value(repo, "gpg.format", "openpgp");
  if (!format) return fail(format.error());
  c.format = *format;
  if (c.format != "ssh" && c.format != "openpgp")
    return fail(signing_failed("gpg.format '" + c.format + "' is not supported (ssh or openpgp)",
                               "git config gpg.format ssh"));
  auto key = config_value(repo, "user.signingkey", "");
  if (!key) return fail(key.error());
  c.key = trim(*key);
  if (c.format == "ssh") {
    auto prog = config_value(repo, "gpg.ssh.program", "ssh-keygen");
    if (!prog) return fail(prog.error());
    c.program = *prog;
  } else {
    auto prog = config_value(repo, "gpg.openpgp.program", "");
    if (!prog) return fail(prog.error());
    if (prog->empty()) prog = config_value(repo, "gpg.program", "gpg");
    if (!prog) return fail(prog.error());
    c.program = *prog;
  }
  return c;
}

GitSigner::GitSigner(SigningConfig config) : config_(std::move(config)) {}

Result<std::string> GitSigner::ssh_public_key() {
  if (public_key_) return *public_key_;
  const std::string& key = config_.key;
  std::string pub;
  if (literal_ssh_key(key)) {
    pub = key.rfind("key::", 0) == 0 ? key.substr(5) : key;
  } else {
    const std::string path = expand_home(key);
    const std::string pub_path = path.size() > 4 && path.compare(path.size() - 4, 4, ".pub") == 0 ? path : path + ".pub";
    if (path_exists(pub_path)) {
      auto text = read_file(pub_path);
      if (!text) return fail(signing_failed("cannot read " + pub_path + ": " + text.error().message));
      pub = *text;
    } else {
      ProcessSpec spec;
      spec.argv = {config_.program, "-y", "-f", path};
      auto r = run_process(spec);
      if (!r || !r->started) return fail(signing_failed(config_.program + " is not available"));
      if (r->exit_code != 0)
        return fail(signing_failed("cannot read the public key of " + path + ": " + first_line(r->err),
                                   "check user.signingkey"));
      pub = r->out;
    }
  }
  pub = trim(first_line(pub));
  if (!is_ssh_public_key(pub))
    return fail(signing_failed("user.signingkey does not name an ssh public key: " + pub.substr(0, 40)));
  public_key_ = pub;
  return pub;
}

Result<std::string> GitSigner::openpgp_fingerprint_of_config() {
  if (fingerprint_) return *fingerprint_;
  ProcessSpec spec;
  spec.argv = {config_.program, "--batch", "--with-colons", "--fingerprint", config_.key};
  auto r = run_process(spec);
  if (!r || !r->started) return fail(signing_failed(config_.program + " is not available"));
  if (r->exit_code != 0)
    return fail(signing_failed("gpg knows no key '" + config_.key + "': " + first_line(r->err), "check user.signingkey"));
  // The first fpr record after the pub record is the primary key's.
  size_t at = r->out.find("\nfpr:");
  if (at == std::string::npos) return fail(signing_failed("gpg printed no fingerprint for '" + config_.key + "'"));
  std::string line = r->out.substr(at + 1, r->out.find('\n', at + 1) - at - 1);
  std::string fpr;
  int field = 0;
  for (char ch : line) {
    if (ch == ':') {
      if (++field > 9) break;
      continue;
    }
    if (field == 9) fpr += ch;
  }
  if (fpr.empty()) return fail(signing_failed("gpg printed no fingerprint for '" + config_.key + "'"));
  fingerprint_ = fpr;
  return fpr;
}

Result<SignatureCheck> GitSigner::identity(const std::string& declared_key) {
  if (config_.key.empty())
    return fail(Error(Code::UNSIGNED_EVENT, "policy.require_signed is true but no signing key is configured", {},
                      "git config gpg.format ssh && git config user.signingkey ~/.ssh/id_ed25519 (the key declared "
                      "for the actor)"));
  SignatureCheck c;
  c.state = SignatureCheck::State::good;
  c.format = config_.format;
  if (config_.format == "ssh") {
    auto pub = ssh_public_key();
    if (!pub) return fail(pub.error());
    c.key = *pub;
    return c;
  }
  auto mine = openpgp_fingerprint_of_config();
  if (!mine) return fail(mine.error());
  const std::string theirs = openpgp_fingerprint(declared_key);
  if (!theirs.empty() && lower(theirs) == lower(*mine)) {
    c.key = declared_key;
    declared_for_check_ = declared_key;
  } else {
    c.key = *mine;
  }
  c.detail = *mine;
  return c;
}

Result<std::string> GitSigner::sign(const std::string& buffer) {
  if (config_.key.empty())
    return fail(Error(Code::UNSIGNED_EVENT, "no signing key is configured (user.signingkey)"));
  ProcessSpec spec;
  spec.stdin_data = buffer;
  std::optional<TempDir> dir;
  if (config_.format == "ssh") {
    std::string key_file = expand_home(config_.key);
    bool agent = false;
    if (literal_ssh_key(config_.key)) {
      auto pub = ssh_public_key();
      if (!pub) return fail(pub.error());
      auto d = TempDir::make("agentq-sign");
      if (!d) return fail(d.error());
      dir.emplace(std::move(*d));
      key_file = dir->path() + "/key.pub";
      AGENTQ_TRY(write_file_atomic(key_file, *pub + "\n"));
      agent = true;
    }
    // No file arguments: ssh-keygen signs standard input and writes the signature to stdout.
    spec.argv = {config_.program, "-Y", "sign", "-n", "git", "-f", key_file};
    if (agent) spec.argv.push_back("-U");
  } else {
    spec.argv = {config_.program, "--status-fd=2", "-bsau", config_.key};
  }
  auto r = run_process(spec);
  if (!r || !r->started)
    return fail(signing_failed(config_.program + " is not available to sign the event", "install it or set " +
                                   std::string(config_.format == "ssh" ? "gpg.ssh.program" : "gpg.program")));
  if (r->exit_code != 0)
    return fail(signing_failed(config_.program + " failed to sign the event: " + first_line(r->err)));
  const std::string& sig = r->out;
  // Check what we got before it goes into a commit: a signature that does not verify is
  // worse than none, because it looks like one.
  if (config_.format == "ssh") {
    auto pub = ssh_public_key();
    if (!pub) return fail(pub.error());
    SignatureCheck c = verify_ssh_signature(sig, buffer);
    if (c.state != SignatureCheck::State::good) return fail(signing_failed("the signature made does not verify: " + c.detail));
    if (!same_key(*pub, c.key)) return fail(signing_failed("the signature was made by another key than user.signingkey"));
  } else {
    if (sig.find("-----BEGIN PGP SIGNATURE-----") == std::string::npos)
      return fail(signing_failed(config_.program + " printed no armored signature"));
    if (!declared_for_check_.empty()) {
      SignatureCheck c = verify_openpgp_signature(sig, buffer, declared_for_check_);
      if (c.state != SignatureCheck::State::good)
        return fail(signing_failed("the signature made does not verify against the declared key: " + c.detail));
    }
  }
  return sig;
}

Result<GitSigner*> Signing::get() {
  if (signer_) return signer_.get();
  auto config = read_signing_config(*repo_);
  if (!config) return fail(config.error());
  signer_ = std::make_unique<GitSigner>(std::move(*config));
  return signer_.get();
}

Result<SignerView::Config> Signing::config() {
  auto s = get();
  if (!s) return fail(s.error());
  return Config{(*s)->config().format, !(*s)->config().key.empty()};
}

Result<SignatureCheck> Signing::identity(const std::string& declared_key) {
  auto s = get();
  if (!s) return fail(s.error());
  return (*s)->identity(declared_key);
}

Result<Signer*> Signing::signer(const Definitions& d) {
  if (!d.policy.require_signed) return static_cast<Signer*>(nullptr);
  auto s = get();
  if (!s) return fail(s.error());
  return static_cast<Signer*>(*s);
}

std::string allowed_signers_path(const Repo& repo) { return repo.shared_state_dir() + "/allowed_signers"; }

Result<bool> write_allowed_signers(Repo& repo, const Definitions& d) {
  std::string body;
  for (const Actor& a : d.actors) {
    const std::string key = trim(first_line(a.key));
    if (!is_ssh_public_key(key)) continue;
    body += a.name + " namespaces=\"git\" " + key + "\n";
  }
  if (body.empty()) return false;
  const std::string path = allowed_signers_path(repo);
  body = "# written by git agentq from " + std::string(".agentq/queue.yaml") + "; regenerated by init and sync\n" + body;
  auto current = path_exists(path) ? read_file(path) : Result<std::string>(std::string());
  if (!current || *current != body) {
    AGENTQ_TRY(make_dirs(repo.shared_state_dir()));
    AGENTQ_TRY(write_file_atomic(path, body));
  }
  const auto configured = repo.config_get("gpg.ssh.allowedSignersFile");
  if (!configured) AGENTQ_TRY(repo.config_set("gpg.ssh.allowedSignersFile", path));
  return true;
}

}  // namespace agentq
