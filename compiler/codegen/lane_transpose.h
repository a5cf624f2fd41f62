//===- lane_transpose.h - A register tile's vectors transposed by shuffles ------------===//
//
// A conv tile accumulates one vector of output channels per pixel, but the NCHW output
// holds each channel's pixels contiguously: stored vector by vector, every lane is a
// scalar store to its own channel plane. Transposed in registers first, the tile is
// one contiguous store per channel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include <llvm/IR/IRBuilder.h>

namespace tessera::codegen {

/// `rows` (at most W vectors of W lanes each, W a power of two) as W vectors whose lane
/// r of vector c is lane c of rows[r]; lanes r >= rows.size() are poison. log2(W)
/// stages of W two-source shuffles, each exchanging one bit of the row and lane index
/// (on x86: unpacks, 128-bit lane shuffles and two-source permutes).
std::vector<llvm::Value *> transposeLanes(llvm::IRBuilder<> &b, std::vector<llvm::Value *> rows);

} // namespace tessera::codegen
