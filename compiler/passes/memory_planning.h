//===- memory_planning.h - Static buffer assignment for intermediate values ---===//
//
// Every intermediate value (a node result that is not a graph output) gets an offset
// in one arena. A value is live from its producer to its last user. An op that may
// write its result over an input (unary elementwise ops, binary elementwise ops with
// an operand of the result's type) reuses that input's buffer when the input dies there ("in place");
// otherwise buffers are placed greedily, largest first, at the lowest offset free for
// their whole lifetime (the TFLite arena planner's strategy; placeBuffers). The pass
// leaves the graph unchanged and reports the arena's peak against the naive sum of all
// sizes; the accelerator back end places its DRAM activations with placeBuffers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <vector>

#include "compiler/passes/pass.h"

namespace tessera::passes {

struct BufferAssignment {
  int64_t offset = 0;
  int64_t bytes = 0;
  size_t firstUse = 0, lastUse = 0;
  /// The value whose buffer this one shares in place, or "".
  std::string sharesWith;
};

struct MemoryPlan {
  std::map<std::string, BufferAssignment> buffers;
  int64_t peakBytes = 0;
  int64_t naiveBytes = 0;
  int64_t inPlace = 0;
  /// Values left out because their size is not static.
  int64_t unplanned = 0;
};

/// Plans the intermediate values of `graph`.
MemoryPlan planMemory(const graph::Graph &graph);

/// One buffer for placeBuffers: its size and the steps [firstUse, lastUse] it is live.
struct BufferRequest {
  int64_t bytes = 0;
  size_t firstUse = 0, lastUse = 0;
};

/// The arena placement planMemory uses, for any buffers with lifetimes (the accelerator
/// back end places its DRAM activations with it): largest first, each at the lowest
/// `alignment`-aligned offset free over its whole lifetime. Returns the offsets in
/// request order and sets `peakBytes` to the arena's size.
std::vector<int64_t> placeBuffers(const std::vector<BufferRequest> &requests, int64_t alignment, int64_t &peakBytes);

StatusOr<bool> runMemoryPlanning(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
