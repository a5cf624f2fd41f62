//===- partition.h - Which nodes of a quantized graph run on the accelerator ----------===//
//
// A model compiled for the accelerator runs in three phases: the host runs the `pre`
// nodes (QuantizeLinear of the inputs, ops that need no accelerator result), the
// accelerator runs the `accel` nodes as one program, and the host runs the `post`
// nodes (DequantizeLinear, Softmax, ...). A node goes to the accelerator when the
// lowering supports it and none of its inputs comes from a post node; a node the
// lowering does not support goes to pre when it needs no accelerator result and to
// post otherwise, and so does everything downstream of a post node. The reason each
// node stays on the CPU is kept for the compile summary.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::accel {

enum class Placement { pre, accel, post };
std::string_view placementName(Placement placement);

struct Partition {
  std::vector<Placement> placement;          ///< one per graph node
  std::map<size_t, std::string> cpuReasons;  ///< node index -> why it runs on the CPU

  bool onAccelerator(size_t node) const { return placement[node] == Placement::accel; }
};

/// OK when the accelerator lowering supports `node`; otherwise says why not.
using SupportCheck = std::function<Status(const graph::Graph &, const graph::Node &)>;

Partition partitionGraph(const graph::Graph &graph, const SupportCheck &supported);

} // namespace tessera::accel
