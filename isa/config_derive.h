//===- config_derive.h - A consistent hardware config for a GEMM array size ----------===//
//
// `tessera config --derive block=N` writes a config for an N x N GEMM array (batch 1)
// from the default config's values (embedded here; config_derive_test checks they equal
// configs/default.json), scaled by s = N / 16:
//
//   block_in, block_out          N (a power of two in [4, 64])
//   input/acc/output buffers     bytes x s  (entries of N bytes / N int32 lanes: depth kept)
//   weight buffer                bytes x s^2 (entries of N x N bytes: depth kept)
//   uop buffer                   unchanged (micro-ops do not grow with the array)
//   dram_bytes_per_cycle         16 x s, at least 4
//   dram_burst_bytes             256 x s, at least 16
//   gemm_pipeline_depth          log2(N) (4 at N = 16)
//
// Every scratchpad keeps the default's depth, so the instruction and micro-op index
// fields are as wide as the default's at every N and every derived config fits the
// instruction word. configs/large.json (N = 32) equals `--derive block=32` except that its
// weight buffer holds half as many entries (512 KiB, not 1 MiB).
//
// Then `scaleBuffers` multiplies the four data scratchpads (input, weight, acc, output)
// by F in [0.25, 4], each depth rounded to the nearest power of two; the micro-op buffer
// is program storage, not data, and keeps its size. Last, `settings` override any key.
// The result is validated as a loaded config is (parseConfig).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "isa/config.h"

namespace tessera::isa {

struct DeriveOptions {
  int64_t block = 16;
  double scaleBuffers = 1.0;
  /// key=value overrides, applied in order after the rule and the scaling.
  std::vector<std::pair<std::string, std::string>> settings;
  std::string name; ///< empty: "blockN", with "-xF" when scaled
};

/// The values of configs/default.json.
HardwareConfig defaultHardwareConfig();

/// Reads "block=N" (the argument of --derive); the error names the text.
StatusOr<int64_t> parseDeriveSpec(std::string_view spec);
/// Reads "key=value" (the argument of --set); the key is checked when it is applied.
StatusOr<std::pair<std::string, std::string>> parseSetting(std::string_view text);

/// The derived config, validated; errors name the block size, the factor or the key.
StatusOr<HardwareConfig> deriveConfig(const DeriveOptions &options);

} // namespace tessera::isa
