//===- verifier.h - Structural and type checks of a graph ----------------------===//
//
// A graph is well formed when: every value is defined once (a graph input, a
// constant, or one node result); every use is defined before it (nodes are in a
// topological order, which also proves the graph acyclic); outputs are defined; every
// op is known and its recorded result types agree with its inference rule; constant
// data matches its type; quantization parameters are consistent. The first violation
// is reported with the node and value it concerns.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/graph/graph.h"

namespace tessera::graph {

Status verifyGraph(const Graph &graph);

} // namespace tessera::graph
