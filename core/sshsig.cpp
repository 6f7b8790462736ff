#include "core/sshsig.h"

#include <array>
#include <cstdint>

namespace agentq {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kMagic = "SSHSIG";
constexpr std::string_view kSshBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kSshEnd = "-----END SSH SIGNATURE-----";
// An sshsig blob far larger than any real key and signature is refused before it is decoded.
constexpr size_t kMaxBlob = 64 * 1024;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// SSH wire format reader (RFC 4251 uint32 and string), bounds-checked.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u32(uint32_t* out) {
    if (data_.size() - pos_ < 4) return false;
    *out = 0;
    for (int i = 0; i < 4; ++i) *out = (*out << 8) | static_cast<unsigned char>(data_[pos_ + static_cast<size_t>(i)]);
    pos_ += 4;
    return true;
  }
  bool string(std::string* out) {
    uint32_t n = 0;
    if (!u32(&n) || data_.size() - pos_ < n) return false;
    out->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool bytes(size_t n, std::string_view* out) {
    if (data_.size() - pos_ < n) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void put_string(std::string* out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((n >> shift) & 0xff));
  out->append(s);
}

Error malformed(const std::string& what) { return Error(Code::BAD_SIGNATURE, "malformed ssh signature: " + what); }

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const std::array<int8_t, 256> table = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0, digits = 0, pad = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    const int8_t v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Complete quads only (padding makes up the difference), and the dropped bits must be zero.
  if ((digits + pad) % 4 != 0 || pad > 2 || (digits % 4 == 1)) return std::nullopt;
  if (pad && (digits % 4) + pad != 4) return std::nullopt;
  if (bits && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string SshSig::public_key() const { return key_type + " " + base64_encode(public_key_blob); }

std::optional<std::string> SshSig::ed25519_key() const {
  Reader r(public_key_blob);
  std::string type;
  uint32_t n = 0;
  std::string_view key;
  if (!r.string(&type) || type != "ssh-ed25519" || !r.u32(&n) || n != 32 || !r.bytes(32, &key) || !r.done())
    return std::nullopt;
  return std::optional<std::string>(std::in_place, key.begin(), key.end());
}

Result<SshSig> parse_sshsig_blob(std::string_view blob) {
  if (blob.size() > kMaxBlob) return fail(malformed("the signature blob is too large"));
  Reader r(blob);
  std::string_view magic;
  if (!r.bytes(kMagic.size(), &magic) || magic != kMagic) return fail(malformed("no SSHSIG preamble"));
  uint32_t version = 0;
  if (!r.u32(&version)) return fail(malformed("truncated version"));
  if (version != 1) return fail(malformed("unsupported version " + std::to_string(version)));
  SshSig s;
  std::string sig_blob;
  if (!r.string(&s.public_key_blob) || !r.string(&s.namespace_) || !r.string(&s.reserved) ||
      !r.string(&s.hash_algorithm) || !r.string(&sig_blob))
    return fail(malformed("truncated field"));
  if (!r.done()) return fail(malformed("trailing bytes"));
  Reader k(s.public_key_blob);
  if (!k.string(&s.key_type) || s.key_type.empty()) return fail(malformed("bad public key"));
  Reader g(sig_blob);
  if (!g.string(&s.sig_algorithm) || !g.string(&s.sig_bytes)) return fail(malformed("bad signature field"));
  // Security keys (sk-*) append flags and a counter after the signature; other types end here.
  if (!g.done() && s.sig_algorithm.rfind("sk-", 0) != 0) return fail(malformed("trailing bytes in the signature field"));
  return s;
}

Result<SshSig> parse_sshsig_armored(std::string_view armored) {
  size_t begin = armored.find(kSshBegin);
  if (begin == std::string_view::npos) return fail(malformed("no BEGIN SSH SIGNATURE line"));
  begin += kSshBegin.size();
  const size_t end = armored.find(kSshEnd, begin);
  if (end == std::string_view::npos) return fail(malformed("no END SSH SIGNATURE line"));
  if (end - begin > kMaxBlob * 2) return fail(malformed("the armored signature is too large"));
  auto blob = base64_decode(armored.substr(begin, end - begin));
  if (!blob) return fail(malformed("bad base64"));
  return parse_sshsig_blob(*blob);
}

std::string sshsig_signed_data(const SshSig& sig, std::string_view digest) {
  std::string out(kMagic);
  put_string(&out, sig.namespace_);
  put_string(&out, sig.reserved);
  put_string(&out, sig.hash_algorithm);
  put_string(&out, digest);
  return out;
}

std::string sshsig_blob(const SshSig& sig) {
  std::string out(kMagic);
  out += std::string("\0\0\0\1", 4);
  put_string(&out, sig.public_key_blob);
  put_string(&out, sig.namespace_);
  put_string(&out, sig.reserved);
  put_string(&out, sig.hash_algorithm);
  std::string inner;
  put_string(&inner, sig.sig_algorithm);
  put_string(&inner, sig.sig_bytes);
  put_string(&out, inner);
  return out;
}

std::string sshsig_armor(std::string_view blob) {
  const std::string b64 = base64_encode(blob);
  std::string out(kSshBegin);
  out += '\n';
  for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  out += kSshEnd;
  out += '\n';
  return out;
}

std::string ed25519_public_blob(std::string_view key) {
  std::string out;
  put_string(&out, "ssh-ed25519");
  put_string(&out, key);
  return out;
}

SignatureKind signature_kind(std::string_view signature) {
  size_t i = 0;
  while (i < signature.size() && is_space(signature[i])) ++i;
  std::string_view s = signature.substr(i);
  if (s.empty()) return SignatureKind::none;
  if (s.rfind(kSshBegin, 0) == 0) return SignatureKind::ssh;
  if (s.rfind("-----BEGIN PGP SIGNATURE-----", 0) == 0) return SignatureKind::openpgp;
  return SignatureKind::unknown;
}

std::optional<std::string> dearmor_openpgp(std::string_view armored, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  size_t at = armored.find(begin);
  if (at == std::string_view::npos) return std::nullopt;
  at = armored.find('\n', at);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t stop = armored.find(end, at);
  if (stop == std::string_view::npos) return std::nullopt;
  // Armor headers ("Comment: …") run up to the first blank line; the body follows, ending at
  // the checksum line ("=XXXX").
  std::string body;
  bool in_body = false;
  size_t pos = at + 1;
  while (pos < stop) {
    size_t eol = armored.find('\n', pos);
    if (eol == std::string_view::npos || eol > stop) eol = stop;
    std::string_view line = armored.substr(pos, eol - pos);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    pos = eol + 1;
    if (!in_body) {
      if (line.empty()) in_body = true;
      else if (line.find(':') == std::string_view::npos) {
        in_body = true;  // no headers and no blank line: tolerate (keys pasted into YAML lose it)
        body.append(line);
      }
      continue;
    }
    if (!line.empty() && line.front() == '=') break;
    body.append(line);
  }
  auto bin = base64_decode(body);
  if (!bin || bin->empty()) return std::nullopt;
  return bin;
}

}  // namespace agentq
