//===- printer.h - The graph IR's text form (writing) --------------------------===//
//
// The text form, documented in docs/graph-ir.md:
//
//   graph @main(%x: f32[1,3,8,8]) {
//     %w = const f32[4,3,3,3] dense<0x0000803F...>
//     %y = Conv(%x, %w, _) {pads = [1, 1, 1, 1]} : f32[1,4,8,8] loc("conv1")
//     return %y
//   }
//
// Constants with at most 16 elements print their elements; larger ones print their
// little-endian bytes in hex so the text round-trips bit-exactly.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "compiler/graph/graph.h"

namespace tessera::graph {

struct PrintOptions {
  /// Print large constants as `dense<...>` with no data (not parseable; for reading).
  bool elideLargeConstants = false;
};

std::string printGraph(const Graph &graph, const PrintOptions &options = {});

/// `%name`, quoted when the name has characters outside [A-Za-z0-9_.$].
std::string printValueName(const std::string &name);
/// `dense<[1.0, 2.0]>` or `dense<0x...>`.
std::string printDense(const Tensor &tensor, bool elideLarge = false);
/// An attribute value as it appears after `name = `.
std::string printAttribute(const Attribute &value);
/// A double-quoted string with escapes.
std::string quoteString(std::string_view text);

} // namespace tessera::graph
