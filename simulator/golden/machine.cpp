//===- machine.cpp - LOAD and STORE semantics; dispatch ------------------------------===//
//
// DMA semantics: a LOAD writes a (y_pad_0 + y_size + y_pad_1) x (x_pad_0 + x_size +
// x_pad_1) block of entries contiguously from sram_base, row-major; entry (r, c) is zero
// in the padding and otherwise DRAM entry dram_base + (r - y_pad_0) * x_stride +
// (c - x_pad_0). A STORE is the reverse without padding, from the out scratchpad.
// Addresses are in units of the scratchpad's entry size. A transfer with y_size or
// x_size zero moves nothing (it only carries tokens).
//
//===----------------------------------------------------------------------===//
#include "simulator/golden/machine.h"

#include <cstring>

namespace tessera::sim {

using isa::Buffer;
using isa::Field;
using isa::Instruction;
using isa::Opcode;

Machine::Machine(const isa::HardwareConfig &config, const isa::IsaLayout &layout, std::vector<uint8_t> &dram)
    : config_(config), layout_(layout), dram_(dram), inpEntry_(config.entryBytes(Buffer::inp)),
      wgtEntry_(config.entryBytes(Buffer::wgt)), accLanes_(config.batch * config.block_out),
      uops_(size_t(config.depth(Buffer::uop))), inp_(size_t(config.input_buffer_bytes)),
      wgt_(size_t(config.weight_buffer_bytes)), out_(size_t(config.output_buffer_bytes)),
      acc_(size_t(config.acc_buffer_bytes / 4)) {}

Status Machine::execute(const Instruction &inst, size_t index) {
  ++counters_.instructions[size_t(inst.opcode)];
  switch (inst.opcode) {
  case Opcode::load: return load(inst, index);
  case Opcode::store: return store(inst, index);
  case Opcode::gemm: return gemm(inst, index);
  case Opcode::alu: return alu(inst, index);
  case Opcode::finish: return absl::OkStatus();
  }
  return absl::OkStatus();
}

Status Machine::checkDram(const Instruction &inst, size_t index, int64_t entryBytes) const {
  if (inst[Field::y_size] == 0 || inst[Field::x_size] == 0) return absl::OkStatus();
  uint64_t lastEntry = uint64_t(inst[Field::dram_base]) + uint64_t(inst[Field::y_size] - 1) * uint64_t(inst[Field::x_stride]) +
                       uint64_t(inst[Field::x_size]);
  if (lastEntry * uint64_t(entryBytes) > dram_.size())
    return invalidInput("instruction %d (%s): DRAM access up to byte 0x%x is outside DRAM (0x%x bytes)", index,
                        isa::opcodeName(inst.opcode), lastEntry * uint64_t(entryBytes), dram_.size());
  return absl::OkStatus();
}

void Machine::fillEntry(Buffer buffer, int64_t row, const uint8_t *source) {
  switch (buffer) {
  case Buffer::uop: {
    uops_[size_t(row)] = isa::decodeUop(layout_, isa::loadUopWord(source, layout_.uopBytes()));
    return;
  }
  case Buffer::inp: std::memcpy(inp_.data() + row * inpEntry_, source, size_t(inpEntry_)); return;
  case Buffer::wgt: std::memcpy(wgt_.data() + row * wgtEntry_, source, size_t(wgtEntry_)); return;
  case Buffer::acc:
    std::memcpy(acc_.data() + row * accLanes_, source, size_t(accLanes_) * 4);
    mirrorToOut(row);
    return;
  case Buffer::acc8: {
    int32_t *row32 = acc_.data() + row * accLanes_;
    for (int64_t lane = 0; lane < accLanes_; ++lane) row32[lane] = int8_t(source[lane]);
    mirrorToOut(row);
    return;
  }
  case Buffer::out: return;
  }
}

void Machine::zeroEntry(Buffer buffer, int64_t row) {
  switch (buffer) {
  case Buffer::uop: uops_[size_t(row)] = isa::Uop{}; return;
  case Buffer::inp: std::memset(inp_.data() + row * inpEntry_, 0, size_t(inpEntry_)); return;
  case Buffer::wgt: std::memset(wgt_.data() + row * wgtEntry_, 0, size_t(wgtEntry_)); return;
  case Buffer::acc:
  case Buffer::acc8:
    std::memset(acc_.data() + row * accLanes_, 0, size_t(accLanes_) * 4);
    mirrorToOut(row);
    return;
  case Buffer::out: return;
  }
}

void Machine::mirrorToOut(int64_t row) {
  const int32_t *source = acc_.data() + row * accLanes_;
  int8_t *target = out_.data() + row * accLanes_;
  for (int64_t lane = 0; lane < accLanes_; ++lane) target[lane] = int8_t(uint32_t(source[lane]) & 0xff);
}

Status Machine::load(const Instruction &inst, size_t index) {
  Buffer buffer = inst.buffer();
  if (buffer == Buffer::out) return invalidInput("instruction %d (load): cannot load into the out buffer", index);
  int64_t entry = config_.entryBytes(buffer);
  TS_RETURN_IF_ERROR(checkDram(inst, index, entry));
  int64_t ySize = inst[Field::y_size], xSize = inst[Field::x_size];
  if (ySize == 0 || xSize == 0) return absl::OkStatus();
  int64_t yPad0 = inst[Field::y_pad_0], xPad0 = inst[Field::x_pad_0];
  int64_t rows = yPad0 + ySize + inst[Field::y_pad_1], cols = xPad0 + xSize + inst[Field::x_pad_1];
  int64_t base = inst[Field::sram_base];
  if (base + rows * cols > config_.depth(buffer))
    return invalidInput("instruction %d (load): %s entries [%d, %d) exceed the depth %d", index, isa::bufferName(buffer),
                        base, base + rows * cols, config_.depth(buffer));
  if (observer_) reportLoad(inst, buffer, rows * cols);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      int64_t row = base + r * cols + c;
      bool padding = r < yPad0 || r >= yPad0 + ySize || c < xPad0 || c >= xPad0 + xSize;
      if (padding) {
        zeroEntry(buffer, row);
        continue;
      }
      uint64_t dramEntry = uint64_t(inst[Field::dram_base]) + uint64_t(r - yPad0) * uint64_t(inst[Field::x_stride]) + uint64_t(c - xPad0);
      fillEntry(buffer, row, dram_.data() + dramEntry * uint64_t(entry));
    }
  }
  counters_.bytesLoaded[size_t(buffer)] += uint64_t(ySize * xSize * entry);
  return absl::OkStatus();
}

