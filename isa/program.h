//===- program.h - An accelerator program: what a .tsb binary holds ------------===//
//
// Instructions, the micro-op table, the DRAM memory map (named tensors with shape,
// dtype, quantization and byte offset; constants carry their bytes) and segments
// (one per layer, used by reports). The assembler builds one, the binary writer
// serializes it, the loader reads it back, the backends run it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "isa/config.h"
#include "isa/instruction.h"
#include "support/tensor.h"

namespace tessera::isa {

enum class TensorKind : uint8_t { input, output, constant, scratch };
std::string_view tensorKindName(TensorKind kind);
std::optional<TensorKind> tensorKindFromName(std::string_view name);

/// A named tensor in DRAM.
struct TensorInfo {
  std::string name;
  TensorKind kind = TensorKind::scratch;
  DType dtype = DType::I8;
  Shape shape;
  uint64_t dramOffset = 0;   ///< byte offset in DRAM
  std::optional<float> scale; ///< quantization scale (real = scale * (q - zeroPoint))
  int32_t zeroPoint = 0;
  std::vector<uint8_t> data; ///< constant tensors only: the initial bytes

  /// Bytes of the tensor's elements; UINT64_MAX when the shape has a negative dimension or
  /// more than kMaxTensorElements elements (support/limits.h), which the verifier rejects,
  /// so a size computed from a bad shape never wraps to a small one.
  uint64_t byteSize() const;
};

/// A named range of instructions [firstInstruction, firstInstruction + instructionCount).
struct Segment {
  std::string name;
  std::string op;
  uint32_t firstInstruction = 0;
  uint32_t instructionCount = 0;
};

struct Program {
  std::vector<Instruction> instructions;
  std::vector<Uop> uops;
  std::vector<TensorInfo> tensors;
  std::vector<Segment> segments;
  uint64_t dramBytes = 0;         ///< DRAM size the program needs
  uint64_t instructionOffset = 0; ///< byte offset of the instruction stream in DRAM
  uint64_t uopOffset = 0;         ///< byte offset of the micro-op table in DRAM
  /// A compiled model's host side (docs/binary-format.md, "host"): a JSON object's text
  /// that the ISA layer carries unread; empty for a plain program.
  std::string host;
  /// A compiled model's host regions as machine code (docs/binary-format.md,
  /// HOST_CODE): shared libraries the host metadata points into, carried unread; empty
  /// when the model has none (or for a plain program).
  std::vector<uint8_t> hostCode;

  const TensorInfo *findTensor(std::string_view name) const;
};

/// Checks a program against a config before it runs: DRAM size and every tensor within
/// the limits of support/limits.h, memory map inside DRAM and
/// non-overlapping, aligned regions, instructions legal for their unit (token
/// directions, buffers), every scratchpad range an instruction can touch in bounds,
/// exactly one FINISH at the end, segments inside the stream. Errors name the
/// instruction index and field, or the tensor.
Status verifyProgram(const Program &program, const HardwareConfig &config);

} // namespace tessera::isa
