//===- durations.cpp - Compute-unit instruction durations --------------------------===//
#include "isa/timing/durations.h"

#include <cassert>

#include "isa/timing/transfer_shape.h"

namespace tessera::timing {

using isa::Field;
using isa::Opcode;

uint64_t loopIterations(const isa::Instruction &inst) {
  if (inst.opcode != Opcode::gemm && inst.opcode != Opcode::alu) return 0;
  int64_t uops = inst[Field::uop_end] - inst[Field::uop_bgn];
  if (inst[Field::iter_out] <= 0 || inst[Field::iter_in] <= 0 || uops <= 0) return 0;
  return uint64_t(inst[Field::iter_out]) * uint64_t(inst[Field::iter_in]) * uint64_t(uops);
}

uint64_t fixedDuration(const isa::Instruction &inst, const isa::HardwareConfig &config) {
  assert(!movesData(inst) && "DMA durations come from the DRAM channel");
  const uint64_t n = loopIterations(inst);
  if (n == 0) return 1;
  if (inst.opcode == Opcode::gemm) return n + uint64_t(config.gemm_pipeline_depth);
  const uint64_t perRow = uint64_t(config.aluCyclesPerRow(/*immediate=*/inst[Field::use_imm] != 0));
  return perRow * n + uint64_t(config.alu_pipeline_depth);
}

uint64_t usefulMacs(const isa::Instruction &inst, const isa::HardwareConfig &config) {
  if (inst.opcode != Opcode::gemm || inst[Field::reset] != 0) return 0;
  return loopIterations(inst) * uint64_t(config.macsPerCycle());
}

} // namespace tessera::timing
