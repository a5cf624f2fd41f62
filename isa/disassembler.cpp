//===- disassembler.cpp - Program to canonical text assembly ---------------------===//
//
// The canonical form: the memory map first (.dram_bytes, .tensor, .data with 16 values a
// line, .uops, .uop, .instructions), then the instructions, each printing its required
// fields always and its optional fields only when non-zero (1-bit flags bare).
//
//===----------------------------------------------------------------------===//
#include "isa/assembler.h"
#include "isa/text_values.h"
#include "support/hash.h"

namespace tessera::isa {
namespace {

std::string formatOperand(const Instruction &inst, const FieldLayout &field) {
  int64_t value = inst[field.field];
  if (field.field == Field::buffer) return std::string(bufferName(Buffer(value)));
  if (field.field == Field::alu_op) return std::string(aluOpName(AluOp(value)));
  return std::to_string(value);
}

void printTensor(std::string &out, const TensorInfo &tensor) {
  absl::StrAppendFormat(&out, ".tensor %s %s %s %s @0x%x", tensor.name, tensorKindName(tensor.kind),
                        dtypeName(tensor.dtype), shapeToString(tensor.shape), tensor.dramOffset);
  if (tensor.scale) absl::StrAppendFormat(&out, " scale=%.9g", *tensor.scale);
  if (tensor.zeroPoint != 0) strAppend(&out, " zero_point=", tensor.zeroPoint);
  out += "\n";
  size_t elementBytes = dtypeSize(tensor.dtype);
  size_t count = tensor.data.size() / elementBytes;
  for (size_t i = 0; i < count; i += 16) {
    strAppend(&out, ".data ", tensor.name);
    for (size_t j = i; j < std::min(count, i + 16); ++j)
      strAppend(&out, " ", formatValue(tensor.dtype, tensor.data.data() + j * elementBytes));
    out += "\n";
  }
}

void printSegmentMarkers(std::string &out, const Program &program, size_t index) {
  for (const Segment &segment : program.segments) {
    if (segment.instructionCount > 0 && segment.firstInstruction + segment.instructionCount == index) {
      bool nextStartsHere = false;
      for (const Segment &other : program.segments) nextStartsHere |= other.firstInstruction == index && other.instructionCount > 0;
      if (!nextStartsHere) out += ".endsegment\n";
    }
  }
  for (const Segment &segment : program.segments) {
    if (segment.firstInstruction != index) continue;
    strAppend(&out, ".segment ", segment.name, segment.op.empty() ? "" : " op=", segment.op, "\n");
    if (segment.instructionCount == 0) out += ".endsegment\n";
  }
}

} // namespace

std::string printInstruction(const Instruction &inst, const IsaLayout &layout) {
  std::string out(opcodeName(inst.opcode));
  for (const FieldLayout &field : layout.format(inst.opcode).fields) {
    if (field.field == Field::opcode) continue;
    if (field.optional && inst[field.field] == 0) continue;
    if (field.optional && field.width == 1) {
      strAppend(&out, " ", fieldName(field.field));
      continue;
    }
    strAppend(&out, " ", fieldName(field.field), "=", formatOperand(inst, field));
  }
  return out;
}

std::string printAssembly(const Program &program, const HardwareConfig &config) {
  auto layout = IsaLayout::build(config);
  if (!layout.ok()) return strCat("; cannot print: ", layout.status().message(), "\n");
  std::string out = absl::StrFormat("; tessera assembly for config '%s' (hash %s)\n", config.name,
                                    hashToHex(config.hash()));
  absl::StrAppendFormat(&out, ".geometry batch=%d block_in=%d block_out=%d\n", config.batch, config.block_in,
                        config.block_out);
  absl::StrAppendFormat(&out, ".dram_bytes 0x%x\n", program.dramBytes);
  for (const TensorInfo &tensor : program.tensors) printTensor(out, tensor);
  absl::StrAppendFormat(&out, ".uops @0x%x\n", program.uopOffset);
  for (const Uop &uop : program.uops) absl::StrAppendFormat(&out, ".uop dst=%d src=%d wgt=%d\n", uop.dst, uop.src, uop.wgt);
  absl::StrAppendFormat(&out, ".instructions @0x%x\n", program.instructionOffset);
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    printSegmentMarkers(out, program, i);
    strAppend(&out, printInstruction(program.instructions[i], *layout), "\n");
  }
  printSegmentMarkers(out, program, program.instructions.size());
  return out;
}

} // namespace tessera::isa
