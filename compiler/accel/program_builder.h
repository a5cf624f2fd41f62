//===- program_builder.h - Emits an accelerator program instruction by instruction ----===//
//
// The back end's lowering writes through this: it allocates DRAM tensors (aligned for
// every scratchpad's entry size), appends micro-ops to the table, emits instructions
// with their fields and token flags, and groups them into segments (one per layer).
// Micro-op LOADs address the table relatively; finish() places the table, patches them,
// appends FINISH and runs the program verifier.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isa/program.h"

namespace tessera::accel {

/// The boundary every DRAM tensor starts on: one that suits all entry sizes.
uint64_t tensorAlignment(const isa::HardwareConfig &config);

class ProgramBuilder {
public:
  explicit ProgramBuilder(const isa::HardwareConfig &config);

  const isa::HardwareConfig &config() const { return config_; }

  /// Adds a DRAM tensor; `data` only for constants. Returns its byte offset.
  uint64_t addTensor(const std::string &name, isa::TensorKind kind, const Tensor &value);
  uint64_t addTensor(const std::string &name, isa::TensorKind kind, DType dtype, const Shape &shape);
  /// Reserves `bytes` of DRAM for tensors placed by the caller (addTensorAt); returns
  /// the region's first byte, aligned like every tensor.
  uint64_t reserveArena(uint64_t bytes);
  /// Adds a DRAM tensor at byte `offset`, inside a reserved region. Non-constant tensors
  /// may share DRAM when their lifetimes do not overlap (the program verifier allows it).
  void addTensorAt(const std::string &name, isa::TensorKind kind, DType dtype, const Shape &shape, uint64_t offset);
  /// The tensor named `name`, or null.
  const isa::TensorInfo *findTensor(const std::string &name) const { return program_.findTensor(name); }
  /// DRAM address of tensor `name` in entries of `buffer` (for dram_base).
  int64_t entryAddress(const std::string &name, isa::Buffer buffer) const;

  /// Appends a micro-op; returns its index in the table.
  uint32_t addUop(const isa::Uop &uop);
  uint32_t uopCount() const { return uint32_t(program_.uops.size()); }
  /// Emits LOAD uop of table entries [first, first + count) to uop scratchpad row `sramBase`.
  size_t emitUopLoad(uint32_t first, uint32_t count, int64_t sramBase);

  /// Appends an instruction; returns its index.
  size_t emit(const isa::Instruction &instruction);
  isa::Instruction &instruction(size_t index) { return program_.instructions[index]; }
  size_t instructionCount() const { return program_.instructions.size(); }

  void beginSegment(const std::string &name, const std::string &op);
  void endSegment();
  size_t segmentCount() const { return program_.segments.size(); }
  /// Sets the op of segments [first, end) (the model compiler names what a layer is: a
  /// fully connected layer emitted as a convolution reports op "gemm").
  void relabelSegments(size_t first, const std::string &op) {
    endSegment();
    for (size_t i = first; i < program_.segments.size(); ++i) program_.segments[i].op = op;
  }

  /// Appends FINISH (popping a token from store when `popStore`), places the micro-op
  /// table and verifies the program.
  StatusOr<isa::Program> finish(bool popStore);

private:
  const isa::HardwareConfig &config_;
  isa::Program program_;
  std::vector<size_t> uopLoads_; ///< instructions whose dram_base is table-relative
  uint64_t dramEnd_ = 0;
  std::optional<isa::Segment> openSegment_;
};

/// Instruction constructors with every field named.
isa::Instruction makeLoad(isa::Buffer buffer, int64_t sramBase, int64_t dramBase, int64_t ySize, int64_t xSize,
                          int64_t xStride);
isa::Instruction makeStore(int64_t sramBase, int64_t dramBase, int64_t ySize, int64_t xSize, int64_t xStride);

/// The two hardware loops and the index factors of a GEMM or ALU instruction.
struct LoopNest {
  int64_t iterOut = 1, iterIn = 1;
  int64_t dstOut = 0, dstIn = 0, srcOut = 0, srcIn = 0, wgtOut = 0, wgtIn = 0;
};
isa::Instruction makeGemm(uint32_t uopBegin, uint32_t uopEnd, const LoopNest &loops, bool reset);
isa::Instruction makeAlu(isa::AluOp op, uint32_t uopBegin, uint32_t uopEnd, const LoopNest &loops,
                         std::optional<int32_t> immediate);

} // namespace tessera::accel
