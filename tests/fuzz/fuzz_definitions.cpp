// libFuzzer target: the definitions loader (.agentq/queue.yaml) must turn any input into
// Definitions or an Error, never a crash, a hang or an exception escaping it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/definitions.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto d = agentq::load_definitions(yaml, ".agentq/queue.yaml");
  if (d) {
    // What the rest of the program does with loaded definitions must hold up too.
    for (const auto& t : d->tasks) (void)d->task(t.id);
    for (const auto& a : d->actors) (void)d->actor(a.name);
  } else {
    (void)d.error().str();
  }
  return 0;
}
