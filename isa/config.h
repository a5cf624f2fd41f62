//===- config.h - The hardware configuration of one accelerator instance -----===//
//
// One JSON file (configs/*.json) describes an accelerator instance; the compiler, the
// golden executor, the SystemC model and the RTL all read it, and every report echoes it
// with its hash. Every key is required and unknown keys are rejected, so a config is
// never silently ignored. docs/config.md describes each key.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "isa/isa.h"
#include "support/status.h"

namespace tessera::isa {

/// Each key: C++ member, JSON type (int or number), summary. Listed once; the parser,
/// the printer and docs/config.md come from this list.
#define TESSERA_FOR_EACH_CONFIG_KEY(X)                                                        \
  X(batch, int64_t, "rows of the GEMM tile (BATCH)")                                          \
  X(block_in, int64_t, "reduction width of the GEMM tile (BLOCK_IN)")                         \
  X(block_out, int64_t, "output width of the GEMM tile (BLOCK_OUT)")                          \
  X(input_bits, int64_t, "bits per input activation (8)")                                     \
  X(weight_bits, int64_t, "bits per weight (8)")                                              \
  X(acc_bits, int64_t, "bits per accumulator lane (32)")                                      \
  X(uop_buffer_bytes, int64_t, "micro-op scratchpad size in bytes")                           \
  X(input_buffer_bytes, int64_t, "input scratchpad size in bytes")                            \
  X(weight_buffer_bytes, int64_t, "weight scratchpad size in bytes")                          \
  X(acc_buffer_bytes, int64_t, "accumulator scratchpad size in bytes")                        \
  X(output_buffer_bytes, int64_t, "output scratchpad size in bytes (same depth as acc)")      \
  X(token_queue_depth, int64_t, "capacity of each of the four dependency-token queues")       \
  X(instruction_queue_depth, int64_t, "capacity of each unit's instruction queue")            \
  X(dram_latency_cycles, int64_t, "cycles from a DRAM request to its first data beat")        \
  X(dram_bytes_per_cycle, int64_t, "DRAM data bytes transferred per cycle")                   \
  X(dram_burst_bytes, int64_t, "largest DRAM request the DMA engine issues, in bytes")        \
  X(clock_mhz, double, "accelerator clock frequency in MHz")                                  \
  X(gemm_pipeline_depth, int64_t, "GEMM pipeline stages (fill latency in cycles)")            \
  X(alu_pipeline_depth, int64_t, "ALU pipeline stages (fill latency in cycles)")              \
  X(alu_read_ports, int64_t, "ALU accumulator read ports (1 or 2: a register operand row takes 2 or 1 cycles)")

struct HardwareConfig {
  std::string name = "unnamed";
#define TESSERA_CONFIG_MEMBER(key, type, summary) type key = 0;
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_MEMBER)
#undef TESSERA_CONFIG_MEMBER

  /// Bytes of one entry of `buffer` (e.g. inp: batch * block_in); for acc8 the int8 DRAM
  /// entry (batch * block_out), whose rows are the acc rows.
  int64_t entryBytes(Buffer buffer) const;
  /// Entries of `buffer` (its bytes / entry bytes).
  int64_t depth(Buffer buffer) const;
  /// log2(depth(buffer)).
  int logDepth(Buffer buffer) const;
  /// Multiply-accumulates the GEMM core does per micro-op iteration.
  int64_t macsPerCycle() const { return batch * block_in * block_out; }
  /// Cycles per micro-op iteration (row) of an ALU instruction: 1 with an immediate or
  /// with two accumulator read ports, 2 with a register operand and one read port (its
  /// acc[src] and acc[dst] reads take turns). docs/microarchitecture.md, section 4.1.
  int64_t aluCyclesPerRow(bool immediate) const { return immediate || alu_read_ports >= 2 ? 1 : 2; }

  /// The canonical JSON object (keys sorted) that the hash is computed over.
  nlohmann::json toJson() const;
  /// FNV-1a of toJson().dump(): stored in binaries, echoed in reports.
  uint64_t hash() const;
};

/// Parses and validates a config object; errors name the key.
StatusOr<HardwareConfig> parseConfig(const nlohmann::json &json);
/// Parses JSON text; JSON syntax errors give the byte offset.
StatusOr<HardwareConfig> parseConfigText(std::string_view text);
/// Reads and validates a config file; the error is prefixed with the path.
StatusOr<HardwareConfig> loadConfigFile(const std::string &path);

} // namespace tessera::isa
