// libFuzzer target: the event decoder (commit message -> Event) and the signature envelope
// parsers must reject any input with an Error, never crash. A decoded event must survive the
// round trip through the canonical encoder.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/sshsig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto e = agentq::decode_commit_message(in);
  if (e) {
    (void)agentq::check_shape(*e);
    const std::string again = agentq::commit_message(*e);
    auto back = agentq::decode_commit_message(again);
    if (!back || agentq::encode_json(*back) != agentq::encode_json(*e)) __builtin_trap();
  }
  (void)agentq::parse_sshsig_armored(in);
  (void)agentq::parse_sshsig_blob(in);
  (void)agentq::dearmor_openpgp(in, "PGP PUBLIC KEY BLOCK");
  return 0;
}
