//===- durations.h - Closed-form durations of compute-unit instructions -----------===//
//
// docs/microarchitecture.md, section 4.1: GEMM n + gemm_pipeline_depth; ALU n (immediate,
// or register operand with alu_read_ports = 2) or 2n (register operand through one read
// port) + alu_pipeline_depth (HardwareConfig::aluCyclesPerRow); empty loops, FINISH and
// empty DMA transfers one cycle. DMA durations depend on the DRAM channel (dram_model.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "isa/config.h"
#include "isa/instruction.h"

namespace tessera::timing {

/// Micro-op iterations of a GEMM or ALU: iter_out * iter_in * (uop_end - uop_bgn), or 0.
uint64_t loopIterations(const isa::Instruction &instruction);

/// Cycles a GEMM, ALU or FINISH occupies the compute unit, or a LOAD/STORE that moves no
/// data occupies its unit. Not defined for LOAD/STORE that move data.
uint64_t fixedDuration(const isa::Instruction &instruction, const isa::HardwareConfig &config);

/// Useful multiply-accumulates of an instruction (non-reset GEMM only).
uint64_t usefulMacs(const isa::Instruction &instruction, const isa::HardwareConfig &config);

} // namespace tessera::timing
