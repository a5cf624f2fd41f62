//===- fuzz_loop.cpp - libFuzzer target: the loop IR parser and verifier ----------===//
//
// Parses the bytes as loop IR text (compiler/loop/parser.h parseModule) and verifies
// the module, as `tessera opt` does with a .tl file. An error Status is a fine outcome; a
// crash, leak, UB or timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/loop/parser.h"
#include "compiler/loop/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  auto module = tessera::loop::parseModule(text);
  if (module.ok()) (void)tessera::loop::verifyModule(*module);
  return 0;
}
