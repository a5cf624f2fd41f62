//===- random_program.h - Seeded random instruction streams for cross-checking --------===//
//
// Programs with random DMA shapes, strides and paddings, GEMM/ALU loop nests and token
// patterns, every access in bounds for the given config, tokens balanced in program order
// and a final load/store handshake before FINISH. They are not guaranteed free of
// deadlocks or races: a checker runs the functional executor first and keeps the
// programs it accepts (with races allowed when comparing timing only). Used to compare
// the SystemC model with the cycle reference, and by the RTL co-simulation.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

#include "isa/config.h"

namespace tessera::timing {

/// Assembly text of a random program of about `length` instructions.
std::string randomProgram(const isa::HardwareConfig &config, uint32_t seed, int length = 24);

} // namespace tessera::timing
