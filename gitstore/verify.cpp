#include "gitstore/verify.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "core/digest.h"
#include "core/sshsig.h"
#include "core/timeutil.h"
#include "gitstore/event_log.h"
#include "gitstore/process.h"
#include "gitstore/system.h"
#include "gitstore/temp_dir.h"

namespace agentq {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

SignatureCheck bad(std::string format, std::string detail) {
  SignatureCheck c;
  c.state = SignatureCheck::State::bad;
  c.format = std::move(format);
  c.detail = std::move(detail);
  return c;
}

std::optional<std::string> digest(const std::string& algorithm, std::string_view data) {
  const EVP_MD* md = algorithm == "sha512" ? EVP_sha512() : algorithm == "sha256" ? EVP_sha256() : nullptr;
  if (!md) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool ed25519_verify(const std::string& key, const std::string& sig, const std::string& message) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(key.data()), key.size()));
  if (!pkey) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

// Key types OpenSSL could check but this reader does not parse: the ssh-keygen binary does it.
SignatureCheck verify_with_ssh_keygen(const SshSig& s, std::string_view signature, std::string_view signed_data,
                                      bool* env_fail) {
  auto dir = TempDir::make("agentq-verify");
  if (!dir) {
    *env_fail = true;
    return bad("ssh", dir.error().message);
  }
  const std::string sig_path = dir->path() + "/sig";
  if (!write_file_atomic(sig_path, std::string(signature))) {
    *env_fail = true;
    return bad("ssh", "cannot write a temporary file");
  }
  ProcessSpec spec;
  spec.argv = {"ssh-keygen", "-Y", "check-novalidate", "-n", "git", "-s", sig_path};
  spec.stdin_data = std::string(signed_data);
  spec.merge_stderr = true;
  auto r = run_process(spec);
  if (!r || !r->started) {
    *env_fail = true;
    return bad("ssh", "ssh-keygen is not available to check a " + s.key_type + " signature");
  }
  if (r->exit_code != 0) return bad("ssh", "ssh-keygen: " + r->out.substr(0, 200));
  SignatureCheck c;
  c.state = SignatureCheck::State::good;
  c.format = "ssh";
  c.key = s.public_key();
  return c;
}

}  // namespace

SignatureCheck verify_ssh_signature(std::string_view signature, std::string_view signed_data, bool* environment_failure) {
  bool ignored = false;
  bool& env_fail = environment_failure ? *environment_failure : ignored;
  env_fail = false;
  auto s = parse_sshsig_armored(signature);
  if (!s) return bad("ssh", s.error().message);
  // The namespace is part of what was signed: a signature made for another purpose (a file
  // signed with -n file) must not pass as a commit signature.
  if (s->namespace_ != "git") return bad("ssh", "signature namespace is '" + s->namespace_ + "', not 'git'");
  auto key = s->ed25519_key();
  if (!key) {
    if (s->key_type == "ssh-ed25519") return bad("ssh", "malformed ed25519 public key");
    return verify_with_ssh_keygen(*s, signature, signed_data, &env_fail);
  }
  if (s->sig_algorithm != "ssh-ed25519" || s->sig_bytes.size() != 64)
    return bad("ssh", "signature algorithm " + s->sig_algorithm + " does not match the ed25519 key");
  auto h = digest(s->hash_algorithm, signed_data);
  if (!h) return bad("ssh", "unsupported hash algorithm '" + s->hash_algorithm + "'");
  if (!ed25519_verify(*key, s->sig_bytes, sshsig_signed_data(*s, *h))) return bad("ssh", "ed25519 signature does not verify");
  SignatureCheck c;
  c.state = SignatureCheck::State::good;
  c.format = "ssh";
  c.key = s->public_key();
  return c;
}

