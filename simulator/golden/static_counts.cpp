//===- static_counts.cpp - A program's work counters from its instructions -----------===//
#include "simulator/golden/static_counts.h"

namespace tessera::sim {
namespace {

using isa::Buffer;
using isa::Field;
using isa::Instruction;
using isa::Opcode;

/// Micro-op iterations of a GEMM or ALU instruction (0 when its loops are empty).
uint64_t uopIterations(const Instruction &inst) {
  if (inst[Field::iter_out] <= 0 || inst[Field::iter_in] <= 0 || inst[Field::uop_bgn] >= inst[Field::uop_end]) return 0;
  return uint64_t(inst[Field::iter_out]) * uint64_t(inst[Field::iter_in]) *
         uint64_t(inst[Field::uop_end] - inst[Field::uop_bgn]);
}

/// Bytes a LOAD or STORE moves between DRAM and `buffer` (padding is not moved).
uint64_t transferBytes(const Instruction &inst, const isa::HardwareConfig &config, Buffer buffer) {
  return uint64_t(inst[Field::y_size]) * uint64_t(inst[Field::x_size]) * uint64_t(config.entryBytes(buffer));
}

void count(const Instruction &inst, const isa::HardwareConfig &config, Counters &counters) {
  ++counters.instructions[size_t(inst.opcode)];
  switch (inst.opcode) {
  case Opcode::load: counters.bytesLoaded[size_t(inst.buffer())] += transferBytes(inst, config, inst.buffer()); return;
  case Opcode::store: counters.bytesStored += transferBytes(inst, config, Buffer::out); return;
  case Opcode::gemm: {
    uint64_t iterations = uopIterations(inst);
    counters.gemmUops += iterations;
    if (inst[Field::reset] == 0) counters.gemmMacs += iterations * uint64_t(config.macsPerCycle());
    return;
  }
  case Opcode::alu:
    counters.aluUops += uopIterations(inst);
    if (inst.aluOp() == isa::AluOp::lut) counters.aluLutUops += uopIterations(inst);
    return;
  case Opcode::finish: return;
  }
}

} // namespace

Counters staticCounters(const isa::Program &program, const isa::HardwareConfig &config) {
  Counters counters;
  for (const Instruction &inst : program.instructions) count(inst, config, counters);
  return counters;
}

} // namespace tessera::sim