Status Machine::store(const Instruction &inst, size_t index) {
  int64_t entry = config_.entryBytes(Buffer::out);
  TS_RETURN_IF_ERROR(checkDram(inst, index, entry));
  int64_t ySize = inst[Field::y_size], xSize = inst[Field::x_size];
  if (ySize == 0 || xSize == 0) return absl::OkStatus();
  int64_t base = inst[Field::sram_base];
  if (base + ySize * xSize > config_.depth(Buffer::out))
    return invalidInput("instruction %d (store): out entries [%d, %d) exceed the depth %d", index, base,
                        base + ySize * xSize, config_.depth(Buffer::out));
  if (observer_) reportStore(inst);
  for (int64_t y = 0; y < ySize; ++y) {
    for (int64_t x = 0; x < xSize; ++x) {
      uint64_t dramEntry = uint64_t(inst[Field::dram_base]) + uint64_t(y) * uint64_t(inst[Field::x_stride]) + uint64_t(x);
      std::memcpy(dram_.data() + dramEntry * uint64_t(entry), out_.data() + (base + y * xSize + x) * entry, size_t(entry));
    }
  }
  counters_.bytesStored += uint64_t(ySize * xSize * entry);
  return absl::OkStatus();
}

void Machine::reportLoad(const Instruction &inst, Buffer buffer, int64_t entries) {
  uint64_t entry = uint64_t(config_.entryBytes(buffer));
  for (int64_t y = 0; y < inst[Field::y_size]; ++y) {
    uint64_t start = uint64_t(inst[Field::dram_base]) + uint64_t(y) * uint64_t(inst[Field::x_stride]);
    observer_->dramRead(start * entry, uint64_t(inst[Field::x_size]) * entry);
  }
  if (buffer == Buffer::inp || buffer == Buffer::wgt) observer_->scratchpadWrite(buffer, inst[Field::sram_base], entries);
  if (buffer == Buffer::acc || buffer == Buffer::acc8) observer_->scratchpadWrite(Buffer::out, inst[Field::sram_base], entries);
}

void Machine::reportStore(const Instruction &inst) {
  uint64_t entry = uint64_t(config_.entryBytes(Buffer::out));
  observer_->scratchpadRead(Buffer::out, inst[Field::sram_base], inst[Field::y_size] * inst[Field::x_size]);
  for (int64_t y = 0; y < inst[Field::y_size]; ++y) {
    uint64_t start = uint64_t(inst[Field::dram_base]) + uint64_t(y) * uint64_t(inst[Field::x_stride]);
    observer_->dramWrite(start * entry, uint64_t(inst[Field::x_size]) * entry);
  }
}

} // namespace tessera::sim