SignatureCheck verify_openpgp_signature(std::string_view signature, std::string_view signed_data,
                                        const std::string& armored_key, bool* environment_failure) {
  bool ignored = false;
  bool& env_fail = environment_failure ? *environment_failure : ignored;
  env_fail = false;
  auto keyring = dearmor_openpgp(armored_key, "PGP PUBLIC KEY BLOCK");
  if (!keyring) return bad("openpgp", "the declared key is not an armored OpenPGP public key block");
  auto dir = TempDir::make("agentq-gpgv");
  if (!dir) {
    env_fail = true;
    return bad("openpgp", dir.error().message);
  }
  const std::string ring = dir->path() + "/keyring.gpg", sig = dir->path() + "/sig.asc";
  if (!write_file_atomic(ring, *keyring) || !write_file_atomic(sig, std::string(signature))) {
    env_fail = true;
    return bad("openpgp", "cannot write temporary files");
  }
  ProcessSpec spec;
  // Only the declared key: an empty home, so no user keyring takes part.
  spec.argv = {"gpgv", "--homedir", dir->path(), "--status-fd", "1", "--keyring", ring, sig, "-"};
  spec.stdin_data = std::string(signed_data);
  auto r = run_process(spec);
  if (!r || !r->started) {
    env_fail = true;
    return bad("openpgp", "gpgv is not available (install gpgv)");
  }
  std::string fpr;
  const std::string tag = "[GNUPG:] VALIDSIG ";
  for (size_t at = r->out.find(tag); at != std::string::npos; at = r->out.find(tag, at + 1)) {
    size_t s = at + tag.size(), e = r->out.find_first_of(" \n", s);
    fpr = r->out.substr(s, e == std::string::npos ? std::string::npos : e - s);
  }
  if (r->exit_code != 0 || fpr.empty()) {
    const bool no_key = r->out.find("NO_PUBKEY") != std::string::npos;
    return bad("openpgp", no_key ? "not made by the key declared for the actor" : "gpgv: signature does not verify");
  }
  SignatureCheck c;
  c.state = SignatureCheck::State::good;
  c.format = "openpgp";
  c.key = armored_key;
  c.detail = fpr;
  return c;
}

std::string openpgp_fingerprint(const std::string& armored_key) {
  auto dir = TempDir::make("agentq-gpg");
  if (!dir) return {};
  ProcessSpec spec;
  spec.argv = {"gpg", "--batch", "--homedir", dir->path(), "--with-colons", "--show-keys"};
  spec.stdin_data = armored_key;
  auto r = run_process(spec);
  if (!r || r->exit_code != 0) return {};
  size_t at = r->out.find("\nfpr:");
  if (r->out.rfind("fpr:", 0) == 0) at = 0;
  else if (at != std::string::npos) ++at;
  if (at == std::string::npos) return {};
  const size_t eol = r->out.find('\n', at);
  std::string line = r->out.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
  // fpr:::::::::FINGERPRINT:
  size_t colon = 0;
  for (int i = 0; i < 9 && colon != std::string::npos; ++i) colon = line.find(':', colon + (i ? 1 : 0));
  if (colon == std::string::npos) return {};
  const size_t end = line.find(':', colon + 1);
  return line.substr(colon + 1, end == std::string::npos ? std::string::npos : end - colon - 1);
}

// --- the cache --------------------------------------------------------------------------

