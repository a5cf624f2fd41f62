//===- lane_transpose.h - A register tile's vectors stored transposed -----------------===//
//
// A conv tile accumulates one vector of output channels per pixel, but the NCHW output
// holds each channel's pixels contiguously: stored vector by vector, every lane is a
// scalar store to its own channel plane. Transposed in registers first, the tile is
// one contiguous store per channel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "compiler/loop/ir.h"

namespace tessera::codegen {

/// The buffer named so in the function being emitted (nullptr when none).
using BufferLookup = std::function<const loop::Buffer *(const std::string &)>;

/// How many statements from `first` form a run worth storing transposed: vectorized
/// loops of one f32 store each (4 to 64 lanes, a power of two) to the same buffer,
/// lanes a constant stride (> 1) apart, each loop's lane 0 one element after the
/// previous one's (a tile's unrolled pixels), at most a vector's width of them, none
/// reading the stored buffer. 0 when there is no such run of at least two.
size_t transposableRun(const std::vector<loop::Stmt> &stmts, size_t first, const BufferLookup &buffers);

/// `rows` (at most W vectors of W lanes each, W a power of two) as W vectors whose lane
/// r of vector c is lane c of rows[r]; lanes r >= rows.size() are poison. log2(W)
/// stages of W two-source shuffles, each exchanging one bit of the row and lane index
/// (on x86: unpacks, 128-bit lane shuffles and two-source permutes).
std::vector<llvm::Value *> transposeLanes(llvm::IRBuilder<> &b, std::vector<llvm::Value *> rows);

} // namespace tessera::codegen
