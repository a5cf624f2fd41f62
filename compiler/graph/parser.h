//===- parser.h - The graph IR's text form (reading) ---------------------------===//
//
// Parses the text form written by printGraph (docs/graph-ir.md). Errors carry the
// line and column and say what was expected; the result is not verified (call
// verifyGraph), so tests can feed the verifier malformed graphs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string_view>

#include "compiler/graph/graph.h"

namespace tessera::graph {

StatusOr<Graph> parseGraph(std::string_view text);

} // namespace tessera::graph
