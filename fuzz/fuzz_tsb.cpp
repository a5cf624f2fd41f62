//===- fuzz_tsb.cpp - libFuzzer target: the .tsb loader and the functional run ----===//
//
// Reads the bytes as a .tsb (isa/binary.h readBinary), then builds the DRAM image and
// runs the program on the golden functional executor with a cycle cap, as `tessera run
// --backend functional --max-cycles 100000` does with zero inputs. Section checksums are
// not verified: they guard against damage, not against a crafted file (anyone can
// recompute an XXH3), and checking them would stop almost every mutation at the first
// check; every structural check still runs. An error Status is a fine outcome; a crash,
// leak, UB or timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <vector>

#include "isa/binary.h"
#include "simulator/golden/functional_executor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto binary = tessera::isa::readBinary(bytes, {.verifyChecksums = false});
  if (!binary.ok()) return 0;
  auto dram = tessera::sim::buildDramImage(binary->program, binary->config);
  if (!dram.ok()) return 0;
  (void)tessera::sim::runFunctional(binary->program, binary->config, *dram, {.maxCycles = 100000});
  return 0;
}
