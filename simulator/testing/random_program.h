//===- random_program.h - Seeded random valid programs for co-simulation ----------===//
//
// generateRandomProgram(config, seed) writes a random program as assembly text and
// assembles it. The programs are valid by construction, for every backend:
// - the verifier accepts them (every scratchpad range in bounds, one FINISH, last);
// - they cannot deadlock: the stream is a sequence of tiles, each the load unit's LOADs,
//   then the compute unit's work, then the store unit's STOREs, and every token pop is
//   matched by a push earlier in program order;
// - they have no races: a tile's LOADs wait (c2l) for the previous tile's compute to stop
//   reading inp/wgt, a tile's compute waits (s2c) for the previous tile's STOREs to stop
//   reading out, STOREs write a DRAM tensor nothing reads, and every scratchpad row a
//   GEMM or ALU reads was written first (a preamble loads the windows they use).
// Within that frame everything is drawn from the seed: DMA shapes, strides, paddings,
// empty token-only transfers, GEMM loop nests and micro-op ranges, ALU ops and operands,
// and bursts of token-only instructions between tiles that fill a token queue past its
// depth (the producer waits for room).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

#include "isa/program.h"

namespace tessera::testing {

struct RandomProgramOptions {
  int maxTiles = 4;          ///< tiles drawn from [1, maxTiles]
  int maxComputeOps = 5;     ///< GEMM/ALU/LOAD per tile drawn from [1, maxComputeOps]
  bool useAcc8 = false;      ///< also draw LOADs into acc8
};

struct RandomProgram {
  std::string name; ///< "random-<config>-<seed>"
  uint64_t seed = 0;
  std::string text; ///< the assembly, to reproduce or print a failing program
  isa::Program program;
};

/// A random valid program for `config` drawn from `seed` (same seed, same program).
StatusOr<RandomProgram> generateRandomProgram(const isa::HardwareConfig &config, uint64_t seed,
                                              const RandomProgramOptions &options = {});

} // namespace tessera::testing