namespace {

// Format 2: after the header, records of <u32 length><payload><SHA-256 of the payload>, where
// a payload is 'K' <text id> <text> (a key, or why a signature is bad; its id is the SHA-256 of
// the text) or 'R' <commit id, 20 bytes> <state> <openpgp?> <text id>. Format 1 (FNV-1a
// checksums and text ids) is read as unreadable: moved aside, verified afresh.
constexpr std::string_view kCacheMagic = "agentq signature cache ";
constexpr std::string_view kCacheHeader = "agentq signature cache 2\n";
constexpr size_t kDigest = std::tuple_size_v<Sha256>;

using Oid = std::array<unsigned char, 20>;
// Object ids and SHA-256 digests are uniformly distributed already.
struct BytesHash {
  template <size_t N>
  size_t operator()(const std::array<unsigned char, N>& a) const {
    static_assert(N >= sizeof(size_t));
    size_t h;
    std::memcpy(&h, a.data(), sizeof h);
    return h;
  }
};

bool hex_to_oid(std::string_view hex, Oid* out) {
  if (hex.size() != 40) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 20; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

void put_u32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_digest(std::string* out, const Sha256& d) { out->append(reinterpret_cast<const char*>(d.data()), d.size()); }
Sha256 get_digest(std::string_view s, size_t at) {
  Sha256 d;
  std::memcpy(d.data(), s.data() + at, d.size());
  return d;
}
uint64_t get_le(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

struct Cached {
  SignatureCheck::State state;
  bool openpgp;
  Sha256 text;  // id of the key (good) or the detail (bad)
};

}  // namespace

std::string signature_cache_path(const Repo& repo) { return repo.shared_state_dir() + "/signatures"; }

struct QueueVerifier::Impl {
  const Repo* repo;
  VerifyOptions options;
  bool loaded = false;
  std::unordered_map<Oid, Cached, BytesHash> results;
  std::unordered_map<Sha256, std::string, BytesHash> texts;
  std::string pending;  // records not yet appended to the file
  std::vector<std::string> warnings;
  size_t verified = 0, cached = 0, uncacheable = 0;

  void load() {
    loaded = true;
    if (!options.use_cache) return;
    const std::string path = signature_cache_path(*repo);
    if (!path_exists(path)) return;
    auto data = read_file(path);
    if (!data || !parse(*data)) {
      // Another version's format is not damage, but it is read the same way: set aside.
      const bool other_format = data && data->compare(0, kCacheHeader.size(), kCacheHeader) != 0 &&
                                data->compare(0, kCacheMagic.size(), kCacheMagic) == 0;
      const std::string what = other_format ? "is in another version's format" : "failed its checksum";
      results.clear();
      texts.clear();
      const std::string aside = ".corrupt-" + std::to_string(repo->env().now_ms());
      if (options.write_cache) {
        if (auto st = move_aside(path, aside); st)
          warnings.push_back("CACHE_CORRUPT: the signature cache " + what + "; moved it to " + path + aside +
                             " and verified afresh");
        else
          warnings.push_back("CACHE_CORRUPT: the signature cache is unreadable and could not be moved aside: " +
                             st.error().message);
      } else {
        warnings.push_back("CACHE_CORRUPT: the signature cache " + what + "; it was ignored");
      }
    }
  }

  bool parse(const std::string& data) {
    if (data.compare(0, kCacheHeader.size(), kCacheHeader) != 0) return false;
    size_t pos = kCacheHeader.size();
    while (pos < data.size()) {
      if (data.size() - pos < 4) return false;
      const size_t len = get_le(data, pos, 4);
      if (data.size() - pos - 4 < len + kDigest || len < 1) return false;
      std::string_view payload(data.data() + pos + 4, len);
      if (sha256(payload) != get_digest(data, pos + 4 + len)) return false;
      pos += 4 + len + kDigest;
      if (payload[0] == 'K') {
        if (payload.size() < 1 + kDigest) return false;
        const std::string_view text = payload.substr(1 + kDigest);
        const Sha256 id = get_digest(payload, 1);
        if (sha256(text) != id) return false;
        texts[id] = std::string(text);
      } else if (payload[0] == 'R') {
        if (payload.size() != 1 + 20 + 1 + 1 + kDigest) return false;
        Oid oid;
        std::memcpy(oid.data(), payload.data() + 1, 20);
        const auto state = static_cast<unsigned char>(payload[21]);
        if (state != 2 && state != 3) return false;
        Cached c{state == 2 ? SignatureCheck::State::good : SignatureCheck::State::bad, payload[22] == 1,
                 get_digest(payload, 23)};
        results[oid] = c;
      } else {
        return false;
      }
    }
    // Every result must name a text some record holds.
    for (const auto& [oid, c] : results)
      if (!texts.count(c.text)) return false;
    return true;
  }

  void append_record(const std::string& payload) {
    put_u32(&pending, static_cast<uint32_t>(payload.size()));
    pending += payload;
    put_digest(&pending, sha256(payload));
  }

  void remember(const Oid& oid, const SignatureCheck& c) {
    const std::string& text = c.state == SignatureCheck::State::good ? c.key : c.detail;
    const Sha256 h = sha256(text);
    if (!texts.count(h)) {
      texts[h] = text;
      std::string k = "K";
      put_digest(&k, h);
      k += text;
      append_record(k);
    }
    results[oid] = Cached{c.state, c.format == "openpgp", h};
    std::string r = "R";
    r.append(reinterpret_cast<const char*>(oid.data()), 20);
    r.push_back(static_cast<char>(c.state == SignatureCheck::State::good ? 2 : 3));
    r.push_back(static_cast<char>(c.format == "openpgp" ? 1 : 0));
    put_digest(&r, h);
    append_record(r);
  }
};

QueueVerifier::QueueVerifier(const Repo& repo, VerifyOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->repo = &repo;
  impl_->options = options;
}

QueueVerifier::~QueueVerifier() = default;

SignatureCheck QueueVerifier::verify(const std::string& commit, const Event& e, const Definitions& d) {
  Impl& m = *impl_;
  if (!m.loaded) m.load();
  Oid oid{};
  const bool have_oid = hex_to_oid(commit, &oid);
  if (have_oid) {
    auto it = m.results.find(oid);
    if (it != m.results.end()) {
      ++m.cached;
      SignatureCheck c;
      c.state = it->second.state;
      c.format = it->second.openpgp ? "openpgp" : "ssh";
      (c.state == SignatureCheck::State::good ? c.key : c.detail) = m.texts[it->second.text];
      return c;
    }
  }
  auto raw = read_commit_object(*m.repo, commit);
  if (!raw) {
    ++m.uncacheable;
    return bad("", "the commit cannot be read: " + raw.error().message);  // not cached: says nothing
  }
  std::string signature, signed_data;
  if (!split_signature(*raw, &signature, &signed_data)) return bad("", "the commit object is malformed");
  SignatureCheck c;
  bool cacheable = true;
  switch (signature_kind(signature)) {
    case SignatureKind::none:
      c.state = SignatureCheck::State::unsigned_;
      return c;  // cheap to see again; nothing to cache
    case SignatureKind::ssh: {
      bool env_fail = false;
      c = verify_ssh_signature(signature, signed_data, &env_fail);
      cacheable = !env_fail;
      break;
    }
    case SignatureKind::openpgp: {
      const Actor* a = d.actor(e.actor);
      if (!a || a->key.empty() || signature_kind(a->key) == SignatureKind::ssh || a->key.rfind("ssh-", 0) == 0) {
        c = bad("openpgp", "an OpenPGP signature, but the definitions declare no OpenPGP key for " + e.actor);
      } else {
        bool env_fail = false;
        c = verify_openpgp_signature(signature, signed_data, a->key, &env_fail);
        cacheable = !env_fail;
      }
      break;
    }
    case SignatureKind::unknown:
      c = bad("", "the gpgsig header holds neither an ssh nor an OpenPGP signature");
      break;
  }
  ++m.verified;
  if (!cacheable) ++m.uncacheable;
  if (have_oid && cacheable && m.options.use_cache) m.remember(oid, c);
  return c;
}

Status QueueVerifier::flush() {
  Impl& m = *impl_;
  if (m.pending.empty() || !m.options.write_cache || !m.options.use_cache) {
    m.pending.clear();
    return {};
  }
  const std::string path = signature_cache_path(*m.repo);
  AGENTQ_TRY(make_dirs(m.repo->shared_state_dir()));
  if (!path_exists(path)) AGENTQ_TRY(write_file_atomic(path, std::string(kCacheHeader)));
  // One write(2) with O_APPEND: concurrent writers append whole batches, never interleave.
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return fail(Error::io("cannot open " + path + ": " + std::strerror(errno), path));
  const ssize_t n = ::write(fd, m.pending.data(), m.pending.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(m.pending.size())) return fail(Error::io("cannot append to " + path, path));
  m.pending.clear();
  return {};
}

const std::vector<std::string>& QueueVerifier::warnings() const { return impl_->warnings; }
size_t QueueVerifier::verified() const { return impl_->verified; }
size_t QueueVerifier::cached() const { return impl_->cached; }
size_t QueueVerifier::uncacheable() const { return impl_->uncacheable; }

}  // namespace agentq
