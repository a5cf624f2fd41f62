//===- fuzz_asm.cpp - libFuzzer target: the assembler ----------------------------===//
//
// Assembles the bytes (isa/assembler.h) for configs/default.json, loaded once from the
// source tree, as `tessera asm` does; a program that assembles is encoded as a .tsb
// (isa/binary.h) too. An error Status is a fine outcome; a crash, leak, UB or timeout is
// a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "isa/assembler.h"
#include "isa/binary.h"
#include "isa/config.h"

namespace {

const tessera::isa::HardwareConfig &defaultConfig() {
  static const tessera::isa::HardwareConfig config = [] {
    auto loaded = tessera::isa::loadConfigFile(TESSERA_SOURCE_DIR "/configs/default.json");
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz_asm: %s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return config;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  const auto &config = defaultConfig();
  auto program = tessera::isa::assemble(text, config, "<fuzz>");
  if (program.ok()) (void)tessera::isa::writeBinary(*program, config);
  return 0;
}
