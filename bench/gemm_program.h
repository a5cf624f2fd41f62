//===- gemm_program.h - A generated GEMM-heavy program for the simulator benchmarks ---===//
//
// C[M x 256] = requant(A[M x 256] x B[256 x 256]) on the default config, in the schedule of
// examples/matmul_256.s generalized to M = 32 * tiles rows: all of B in the weight
// scratchpad, A and the accumulators tiled by 32 rows and double-buffered with tokens, so
// the load of tile t+1 and the store of tile t-1 overlap the GEMM of tile t. Each tile is
// 8192 GEMM micro-op iterations (2.1 M MACs).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace tessera::bench {

/// Assembly text of the program with `tiles` row tiles (tiles >= 2).
std::string gemmHeavyProgram(int tiles);

} // namespace tessera::bench
