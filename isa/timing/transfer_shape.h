//===- transfer_shape.h - The DRAM cost of a LOAD, STORE or fetch block -----------===//
//
// docs/microarchitecture.md, section 6: each of the y_size DRAM rows is cut into bursts
// of at most dram_burst_bytes from its first byte; a burst of b bytes takes
// ceil(b / dram_bytes_per_cycle) beats; LOAD padding is written one entry per cycle after
// the last beat. Section 3: a fetch block is one burst of the config's instruction bytes (16 or 32)
// per instruction.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "isa/instruction.h"
#include "isa/timing/dram_model.h"

namespace tessera::timing {

/// True for a LOAD or STORE that moves data (y_size and x_size non-zero).
bool movesData(const isa::Instruction &instruction);

/// Bursts, beats and bytes of `rows` DRAM rows of `rowBytes` bytes each: every row is cut
/// into bursts of at most dram_burst_bytes from its first byte.
TransferShape rowsShape(uint64_t rows, uint64_t rowBytes, const isa::HardwareConfig &config);

/// Bursts, beats and bytes of a LOAD or STORE (zero when it moves nothing).
TransferShape dmaShape(const isa::Instruction &instruction, const isa::HardwareConfig &config);

/// Cycles a DMA of `rows` rows of `rowBytes` bytes, writing `padEntries` padding entries
/// after its data, occupies an idle DRAM channel: dram_latency_cycles + beats + padding
/// (sections 6 and 7). The compiler's cost models price every transfer with this.
uint64_t idleTransferCycles(uint64_t rows, uint64_t rowBytes, uint64_t padEntries, const isa::HardwareConfig &config);

/// Zero entries a LOAD writes after its data (0 for STORE and empty transfers).
uint64_t padEntries(const isa::Instruction &instruction);

/// Instructions per fetch block: max(1, dram_burst_bytes / instruction bytes).
uint64_t fetchBlockInstructions(const isa::HardwareConfig &config);

/// The transfer that fetches `count` instructions (one burst).
TransferShape fetchShape(uint64_t count, const isa::HardwareConfig &config);

} // namespace tessera::timing
