//===- program_builder.cpp - Program emission and placement ---------------------------===//
#include "compiler/accel/program_builder.h"

#include <algorithm>
#include <cassert>

namespace tessera::accel {

using isa::Buffer;
using isa::Field;
using isa::Instruction;

namespace {

uint64_t alignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

} // namespace

uint64_t tensorAlignment(const isa::HardwareConfig &config) {
  int64_t alignment = 64;
  for (Buffer buffer : {Buffer::inp, Buffer::wgt, Buffer::acc, Buffer::out})
    alignment = std::max(alignment, config.entryBytes(buffer));
  return uint64_t(alignment);
}

ProgramBuilder::ProgramBuilder(const isa::HardwareConfig &config) : config_(config) {}

uint64_t ProgramBuilder::addTensor(const std::string &name, isa::TensorKind kind, const Tensor &value) {
  uint64_t offset = addTensor(name, kind, value.dtype(), value.shape());
  program_.tensors.back().data.assign(value.storage().begin(), value.storage().end());
  return offset;
}

uint64_t ProgramBuilder::addTensor(const std::string &name, isa::TensorKind kind, DType dtype, const Shape &shape) {
  isa::TensorInfo tensor;
  tensor.name = name;
  tensor.kind = kind;
  tensor.dtype = dtype;
  tensor.shape = shape;
  tensor.dramOffset = alignUp(dramEnd_, tensorAlignment(config_));
  dramEnd_ = tensor.dramOffset + tensor.byteSize();
  program_.tensors.push_back(std::move(tensor));
  return program_.tensors.back().dramOffset;
}

uint64_t ProgramBuilder::reserveArena(uint64_t bytes) {
  uint64_t base = alignUp(dramEnd_, tensorAlignment(config_));
  dramEnd_ = base + bytes;
  return base;
}

void ProgramBuilder::addTensorAt(const std::string &name, isa::TensorKind kind, DType dtype, const Shape &shape,
                                 uint64_t offset) {
  assert(offset % tensorAlignment(config_) == 0 && "tensor not aligned");
  isa::TensorInfo tensor;
  tensor.name = name;
  tensor.kind = kind;
  tensor.dtype = dtype;
  tensor.shape = shape;
  tensor.dramOffset = offset;
  assert(offset + tensor.byteSize() <= dramEnd_ && "tensor outside the reserved DRAM");
  program_.tensors.push_back(std::move(tensor));
}

int64_t ProgramBuilder::entryAddress(const std::string &name, Buffer buffer) const {
  const isa::TensorInfo *tensor = program_.findTensor(name);
  assert(tensor && "entryAddress of an unknown tensor");
  assert(tensor->dramOffset % uint64_t(config_.entryBytes(buffer)) == 0 && "tensor not aligned to the entry");
  return int64_t(tensor->dramOffset / uint64_t(config_.entryBytes(buffer)));
}

uint32_t ProgramBuilder::addUop(const isa::Uop &uop) {
  program_.uops.push_back(uop);
  return uint32_t(program_.uops.size() - 1);
}

size_t ProgramBuilder::emitUopLoad(uint32_t first, uint32_t count, int64_t sramBase) {
  uopLoads_.push_back(program_.instructions.size());
  return emit(makeLoad(Buffer::uop, sramBase, first, 1, count, count));
}

size_t ProgramBuilder::emit(const Instruction &instruction) {
  program_.instructions.push_back(instruction);
  return program_.instructions.size() - 1;
}

void ProgramBuilder::beginSegment(const std::string &name, const std::string &op) {
  endSegment();
  openSegment_ = isa::Segment{name, op, uint32_t(program_.instructions.size()), 0};
}

void ProgramBuilder::endSegment() {
  if (!openSegment_) return;
  openSegment_->instructionCount = uint32_t(program_.instructions.size()) - openSegment_->firstInstruction;
  program_.segments.push_back(*openSegment_);
  openSegment_.reset();
}

StatusOr<isa::Program> ProgramBuilder::finish(bool popStore) {
  endSegment();
  Instruction finish = isa::makeInstruction(isa::Opcode::finish);
  finish[Field::pop_next] = popStore ? 1 : 0;
  emit(finish);
  program_.uopOffset = alignUp(dramEnd_, 64);
  const isa::IsaWidths widths = isa::isaWidthsFor(config_);
  for (size_t index : uopLoads_)
    program_.instructions[index][Field::dram_base] += int64_t(program_.uopOffset / uint64_t(widths.uopBytes()));
  program_.instructionOffset = alignUp(program_.uopOffset + program_.uops.size() * uint64_t(widths.uopBytes()), 64);
  program_.dramBytes =
      alignUp(program_.instructionOffset + program_.instructions.size() * uint64_t(widths.instructionBytes()), 4096);
  TS_RETURN_IF_ERROR(isa::verifyProgram(program_, config_));
  return program_;
}

namespace {

/// A LOAD or STORE with its 2-D transfer shape.
Instruction makeDma(isa::Opcode opcode, int64_t sramBase, int64_t dramBase, int64_t ySize, int64_t xSize, int64_t xStride) {
  Instruction inst = isa::makeInstruction(opcode);
  inst[Field::sram_base] = sramBase;
  inst[Field::dram_base] = dramBase;
  inst[Field::y_size] = ySize;
  inst[Field::x_size] = xSize;
  inst[Field::x_stride] = xStride;
  return inst;
}

} // namespace

Instruction makeLoad(Buffer buffer, int64_t sramBase, int64_t dramBase, int64_t ySize, int64_t xSize, int64_t xStride) {
  Instruction inst = makeDma(isa::Opcode::load, sramBase, dramBase, ySize, xSize, xStride);
  inst[Field::buffer] = int64_t(buffer);
  return inst;
}

Instruction makeStore(int64_t sramBase, int64_t dramBase, int64_t ySize, int64_t xSize, int64_t xStride) {
  return makeDma(isa::Opcode::store, sramBase, dramBase, ySize, xSize, xStride);
}

namespace {
void setLoops(Instruction &inst, uint32_t uopBegin, uint32_t uopEnd, const LoopNest &loops) {
  inst[Field::uop_bgn] = uopBegin;
  inst[Field::uop_end] = uopEnd;
  inst[Field::iter_out] = loops.iterOut;
  inst[Field::iter_in] = loops.iterIn;
  inst[Field::dst_factor_out] = loops.dstOut;
  inst[Field::dst_factor_in] = loops.dstIn;
  inst[Field::src_factor_out] = loops.srcOut;
  inst[Field::src_factor_in] = loops.srcIn;
}
} // namespace

Instruction makeGemm(uint32_t uopBegin, uint32_t uopEnd, const LoopNest &loops, bool reset) {
  Instruction inst = isa::makeInstruction(isa::Opcode::gemm);
  setLoops(inst, uopBegin, uopEnd, loops);
  inst[Field::wgt_factor_out] = loops.wgtOut;
  inst[Field::wgt_factor_in] = loops.wgtIn;
  inst[Field::reset] = reset ? 1 : 0;
  return inst;
}

Instruction makeAlu(isa::AluOp op, uint32_t uopBegin, uint32_t uopEnd, const LoopNest &loops,
                    std::optional<int32_t> immediate) {
  Instruction inst = isa::makeInstruction(isa::Opcode::alu);
  setLoops(inst, uopBegin, uopEnd, loops);
  inst[Field::alu_op] = int64_t(op);
  inst[Field::use_imm] = immediate ? 1 : 0;
  inst[Field::imm] = immediate.value_or(0);
  return inst;
}

} // namespace tessera::accel
