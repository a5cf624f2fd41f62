//===- pool_emitter.h - int8 pooling layers as accelerator instructions ---------------===//
//
// Window pools (QMaxPool, QAveragePool). A tile is `blocks` channel blocks x `outRows`
// output rows (channel tile outer, row tile inner; thread v = t mod V). Slot v holds, per
// block, the input rows with the window halo at the padded width PW, then, per block,
// the output rows:
//
//   compute:  [max, tile touching the top/bottom padding: ALU mov imm -128 over the input
//              region; LOADs then skip the vertical padding]
//             LOAD acc8 x blocks (rows of the window halo; DMA padding left/right, and
//             top/bottom for averages: zeros are exactly count_include_pad)
//             [max with left/right padding: ALU mov imm -128 over the padding columns]
//             row pass, in place: ALU max|add, loops (input row, output column), one
//               micro-op per (block, kx >= 1): in[b][r][ox*sw] op= in[b][r][ox*sw + kx*dw]
//             column pass: ALU mov, then max|add per ky >= 1, loops (output row, output
//               column), one micro-op per block: out[b][oy][ox] op= in[b][oy*sh + ky*dh][ox*sw]
//             [ALU requant] [ALU clip]
//   store:    STORE x blocks
//
// -128 is max's identity on int8 values, so padding never wins a window and a window
// partly outside the input (pads, ceil_mode) takes the max over its inside positions,
// as ONNX MaxPool does; DMA zero padding is used only where it is exact (averages).
//
// QGlobalAveragePool: a tile is `blocks` whole planes (one LOAD acc8 of blocks x H*W
// rows), ALU mov imm 0 over one output row per block, one ALU add with loops
// (block: dst +1, src +H*W; position: dst +0, src +1), requant, clip, one STORE.
//
// Tokens follow alu_emit_common.h; costs are estimatePoolCycles / estimateGlobalPoolCycles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/alu_tiling.h"
#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/program_builder.h"

namespace tessera::accel {

/// Emits `layer`: reads `input` blocked [ceil(C/block_out)][H][W][block_out] int8, writes
/// `output` blocked [ceil(C/block_out)][OH][OW][block_out]. See conv_emitter.h for the
/// token left for whatever follows. `outputBlockOffset` writes the channel blocks into
/// `output` from that block on (a Concat written in place); the tensors' shapes are checked.
Status emitPool(ProgramBuilder &builder, const PoolLayer &layer, const PoolTiling &tiling, const std::string &input,
                const std::string &output, LayerPosition position, int64_t outputBlockOffset = 0);

/// Emits `layer`: output blocked [ceil(C/block_out)][1][1][block_out].
Status emitGlobalPool(ProgramBuilder &builder, const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                      const std::string &input, const std::string &output, LayerPosition position,
                      int64_t outputBlockOffset = 0);

} // namespace tessera::accel
