//===- fuzz_config.cpp - libFuzzer target: the hardware config parser ------------===//
//
// Feeds the bytes as JSON text to parseConfigText (isa/config.h), which every command
// taking -c uses. An error Status is a fine outcome; a crash, leak, UB, uncaught
// exception or timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "isa/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  (void)tessera::isa::parseConfigText(text);
  return 0;
}
