//===- topo_sort.h - Ordering nodes by their data dependences ------------------===//
//
// Sorts a graph's nodes topologically with Boost.Graph (a DFS-based topological_sort
// over the node dependence graph), so importers and passes may append nodes in any
// order. A cycle is reported as an error naming one node on it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/graph/graph.h"

namespace tessera::graph {

/// Reorders `graph.nodes` so every value is defined before its uses. Stable for
/// graphs already in order.
Status sortTopologically(Graph &graph);

} // namespace tessera::graph
