//===- counters.h - Work counters every backend reports -----------------------------===//
#pragma once

#include <array>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "isa/isa.h"

namespace tessera::sim {

struct Counters {
  std::array<uint64_t, isa::kBufferCount> bytesLoaded{}; ///< DRAM bytes read, per scratchpad
  uint64_t bytesStored = 0;                              ///< DRAM bytes written by STORE
  uint64_t gemmUops = 0;                                 ///< GEMM micro-op iterations (incl. reset)
  uint64_t gemmMacs = 0;                                 ///< useful multiply-accumulates
  uint64_t aluUops = 0;                                  ///< ALU micro-op iterations (one row each)
  uint64_t aluLutUops = 0;                               ///< of which lut (a table read per lane)
  std::array<uint64_t, isa::kOpcodeCount> instructions{};

  bool operator==(const Counters &) const = default;
  /// {"bytes_loaded": {"uop":..,...}, "bytes_stored", "gemm_uops", "gemm_macs", "alu_uops",
  ///  "alu_lut_uops",
  ///  "instructions": {"load":..,...}}
  nlohmann::json toJson() const;
};

} // namespace tessera::sim
