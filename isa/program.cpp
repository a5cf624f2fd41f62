//===- program.cpp - Program helpers and the static verifier -------------------===//
#include "isa/program.h"

#include "support/checked_math.h"
#include "support/limits.h"

namespace tessera::isa {
namespace {

struct Region {
  std::string name;
  uint64_t begin;
  uint64_t end;
  bool mayAlias; ///< scratch, input and output tensors may share DRAM (memory planning)
};

Status checkRegionInDram(const Region &region, uint64_t dramBytes) {
  if (region.end > dramBytes || region.end < region.begin)
    return invalidInput("%s [0x%x, 0x%x) lies outside DRAM (0x%x bytes)", region.name, region.begin,
                        region.end, dramBytes);
  return absl::OkStatus();
}

Status checkTensor(const TensorInfo &tensor) {
  if (tensor.dramOffset % dtypeSize(tensor.dtype) != 0)
    return invalidInput("tensor '%s': DRAM offset 0x%x is not aligned to its %s elements",
                        tensor.name, tensor.dramOffset, dtypeName(tensor.dtype));
  auto bytes = checkedTensorBytes(tensor.shape, tensor.dtype);
  if (!bytes.ok()) return annotate(bytes.status(), strCat("tensor '", tensor.name, "'"));
  if (tensor.dramOffset > kMaxDramBytes)
    return invalidInput("tensor '%s': DRAM offset 0x%x is past the DRAM limit 0x%x", tensor.name,
                        tensor.dramOffset, kMaxDramBytes);
  if (tensor.kind == TensorKind::constant && tensor.data.size() != tensor.byteSize())
    return invalidInput("constant tensor '%s' has %d bytes of data but its shape %s of %s needs %d",
                        tensor.name, tensor.data.size(), shapeToString(tensor.shape),
                        dtypeName(tensor.dtype), tensor.byteSize());
  if (tensor.kind != TensorKind::constant && !tensor.data.empty())
    return invalidInput("tensor '%s' is %s but carries data; only constants do", tensor.name,
                        tensorKindName(tensor.kind));
  return absl::OkStatus();
}

/// Bounds every offset and size first, so the region ends below cannot wrap.
Status checkLimits(const Program &program, const IsaWidths &widths) {
  TS_RETURN_IF_ERROR(checkAtMost(program.dramBytes, kMaxDramBytes, "dram_bytes"));
  TS_RETURN_IF_ERROR(checkAtMost(program.uopOffset, kMaxDramBytes, "the micro-op table offset"));
  TS_RETURN_IF_ERROR(checkAtMost(program.instructionOffset, kMaxDramBytes, "the instruction stream offset"));
  if (program.instructions.size() > kMaxDramBytes / uint64_t(widths.instructionBytes()) ||
      program.uops.size() > kMaxDramBytes / uint64_t(widths.uopBytes()))
    return invalidInput("%d instructions and %d micro-ops do not fit in the DRAM limit", program.instructions.size(),
                        program.uops.size());
  for (const TensorInfo &tensor : program.tensors) TS_RETURN_IF_ERROR(checkTensor(tensor));
  return absl::OkStatus();
}

Status checkMemoryMap(const Program &program, const IsaWidths &widths) {
  TS_RETURN_IF_ERROR(checkLimits(program, widths));
  const uint64_t wordBytes = uint64_t(widths.instructionBytes()), uopBytes = uint64_t(widths.uopBytes());
  std::vector<Region> regions;
  regions.push_back({"instruction stream", program.instructionOffset,
                     program.instructionOffset + program.instructions.size() * wordBytes, false});
  regions.push_back({"micro-op table", program.uopOffset,
                     program.uopOffset + program.uops.size() * uopBytes, false});
  if (program.instructionOffset % wordBytes != 0)
    return invalidInput("instruction stream offset 0x%x is not %d-byte aligned", program.instructionOffset, wordBytes);
  if (program.uopOffset % uopBytes != 0)
    return invalidInput("micro-op table offset 0x%x is not %d-byte aligned", program.uopOffset, uopBytes);
  for (const TensorInfo &tensor : program.tensors) {
    regions.push_back({strCat("tensor '", tensor.name, "'"), tensor.dramOffset,
                       tensor.dramOffset + tensor.byteSize(), tensor.kind != TensorKind::constant});
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    TS_RETURN_IF_ERROR(checkRegionInDram(regions[i], program.dramBytes));
    for (size_t j = 0; j < i; ++j) {
      const Region &a = regions[i], &b = regions[j];
      bool overlap = a.begin < b.end && b.begin < a.end;
      if (overlap && !(a.mayAlias && b.mayAlias))
        return invalidInput("%s [0x%x, 0x%x) overlaps %s [0x%x, 0x%x)", a.name, a.begin, a.end,
                            b.name, b.begin, b.end);
    }
  }
  for (size_t i = 0; i < program.tensors.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (program.tensors[i].name == program.tensors[j].name)
        return invalidInput("tensor '%s' is declared twice", program.tensors[i].name);
    }
  }
  return absl::OkStatus();
}

Status checkTokens(const Instruction &inst, size_t index) {
  Unit unit = unitOf(inst);
  bool usesPrev = inst.popPrev() || inst.pushPrev();
  bool usesNext = inst.popNext() || inst.pushNext();
  if (unit == Unit::load && usesPrev)
    return invalidInput("instruction %d (%s): the load unit has no previous unit (pop_prev/push_prev)",
                        index, opcodeName(inst.opcode));
  if (unit == Unit::store && usesNext)
    return invalidInput("instruction %d (%s): the store unit has no next unit (pop_next/push_next)",
                        index, opcodeName(inst.opcode));
  return absl::OkStatus();
}

/// Checks the scratchpad and DRAM ranges of a LOAD or STORE.
Status checkDma(const Instruction &inst, size_t index, const HardwareConfig &config, uint64_t dramBytes) {
  Buffer buffer = inst.opcode == Opcode::store ? Buffer::out : inst.buffer();
  const char *name = inst.opcode == Opcode::store ? "store" : "load";
  if (inst.opcode == Opcode::load && buffer == Buffer::out)
    return invalidInput("instruction %d (load): cannot load into the out buffer", index);
  int64_t pads = inst[Field::y_pad_0] + inst[Field::y_pad_1] + inst[Field::x_pad_0] + inst[Field::x_pad_1];
  if (buffer == Buffer::uop && pads != 0)
    return invalidInput("instruction %d (load): micro-op loads cannot be padded", index);
  int64_t rows = inst[Field::y_size] + inst[Field::y_pad_0] + inst[Field::y_pad_1];
  int64_t cols = inst[Field::x_size] + inst[Field::x_pad_0] + inst[Field::x_pad_1];
  if (inst[Field::y_size] == 0 || inst[Field::x_size] == 0) rows = cols = 0;
  int64_t sramEnd = inst[Field::sram_base] + rows * cols;
  if (sramEnd > config.depth(buffer))
    return invalidInput("instruction %d (%s): %s entries [%d, %d) exceed the %s depth %d", index, name,
                        bufferName(buffer), inst[Field::sram_base], sramEnd, bufferName(buffer),
                        config.depth(buffer));
  if (rows == 0) return absl::OkStatus();
  uint64_t entry = uint64_t(config.entryBytes(buffer));
  uint64_t lastEntry = uint64_t(inst[Field::dram_base]) +
                       uint64_t(inst[Field::y_size] - 1) * uint64_t(inst[Field::x_stride]) +
                       uint64_t(inst[Field::x_size]);
  if (lastEntry * entry > dramBytes)
    return invalidInput("instruction %d (%s): DRAM bytes up to 0x%x exceed the DRAM size 0x%x "
                        "(dram_base=%d, %d-byte entries)",
                        index, name, lastEntry * entry, dramBytes, inst[Field::dram_base], entry);
  return absl::OkStatus();
}

Status checkUopRange(const Instruction &inst, size_t index, const HardwareConfig &config) {
  int64_t begin = inst[Field::uop_bgn], end = inst[Field::uop_end];
  if (begin > end || end > config.depth(Buffer::uop))
    return invalidInput("instruction %d (%s): micro-op range [%d, %d) is not inside [0, %d]", index,
                        opcodeName(inst.opcode), begin, end, config.depth(Buffer::uop));
  return absl::OkStatus();
}

Status checkInstruction(const Instruction &inst, size_t index, const Program &program,
                        const HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkTokens(inst, index));
  switch (inst.opcode) {
  case Opcode::load:
  case Opcode::store: return checkDma(inst, index, config, program.dramBytes);
  case Opcode::gemm:
  case Opcode::alu: return checkUopRange(inst, index, config);
  case Opcode::finish:
    if (index + 1 != program.instructions.size())
      return invalidInput("instruction %d: finish must be the last instruction (%d follow)", index,
                          program.instructions.size() - index - 1);
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

Status checkSegments(const Program &program) {
  uint64_t previousEnd = 0;
  for (const Segment &segment : program.segments) {
    uint64_t end = uint64_t(segment.firstInstruction) + segment.instructionCount;
    if (segment.firstInstruction < previousEnd || end > program.instructions.size())
      return invalidInput("segment '%s' [%d, %d) overlaps the previous one or runs past the %d "
                          "instructions",
                          segment.name, segment.firstInstruction, end, program.instructions.size());
    previousEnd = end;
  }
  return absl::OkStatus();
}

} // namespace

std::string_view tensorKindName(TensorKind kind) {
  switch (kind) {
  case TensorKind::input: return "input";
  case TensorKind::output: return "output";
  case TensorKind::constant: return "const";
  case TensorKind::scratch: return "scratch";
  }
  return "?";
}

std::optional<TensorKind> tensorKindFromName(std::string_view name) {
  if (name == "input") return TensorKind::input;
  if (name == "output") return TensorKind::output;
  if (name == "const") return TensorKind::constant;
  if (name == "scratch") return TensorKind::scratch;
  return std::nullopt;
}

uint64_t TensorInfo::byteSize() const {
  auto bytes = checkedTensorBytes(shape, dtype);
  return bytes.ok() ? *bytes : UINT64_MAX;
}

const TensorInfo *Program::findTensor(std::string_view name) const {
  for (const TensorInfo &tensor : tensors) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

Status verifyProgram(const Program &program, const HardwareConfig &config) {
  if (program.instructions.empty() || program.instructions.back().opcode != Opcode::finish)
    return invalidInput("the program must end with a finish instruction");
  TS_RETURN_IF_ERROR(checkMemoryMap(program, isaWidthsFor(config)));
  for (size_t i = 0; i < program.instructions.size(); ++i)
    TS_RETURN_IF_ERROR(checkInstruction(program.instructions[i], i, program, config));
  return checkSegments(program);
}

} // namespace tessera::isa
