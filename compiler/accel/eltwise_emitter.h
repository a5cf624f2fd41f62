//===- eltwise_emitter.h - Elementwise int8 layers as accelerator instructions --------===//
//
// QAdd, QMul, QMax, QMin, QClip and QLut work on the flat blocked tensor [C/B][H][W][B]
// (the same layout for every operand and the output), cut into tiles of `entries` rows. Per tile
// (virtual thread v = t mod V, slot v holds one region per operand):
//
//   compute:  LOAD acc8 a -> A_v   [LOAD acc8 b -> B_v]
//             QAdd:       [ALU mul A_v, imm mul_a] [ALU mul B_v, imm mul_b] ALU add A_v += B_v
//             QMul:       ALU mul A_v *= B_v (register operand)
//             QMax/QMin:  ALU max|min A_v, B_v
//             QLut:       ALU lut A_v (immediate form: one row per cycle)
//             [ALU requant A_v (immediate when the multiplier is a power of two, else the
//              register row holding (m << 8 | s))] [ALU clip A_v, imm]
//   store:    STORE A_v -> output
//
// A QMul by a per-channel scale (b [1][C][1][1], blocked [C/B][1][1][B]: one entry per
// channel block) has tiles of whole H*W planes or of a divisor of one: B_v holds the scale
// rows of the tile's channel blocks, and the ALU mul loops over planes (outer, B_v row +1)
// and pixels (inner, B_v row fixed), so each lane multiplies by its own channel's scale.
//
// QLut first loads its table once per layer (after the layer sync, before the tiles):
// LOAD acc8 "<layer>.lut" -> the table rows, ALU lutset from them (docs/isa.md, "Lookup
// table"). Tokens follow alu_emit_common.h; the cost is estimateEltwiseCycles (alu_tiling.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/alu_tiling.h"
#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/program_builder.h"

namespace tessera::accel {

/// Emits `layer`, reading DRAM tensors `a` (and `b` for the two-operand ops; ignored for
/// QClip) and writing `output`, all blocked [ceil(C/block_out)][H][W][block_out] int8
/// (`b` [ceil(C/block_out)][1][1][block_out] for a channel scale).
/// Adds "<layer>.constants" when the requant needs a register row. On return the store
/// unit has pushed one token toward compute for whatever follows (see conv_emitter.h).
/// `outputBlockOffset` writes the channel blocks into `output` from that block on (a
/// Concat written in place); the tensors' shapes are checked.
Status emitEltwise(ProgramBuilder &builder, const EltwiseLayer &layer, const EltwiseTiling &tiling, const std::string &a,
                   const std::string &b, const std::string &output, LayerPosition position,
                   int64_t outputBlockOffset = 0);

} // namespace tessera::accel
