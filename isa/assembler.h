//===- assembler.h - Text assembly <-> Program -----------------------------------===//
//
// The text form of accelerator programs (docs/isa.md, "Assembly"): directives for the
// GEMM array the program is written for (.geometry, checked against the config) and the
// memory map (.tensor, .data, .uops, .uop, .instructions, .dram_bytes, .segment) and one
// instruction per line as `mnemonic field=value ...`, with field names straight from
// isa.def. dram_base may name a tensor (`A`, `A+32`) or the micro-op table (`uops`),
// resolved in units of the instruction's scratchpad entries.
//
// printAssembly is canonical: assemble(print(p)) == p, and print(assemble(print(p)))
// == print(p).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "isa/program.h"

namespace tessera::isa {

struct AssembleOptions {
  /// A file must say which array it was written for: `.geometry` is then required
  /// (`tessera asm` and `tessera run x.s` set it; programs built in code need not).
  bool requireGeometry = false;
};

/// Assembles `text`; errors read "<sourceName>:<line>: <message>". A `.geometry`
/// directive, when present, must match the config's batch, block_in and block_out.
StatusOr<Program> assemble(std::string_view text, const HardwareConfig &config,
                           std::string_view sourceName = "<input>", const AssembleOptions &options = {});

/// Prints a program as canonical assembly.
std::string printAssembly(const Program &program, const HardwareConfig &config);

/// Prints one instruction (no newline), e.g. "gemm uop_bgn=0 uop_end=1 iter_out=4 ...".
std::string printInstruction(const Instruction &instruction, const IsaLayout &layout);

} // namespace tessera::isa
