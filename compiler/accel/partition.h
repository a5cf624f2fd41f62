//===- partition.h - Cutting a quantized graph into host and accelerator regions -----===//
//
// A model compiled for the accelerator runs as a sequence of regions that alternate
// between the host and the accelerator: region 0 on the host (QuantizeLinear of the
// inputs, ops that need no accelerator result), region 1 on the accelerator, region 2
// on the host, region 3 on the accelerator, and so on: even regions run on the host,
// odd ones on the accelerator. Nodes are visited in graph (topological) order; a node
// goes to the accelerator when the support check accepts it and to the host otherwise,
// and into the earliest region of its side that is no earlier than the region of any of
// its producers, so every region reads only values of earlier regions or its own.
//
// Each accelerator region costs a launch and the transfers of the tensors crossing its
// boundary. After a pass, the cost model (CostModel) compares, for every accelerator
// region but the costliest, the estimated time of the whole model with that region on
// the accelerator and with its nodes on the host; a region that is cheaper on the host
// (a small region between two host islands) is held there and the graph is partitioned
// again, until no region moves. A region none of whose nodes runs as instructions (only
// views of host values) moves to the host first. The reason each node runs on the host (the support
// check's message, or the cost comparison) is kept for the compile summary.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::accel {

struct Partition {
  std::vector<int> region;                   ///< one per graph node: even on the host, odd on the accelerator
  std::map<size_t, std::string> hostReasons; ///< node index -> why it runs on the host

  bool onAccelerator(size_t node) const { return region[node] % 2 == 1; }
  /// The highest region number + 1 (host region 0 counts even when empty).
  int regionCount() const;
  /// The accelerator regions that hold a node, in order.
  std::vector<int> acceleratorRegions() const;
};

/// "host region 2" or "accelerator region 1".
std::string regionName(int region);

/// OK when the accelerator lowering supports node `node`; otherwise says why not. The
/// check is asked once per node, in graph order, and may rely on the nodes it accepted
/// before (whether a producer runs on the accelerator).
using SupportCheck = std::function<Status(const graph::Graph &, size_t node)>;
/// A support check that starts afresh (each partitioning pass asks for a new one).
using SupportCheckFactory = std::function<SupportCheck()>;

/// The estimates the partitioner weighs; times in microseconds.
struct CostModel {
  double hostMacsPerUs = 1000;     ///< multiply-accumulates per microsecond of one host core
  double hostElementsPerUs = 250;  ///< elements an elementwise host op writes per microsecond
  double transferBytesPerUs = 1000; ///< host <-> accelerator DRAM, with packing (about 1 GB/s)
  double launchUs = 5;             ///< starting one accelerator region and waiting for it
  /// The accelerator's time for a node its support check accepted (0 for views).
  std::function<double(size_t node)> acceleratorUs;
  /// Whether an accepted node runs as instructions (views and in-place Concats do not);
  /// unset: every node does. A region with none moves to the host.
  std::function<bool(size_t node)> emitsCode;
};

/// The cost model's host time for `node`: its MACs and the elements it writes.
double hostEstimateUs(const graph::Graph &graph, const graph::Node &node, const CostModel &costs);

/// Bytes of the values that cross between host and accelerator under `partition`: each
/// value produced on one side and read on the other (graph inputs are produced on the
/// host, graph outputs read there) once.
int64_t transferBytes(const graph::Graph &graph, const Partition &partition);

/// One pass: nodes in `held` go to the host with the given reason, the others as the
/// support check says.
Partition assignRegions(const graph::Graph &graph, const SupportCheck &supported,
                        const std::map<size_t, std::string> &held = {});

/// Passes until the cost model moves no accelerator region to the host.
Partition partitionGraph(const graph::Graph &graph, const SupportCheckFactory &newCheck, const CostModel &costs);

} // namespace tessera::accel
