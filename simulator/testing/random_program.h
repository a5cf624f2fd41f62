//===- random_program.h - Seeded random programs for co-simulation ----------------===//
//
// generateRandomProgram(config, seed, options) writes a random program as assembly
// text and assembles it, under one of two disciplines.
//
// RandomProgramDiscipline::valid (the default): valid by construction, for every backend:
// - the verifier accepts them (every scratchpad range in bounds, one FINISH, last);
// - they cannot deadlock: the stream is a sequence of tiles, each the load unit's LOADs,
//   then the compute unit's work, then the store unit's STOREs, and every token pop is
//   matched by a push earlier in program order;
// - they have no races: a tile's LOADs wait (c2l) for the previous tile's compute to stop
//   reading inp/wgt, a tile's compute waits (s2c) for the previous tile's STOREs to stop
//   reading out, STOREs write a DRAM tensor nothing reads, and every scratchpad row a
//   GEMM or ALU reads was written first (a preamble loads the windows they use).
// Within that frame everything is drawn from the seed: DMA shapes, strides, paddings,
// empty token-only transfers, GEMM loop nests and micro-op ranges, ALU ops and operands
// (lut and lutset among them, and lookup-table loads: a LOAD into acc/acc8, then lutset),
// and bursts of token-only instructions between tiles that fill a token queue past its
// depth (the producer waits for room).
//
// RandomProgramDiscipline::unconstrained: random DMA shapes, strides and paddings,
// GEMM/ALU loop nests and free token patterns; every access is in bounds for the config,
// tokens balance in program order and a final load/store handshake precedes FINISH, but
// nothing more is promised: such a program may deadlock or race. A test runs it on the
// functional executor first and keeps the programs it accepts (with races allowed when it
// compares timing only). It reaches token interleavings the valid discipline cannot; the
// SystemC model and the RTL are compared with the cycle reference on them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

#include "isa/program.h"

namespace tessera::testing {

enum class RandomProgramDiscipline {
  valid,         ///< race- and deadlock-free by construction
  unconstrained, ///< free token patterns; may deadlock or race
};

struct RandomProgramOptions {
  RandomProgramDiscipline discipline = RandomProgramDiscipline::valid;
  int maxTiles = 4;          ///< valid: tiles drawn from [1, maxTiles]
  int maxComputeOps = 5;     ///< valid: GEMM/ALU/LOAD per tile drawn from [1, maxComputeOps]
  bool useAcc8 = false;      ///< valid: also draw LOADs into acc8 (unconstrained always may)
  int length = 24;           ///< unconstrained: random instructions before the final handshake
};

struct RandomProgram {
  std::string name; ///< "random-<config>-<seed>" ("random-unconstrained-..." for that discipline)
  uint64_t seed = 0;
  std::string text; ///< the assembly, to reproduce or print a failing program
  isa::Program program;
};

/// A random program for `config` drawn from `seed` (same seed and options, same program).
StatusOr<RandomProgram> generateRandomProgram(const isa::HardwareConfig &config, uint64_t seed,
                                              const RandomProgramOptions &options = {});

} // namespace tessera::testing
