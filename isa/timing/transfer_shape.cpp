//===- transfer_shape.cpp - Burst sequencing of DMA transfers -----------------------===//
#include "isa/timing/transfer_shape.h"

namespace tessera::timing {

using isa::Field;

namespace {

uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/// The DRAM requester's scratchpad entry size: STORE reads the out buffer.
int64_t entryBytesOf(const isa::Instruction &inst, const isa::HardwareConfig &config) {
  isa::Buffer buffer = inst.opcode == isa::Opcode::store ? isa::Buffer::out : inst.buffer();
  return config.entryBytes(buffer);
}

} // namespace

bool movesData(const isa::Instruction &inst) {
  if (inst.opcode != isa::Opcode::load && inst.opcode != isa::Opcode::store) return false;
  return inst[Field::y_size] != 0 && inst[Field::x_size] != 0;
}

TransferShape rowsShape(uint64_t rows, uint64_t rowBytes, const isa::HardwareConfig &config) {
  const uint64_t burst = uint64_t(config.dram_burst_bytes), width = uint64_t(config.dram_bytes_per_cycle);
  const uint64_t fullBursts = rowBytes / burst, rest = rowBytes % burst;
  TransferShape shape;
  shape.bursts = rows * ceilDiv(rowBytes, burst);
  shape.beats = rows * (fullBursts * ceilDiv(burst, width) + ceilDiv(rest, width));
  shape.bytes = rows * rowBytes;
  return shape;
}

TransferShape dmaShape(const isa::Instruction &inst, const isa::HardwareConfig &config) {
  if (!movesData(inst)) return {};
  const uint64_t rowBytes = uint64_t(inst[Field::x_size]) * uint64_t(entryBytesOf(inst, config));
  return rowsShape(uint64_t(inst[Field::y_size]), rowBytes, config);
}

uint64_t idleTransferCycles(uint64_t rows, uint64_t rowBytes, uint64_t padEntries, const isa::HardwareConfig &config) {
  return uint64_t(config.dram_latency_cycles) + rowsShape(rows, rowBytes, config).beats + padEntries;
}

uint64_t padEntries(const isa::Instruction &inst) {
  if (inst.opcode != isa::Opcode::load || !movesData(inst)) return 0;
  const uint64_t ySize = uint64_t(inst[Field::y_size]), xSize = uint64_t(inst[Field::x_size]);
  const uint64_t rows = uint64_t(inst[Field::y_pad_0]) + ySize + uint64_t(inst[Field::y_pad_1]);
  const uint64_t cols = uint64_t(inst[Field::x_pad_0]) + xSize + uint64_t(inst[Field::x_pad_1]);
  return rows * cols - ySize * xSize;
}

uint64_t fetchBlockInstructions(const isa::HardwareConfig &config) {
  uint64_t perBurst = uint64_t(config.dram_burst_bytes) / uint64_t(isa::isaWidthsFor(config).instructionBytes());
  return perBurst == 0 ? 1 : perBurst;
}

TransferShape fetchShape(uint64_t count, const isa::HardwareConfig &config) {
  TransferShape shape;
  shape.bytes = count * uint64_t(isa::isaWidthsFor(config).instructionBytes());
  shape.bursts = 1;
  shape.beats = ceilDiv(shape.bytes, uint64_t(config.dram_bytes_per_cycle));
  return shape;
}

} // namespace tessera::timing
