//===- conv_emitter.h - A quantized convolution as accelerator instructions ------------===//
//
// Emits one ConvLayer with a ConvTiling into a ProgramBuilder: the input tensor is in
// DRAM blocked [N*IB][H][W][Bi] int8, the output is written blocked [N*OB][OH][OW][Bo]
// int8 (N = the layer's batch, one blocked image after another). Tiles run channel tile j
// outermost, then images, then row tiles, then column tiles; tile t uses
// accumulator slot t mod V. Each tile runs its reduction steps s (input blocks in steps of
// ConvTiling::inBlocks; one step when not split); step i (counting every tile's steps in
// order) uses input slot, and with streamed weights weight slot, i mod V:
//
//   load unit:    [LOAD wgt: channel tile j's own weights, before its first step]
//                 [LOAD wgt: the step's weights, when streamed]
//                 LOAD inp: the step's input blocks (for group 1 all or a step's share;
//                 one per output block for depthwise), rows and columns with the kernel
//                 halo, the DMA adding the zero padding; one LOAD per block (slot
//                 [block][row][col]) or one per input row gathering every block (slot
//                 [row][block][col], padding rows from a zero constant)
//                 [LOAD wgt: a piece of channel tile j+1's weights, prefetched after the
//                 inputs of the steps of channel tile j from step max(1, V-1) on]
//   compute unit: [ALU mov bias -> acc slot, at the tile's first step]; GEMM over (channel
//                 block, input block, tap) micro-ops inside loops (row, column), adding to
//                 the partial sums; [ALU requant, [ALU clip], at the tile's last step]
//                 (immediate operands where uniform, no clip for [-128, 127]: ConvEpilogue)
//   store unit:   STORE the tile's rows x columns per channel block, from
//                 `outputBlockOffset` on
//
// Tokens, by construction (the race checker verifies every compiled layer in tests):
//   load(i)'s last LOAD pushes to compute, whose GEMM(i) pops it             (RAW inp/wgt)
//   GEMM(i) pushes to load when step i+V exists; load(i+V)'s first pops     (WAR inp/wgt slot)
//   compute(t)'s last ALU pushes to store; store(t)'s first pops            (RAW out)
//   store(t) pushes to compute when tile t+V exists; mov(t+V) pops           (WAR acc slot)
//   the last tile's store pushes once more, for the instruction after the layer.
// Weight slot (j+1) % 2 was last read by channel tile j-1's GEMMs; its first prefetch
// piece comes with step max(1, V-1) of channel tile j, whose first LOAD pops the token of
// a GEMM after all of channel tile j-1's. Without prefetch a channel tile loads its own
// weights after popping the token of a GEMM after channel tile j-2's (the tiling check
// requires V-1 steps per channel tile). GEMM(j+1, 0) pops a token pushed after every
// piece (in-order load unit).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/conv_tiling.h"
#include "compiler/accel/program_builder.h"

namespace tessera::accel {

/// Where a layer stands in the program.
enum class LayerPosition { first, afterLayer };

/// Emits `layer`; reads tensor `input`, writes tensor `output` (both already added to the
/// builder in the blocked layouts above). Adds the layer's constants as tensors named
/// "<layer>.weights" and "<layer>.constants". On return the store unit has pushed one
/// token toward compute for whatever follows (the next layer or FINISH pops it). A layer
/// after another loads its micro-ops, then runs a compute no-op that pops that token and
/// passes one to the load unit, so its loads see the previous layer's stores and its
/// scratchpad writes follow the previous layer's last reads.
///
/// `outputBlockOffset` writes the layer's channel blocks into `output` starting at that
/// channel block, so `output` may hold more channels (a Concat written in place: each
/// producer writes its own block range). Its shape is checked: [N*CB][OH][OW][Bo] int8 with
/// CB >= outputBlockOffset + ceil(O / Bo) blocks per image.
Status emitConv(ProgramBuilder &builder, const ConvLayer &layer, const ConvTiling &tiling, const std::string &input,
                const std::string &output, LayerPosition position, int64_t outputBlockOffset = 0);

} // namespace tessera::accel
