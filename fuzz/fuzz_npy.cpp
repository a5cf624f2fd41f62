//===- fuzz_npy.cpp - libFuzzer target: the .npy reader --------------------------===//
//
// Feeds the bytes to parseNpy (support/npy.h), the reader behind `tessera run --input`.
// An error Status is a fine outcome; a crash, leak, UB or timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <vector>

#include "support/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto tensor = tessera::parseNpy(bytes);
  if (tensor.ok()) (void)tessera::serializeNpy(*tensor);  // round-trip what was accepted
  return 0;
}
