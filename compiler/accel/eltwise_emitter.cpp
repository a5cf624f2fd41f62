//===- eltwise_emitter.cpp - Tiles and micro-ops of the elementwise int8 layers --------===//
#include "compiler/accel/eltwise_emitter.h"

#include <algorithm>

#include "compiler/accel/alu_emit_common.h"
#include "compiler/accel/layouts.h"

namespace tessera::accel {

using isa::AluOp;
using isa::Buffer;
using isa::Uop;

namespace {

/// Scratchpad placement: slot v holds A_v then (two operands) B_v; the requant row
/// after, then QLut's table rows.
struct EltwisePlan {
  const EltwiseLayer &layer;
  EltwiseTiling tiling;
  int64_t total, tiles, constRow;
  int64_t outputOffset; ///< entries before the layer's first block in the output
  int64_t tableRow = 0, tableRows = 0;
  uint32_t tableUop = 0; ///< QLut: the lutset micro-op {dst 0, src tableRow}, after 3V others

  int64_t slotRows() const { return tiling.entries + layer.operandBRows(tiling.entries); }
  int64_t regionA(int64_t v) const { return v * slotRows(); }
  int64_t regionB(int64_t v) const { return regionA(v) + tiling.entries; }
  /// Micro-ops of thread v: {A_v, B_v}, {B_v, -}, {A_v, requant row}.
  uint32_t uop(int64_t v, int64_t which) const { return uint32_t(3 * v + which); }
};

LoopNest flat(int64_t n, int64_t srcIn) {
  LoopNest loops;
  loops.iterIn = n;
  loops.dstIn = 1;
  loops.srcIn = srcIn;
  return loops;
}

void addUops(ProgramBuilder &builder, EltwisePlan &plan) {
  uint32_t first = builder.uopCount();
  for (int64_t v = 0; v < plan.tiling.virtualThreads; ++v) {
    int64_t b = plan.layer.operands() == 2 ? plan.regionB(v) : plan.regionA(v);
    builder.addUop(Uop{uint32_t(plan.regionA(v)), uint32_t(b), 0});
    builder.addUop(Uop{uint32_t(b), 0, 0});
    builder.addUop(Uop{uint32_t(plan.regionA(v)), uint32_t(plan.constRow), 0});
  }
  if (plan.tableRows) {
    plan.tableUop = builder.uopCount() - first; // the layer's micro-ops are LOADed from uop entry 0
    builder.addUop(Uop{0, uint32_t(plan.tableRow), 0});
  }
  builder.emitUopLoad(first, builder.uopCount() - first, 0);
}

/// QLut: the table as the constant "<layer>.lut", LOADed (acc8) into the table rows and
/// copied into the ALU's lookup table by one lutset (row tableRow + i -> segment i).
void emitLutTable(ProgramBuilder &builder, const EltwisePlan &plan) {
  if (!plan.tableRows) return;
  int64_t lanes = builder.config().entryBytes(Buffer::acc8);
  Tensor table(DType::I8, {1, plan.tableRows * lanes});
  for (int64_t i = 0; i < table.elementCount(); ++i)
    table.data<int8_t>()[i] = i < int64_t(plan.layer.table.size()) ? plan.layer.table[size_t(i)] : 0;
  std::string name = plan.layer.name + ".lut";
  builder.addTensor(name, isa::TensorKind::constant, table);
  emitAcc8Load(builder, plan.tableRow, builder.entryAddress(name, Buffer::acc8), 1, plan.tableRows, plan.tableRows);
  builder.emit(makeAlu(AluOp::lutset, plan.tableUop, plan.tableUop + 1, flat(plan.tableRows, 1), std::nullopt));
}

/// The loops of QMul over a tile of `n` rows: pairwise, or for a channel scale planes x
/// pixels with the scale row advancing once per plane.
LoopNest mulLoops(const EltwiseLayer &layer, int64_t n) {
  if (!layer.channelScale) return flat(n, 1);
  int64_t pixels = std::min(n, layer.plane());
  LoopNest loops;
  loops.iterOut = n / pixels, loops.iterIn = pixels;
  loops.dstOut = pixels, loops.dstIn = 1;
  loops.srcOut = 1, loops.srcIn = 0;
  return loops;
}

/// The LOAD of operand b's rows for the tile of `n` rows from entry `first`.
size_t emitOperandBLoad(ProgramBuilder &builder, const EltwisePlan &plan, const std::string &b, int64_t v, int64_t first,
                        int64_t n) {
  const EltwiseLayer &l = plan.layer;
  int64_t row0 = l.channelScale ? first / l.plane() : first, rows = l.operandBRows(n);
  return emitAcc8Load(builder, plan.regionB(v), builder.entryAddress(b, Buffer::acc8) + row0, 1, rows, rows);
}

/// The operation itself (before the epilogue); returns the last instruction, if any.
std::optional<size_t> emitOperation(ProgramBuilder &builder, const EltwisePlan &plan, int64_t v, int64_t n) {
  const EltwiseLayer &l = plan.layer;
  uint32_t ab = plan.uop(v, 0), bOnly = plan.uop(v, 1);
  switch (l.op) {
  case EltwiseOp::add:
    if (l.mulA != 1) builder.emit(makeAlu(AluOp::mul, ab, ab + 1, flat(n, 0), l.mulA));
    if (l.mulB != 1) builder.emit(makeAlu(AluOp::mul, bOnly, bOnly + 1, flat(n, 0), l.mulB));
    return builder.emit(makeAlu(AluOp::add, ab, ab + 1, flat(n, 1), std::nullopt));
  case EltwiseOp::mul: return builder.emit(makeAlu(AluOp::mul, ab, ab + 1, mulLoops(l, n), std::nullopt));
  case EltwiseOp::max: return builder.emit(makeAlu(AluOp::max, ab, ab + 1, flat(n, 1), std::nullopt));
  case EltwiseOp::min: return builder.emit(makeAlu(AluOp::min, ab, ab + 1, flat(n, 1), std::nullopt));
  case EltwiseOp::clip: return std::nullopt;
  case EltwiseOp::lut: return builder.emit(makeAlu(AluOp::lut, ab, ab + 1, flat(n, 0), 0));
  }
  return std::nullopt;
}

int64_t tileEntries(const EltwisePlan &plan, int64_t t) {
  return std::min(plan.tiling.entries, plan.total - t * plan.tiling.entries);
}

TileParts eltwiseParts(ProgramBuilder &builder, const EltwisePlan &plan, const std::string &a, const std::string &b,
                       const std::string &output) {
  TileParts parts;
  parts.loads = [&builder, &plan, a, b](int64_t t) {
    int64_t v = t % plan.tiling.virtualThreads, first = t * plan.tiling.entries, n = tileEntries(plan, t);
    size_t loadA = emitAcc8Load(builder, plan.regionA(v), builder.entryAddress(a, Buffer::acc8) + first, 1, n, n);
    if (plan.layer.operands() == 1) return InstructionRange{loadA, loadA};
    return InstructionRange{loadA, emitOperandBLoad(builder, plan, b, v, first, n)};
  };
  parts.compute = [&builder, &plan](int64_t t) {
    int64_t v = t % plan.tiling.virtualThreads, n = tileEntries(plan, t);
    std::optional<size_t> last = emitOperation(builder, plan, v, n);
    if (auto epilogue = emitEpilogue(builder, plan.layer.epilogue, plan.uop(v, 2), flat(n, 0))) last = epilogue;
    return last;
  };
  parts.stores = [&builder, &plan, output](int64_t t) {
    int64_t v = t % plan.tiling.virtualThreads, first = t * plan.tiling.entries, n = tileEntries(plan, t);
    int64_t dram = builder.entryAddress(output, Buffer::out) + plan.outputOffset + first;
    size_t store = builder.emit(makeStore(plan.regionA(v), dram, 1, n, n));
    return InstructionRange{store, store};
  };
  return parts;
}

} // namespace

Status emitEltwise(ProgramBuilder &builder, const EltwiseLayer &layer, const EltwiseTiling &tiling, const std::string &a,
                   const std::string &b, const std::string &output, LayerPosition position, int64_t outputBlockOffset) {
  const isa::HardwareConfig &config = builder.config();
  TS_RETURN_IF_ERROR(checkEltwiseTiling(layer, tiling, config));
  Shape shape = {1, layer.channels, layer.height, layer.width};
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, a, shape, 0));
  Shape shapeB = layer.channelScale ? Shape{1, layer.channels, 1, 1} : shape;
  if (layer.operands() == 2) TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, b, shapeB, 0));
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, output, shape, outputBlockOffset));
  EltwisePlan plan{layer, tiling, eltwiseEntries(layer, config), 0, 0, outputBlockOffset * layer.height * layer.width};
  plan.tiles = ceilDiv(plan.total, tiling.entries);
  if (layer.epilogue.needsRequantRow()) plan.constRow = tiling.virtualThreads * plan.slotRows();
  plan.tableRows = lutTableRows(layer, config);
  plan.tableRow = tiling.virtualThreads * plan.slotRows() + (layer.epilogue.needsRequantRow() ? 1 : 0);
  builder.beginSegment(layer.name, segmentOpOf(layer.op));
  emitLayerSync(builder, position);
  addUops(builder, plan);
  emitRequantRow(builder, layer.name, layer.epilogue, plan.constRow);
  emitLutTable(builder, plan);
  emitTiles(builder, plan.tiles, tiling.virtualThreads, eltwiseParts(builder, plan, a, b, output));
  builder.endSegment();
  return absl::OkStatus();
}

} // namespace tessera::accel
