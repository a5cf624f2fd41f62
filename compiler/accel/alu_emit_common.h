//===- alu_emit_common.h - Pieces every int8 ALU layer's emission shares --------------===//
//
// The layer-to-layer token contract of conv_emitter.h, the requant constant row, the
// requant/clip epilogue and the per-tile token flags. Per tile t of T with V threads:
//
//   compute: acc8 LOADs into slot t%V (the first pops store->compute when t >= V)
//            ALU ops of tile t
//            [V >= 2: the LOADs of tile t+1 into the other slot]
//            the last of these pushes compute->store for tile t
//   store:   STOREs (the first pops compute->store; the last pushes store->compute when
//            tile t+V exists, or t is the last tile: the token for whatever follows)
//
// so an acc slot is refilled only after the store that read its out rows (WAR), and
// stored only after the ALU wrote it (RAW). Placing tile t+1's LOADs before tile t's
// push makes the store of tile t run during the ALU work of tile t+1, not during its
// LOADs: both DMAs would share the one DRAM data bus. A layer after another starts with a compute
// no-op that pops the previous layer's final token: its acc8 LOADs then see every store
// of that layer. No instruction of these layers runs on the load unit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "compiler/accel/alu_layers.h"
#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/program_builder.h"

namespace tessera::accel {

/// The DRAM tensor `name` must be blocked [CB][H][W][block_out] int8 (any split of the
/// H*W plane) with room for `channels` channels from channel block `blockOffset`.
Status checkActivationTensor(const ProgramBuilder &builder, const std::string &layer, const std::string &name,
                             const Shape &nchw, int64_t blockOffset);

/// A layer after another: the compute no-op popping the store->compute token.
void emitLayerSync(ProgramBuilder &builder, LayerPosition position);

/// The acc row holding the requant operand when the epilogue needs a register operand
/// (tensor "<layer>.constants", LOADed to `accRow`); nothing otherwise.
void emitRequantRow(ProgramBuilder &builder, const std::string &layer, const Int8Epilogue &epilogue, int64_t accRow);

/// requant then clip over `loops`, with micro-op `uop` (dst: the rows, src: the requant
/// row). Returns the last instruction emitted, if any.
std::optional<size_t> emitEpilogue(ProgramBuilder &builder, const Int8Epilogue &epilogue, uint32_t uop, LoopNest loops);

/// A LOAD of int8 entries into acc rows.
size_t emitAcc8Load(ProgramBuilder &builder, int64_t sramBase, int64_t dramBase, int64_t rows, int64_t columns,
                    int64_t stride);

/// The first and last instruction of a group.
using InstructionRange = std::pair<size_t, size_t>;

/// How a layer emits one tile, in three parts.
struct TileParts {
  /// The compute-unit instructions up to and including the tile's acc8 LOADs.
  std::function<InstructionRange(int64_t tile)> loads;
  /// The ALU work; the last instruction, if any.
  std::function<std::optional<size_t>(int64_t tile)> compute;
  /// The STOREs.
  std::function<InstructionRange(int64_t tile)> stores;
};

/// Emits tiles [0, tiles) in the order and with the tokens described above.
void emitTiles(ProgramBuilder &builder, int64_t tiles, int64_t threads, const TileParts &parts);

} // namespace tessera::accel
