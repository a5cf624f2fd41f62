//===- alu_emit_common.cpp - Tokens, constants and epilogues of the ALU layers ---------===//
#include "compiler/accel/alu_emit_common.h"

#include "compiler/accel/layouts.h"

namespace tessera::accel {

using isa::AluOp;
using isa::Buffer;
using isa::Field;

Status checkActivationTensor(const ProgramBuilder &builder, const std::string &layer, const std::string &name,
                             const Shape &nchw, int64_t blockOffset) {
  const isa::TensorInfo *tensor = builder.findTensor(name);
  if (!tensor) return invalidInput("%s: tensor '%s' is not in the program", layer, name);
  const Shape &s = tensor->shape;
  int64_t block = builder.config().block_out, blocks = ceilDiv(nchw[1], block);
  bool fits = tensor->dtype == DType::I8 && s.size() == 4 && s[1] * s[2] == nchw[2] * nchw[3] && s[3] == block &&
              blockOffset >= 0 && blockOffset + blocks <= s[0];
  if (!fits)
    return invalidInput("%s: tensor '%s' %s %s cannot hold %d channel blocks of %dx%d from block %d", layer, name,
                        dtypeName(tensor->dtype), shapeToString(s), blocks, nchw[2], nchw[3], blockOffset);
  return absl::OkStatus();
}

void emitLayerSync(ProgramBuilder &builder, LayerPosition position) {
  if (position != LayerPosition::afterLayer) return;
  size_t sync = builder.emit(makeGemm(0, 0, LoopNest{}, false));
  builder.instruction(sync)[Field::pop_next] = 1;
}

void emitRequantRow(ProgramBuilder &builder, const std::string &layer, const Int8Epilogue &epilogue, int64_t accRow) {
  if (!epilogue.needsRequantRow()) return;
  const isa::HardwareConfig &config = builder.config();
  Tensor row(DType::I32, {1, config.batch * config.block_out});
  int32_t operand = int32_t((epilogue.multiplier << 8) | (epilogue.shift & 0xff));
  for (int64_t i = 0; i < row.elementCount(); ++i) row.data<int32_t>()[i] = operand;
  std::string name = layer + ".constants";
  builder.addTensor(name, isa::TensorKind::constant, row);
  builder.emit(makeLoad(Buffer::acc, accRow, builder.entryAddress(name, Buffer::acc), 1, 1, 1));
}

std::optional<size_t> emitEpilogue(ProgramBuilder &builder, const Int8Epilogue &epilogue, uint32_t uop, LoopNest loops) {
  std::optional<size_t> last;
  loops.srcOut = loops.srcIn = 0;
  if (epilogue.requant) last = builder.emit(makeAlu(AluOp::requant, uop, uop + 1, loops, epilogue.requantImmediate()));
  if (epilogue.clips()) last = builder.emit(makeAlu(AluOp::clip, uop, uop + 1, loops, epilogue.clipOperand()));
  return last;
}

size_t emitAcc8Load(ProgramBuilder &builder, int64_t sramBase, int64_t dramBase, int64_t rows, int64_t columns,
                    int64_t stride) {
  return builder.emit(makeLoad(Buffer::acc8, sramBase, dramBase, rows, columns, stride));
}

namespace {

struct TileEnds {
  size_t firstCompute, lastCompute, firstStore, lastStore;
};

void wireTileTokens(ProgramBuilder &builder, const TileEnds &ends, int64_t tile, int64_t tiles, int64_t threads) {
  if (tile >= threads) builder.instruction(ends.firstCompute)[Field::pop_next] = 1;
  builder.instruction(ends.lastCompute)[Field::push_next] = 1;
  builder.instruction(ends.firstStore)[Field::pop_prev] = 1;
  if (tile + threads < tiles || tile == tiles - 1) builder.instruction(ends.lastStore)[Field::push_prev] = 1;
}

} // namespace

void emitTiles(ProgramBuilder &builder, int64_t tiles, int64_t threads, const TileParts &parts) {
  InstructionRange next = parts.loads(0);
  for (int64_t t = 0; t < tiles; ++t) {
    InstructionRange loads = next;
    size_t last = parts.compute(t).value_or(loads.second);
    bool prefetch = threads > 1 && t + 1 < tiles;
    if (prefetch) next = parts.loads(t + 1), last = next.second;
    InstructionRange stores = parts.stores(t);
    wireTileTokens(builder, TileEnds{loads.first, last, stores.first, stores.second}, t, tiles, threads);
    if (!prefetch && t + 1 < tiles) next = parts.loads(t + 1);
  }
}

} // namespace tessera::accel
