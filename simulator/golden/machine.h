//===- machine.h - Architectural state and the semantics of each instruction -------===//
//
// The golden definition of what LOAD, STORE, GEMM and ALU do, bit-exact: the scratchpads
// (uop, inp, wgt, acc and its int8 mirror out), the ALU's lookup table (zero at reset)
// and a reference to DRAM. The functional
// executor sequences instructions through it; the SystemC model calls the same
// execute() at each instruction's completion time, so both share one semantics.
// Every out-of-range scratchpad or DRAM access is an error naming the instruction.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

#include "isa/alu_ops.h"
#include "isa/instruction.h"
#include "isa/layout.h"
#include "simulator/golden/access_observer.h"
#include "simulator/golden/counters.h"

namespace tessera::sim {

class Machine {
public:
  /// `dram` must outlive the machine.
  Machine(const isa::HardwareConfig &config, const isa::IsaLayout &layout, std::vector<uint8_t> &dram);

  /// Executes `instruction` (program index `index`, used in errors). FINISH does nothing.
  Status execute(const isa::Instruction &instruction, size_t index);

  const Counters &counters() const { return counters_; }
  /// Reports cross-unit accesses to `observer` (nullptr: none); it must outlive the runs.
  void setObserver(AccessObserver *observer) { observer_ = observer; }
  const isa::HardwareConfig &config() const { return config_; }

  // Scratchpad rows, for tests and debugging.
  const int8_t *inpRow(int64_t row) const { return inp_.data() + row * inpEntry_; }
  const int8_t *wgtRow(int64_t row) const { return wgt_.data() + row * wgtEntry_; }
  const int32_t *accRow(int64_t row) const { return acc_.data() + row * accLanes_; }
  const int8_t *outRow(int64_t row) const { return out_.data() + row * accLanes_; }
  const isa::Uop &uop(int64_t index) const { return uops_[size_t(index)]; }
  const isa::LutTable &lutTable() const { return lut_; }

private:
  Status load(const isa::Instruction &inst, size_t index);
  Status store(const isa::Instruction &inst, size_t index);
  Status gemm(const isa::Instruction &inst, size_t index);
  Status alu(const isa::Instruction &inst, size_t index);
  /// lutset of one row: the low bytes of `operand` (a row, or the immediate when null).
  void setLutRow(int64_t dst, const int32_t *operand, int32_t imm);
  Status checkDram(const isa::Instruction &inst, size_t index, int64_t entryBytes) const;
  Status checkLoopIndices(const isa::Instruction &inst, size_t index) const;
  /// Copies one DRAM entry into the scratchpad entry `row` of `buffer`.
  void fillEntry(isa::Buffer buffer, int64_t row, const uint8_t *source);
  void zeroEntry(isa::Buffer buffer, int64_t row);
  void mirrorToOut(int64_t row);
  /// Observer reports of a LOAD's DRAM rows and scratchpad block, and of a STORE's.
  void reportLoad(const isa::Instruction &inst, isa::Buffer buffer, int64_t entries);
  void reportStore(const isa::Instruction &inst);
  void reportGemmAccess(int64_t src, int64_t wgt, int64_t dst, bool reset);

  const isa::HardwareConfig &config_;
  const isa::IsaLayout &layout_;
  std::vector<uint8_t> &dram_;
  int64_t inpEntry_, wgtEntry_, accLanes_;
  std::vector<isa::Uop> uops_;
  std::vector<int8_t> inp_, wgt_, out_;
  std::vector<int32_t> acc_;
  isa::LutTable lut_{};
  Counters counters_;
  AccessObserver *observer_ = nullptr;
};

} // namespace tessera::sim
