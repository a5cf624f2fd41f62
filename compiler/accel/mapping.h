//===- mapping.h - Every decision the emitter takes for one layer, as a value ---------===//
//
// A Mapping says how one accelerator layer is laid onto the hardware: tile sizes, the
// input slot layout, weight slots, virtual threads and first-layer window packing. The
// cost model chooses one per layer (mapping_space.h), a user or a search can override it,
// and it prints and parses as one line of text, e.g.
//
//   conv blocks=4 rows=7 cols=56 in_blocks=4 threads=2 weights=resident input=block window=none
//   eltwise entries=784 threads=2
//   pool blocks=2 rows=14 threads=2
//   global_pool blocks=32 threads=2
//
// A conv tile is `blocks` output-channel blocks x `rows` output rows x `cols` output
// columns, reduced in steps of `in_blocks` input blocks; `weights` is resident, double
// (buffered per channel tile) or stream (loaded with each step); conv_tiling.h.
// Every key of the kind must be given once; the parser names an unknown, missing or
// repeated key and a value out of its range.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "compiler/accel/alu_tiling.h"
#include "compiler/accel/conv_tiling.h"

namespace tessera::accel {

/// A convolution's tiling, and whether the host packs the kernel window into the input
/// channels (layouts.h; only for a first layer whose input the host writes).
struct ConvMapping {
  ConvTiling tiling;
  bool windowPacked = false;
};

/// One alternative per layer kind, in the order of AccelLayer's shapes (accel_layer.h).
using Mapping = std::variant<ConvMapping, EltwiseTiling, PoolTiling, GlobalPoolTiling>;

/// "conv", "eltwise", "pool" or "global_pool".
const char *mappingKindName(const Mapping &mapping);

/// Virtual threads of any mapping.
int64_t mappingThreads(const Mapping &mapping);

std::string printMapping(const Mapping &mapping);
StatusOr<Mapping> parseMapping(std::string_view text);

bool operator==(const ConvMapping &a, const ConvMapping &b);
bool operator==(const EltwiseTiling &a, const EltwiseTiling &b);
bool operator==(const PoolTiling &a, const PoolTiling &b);
bool operator==(const GlobalPoolTiling &a, const GlobalPoolTiling &b);

} // namespace tessera::accel
