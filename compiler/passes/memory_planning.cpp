//===- memory_planning.cpp - Static buffer assignment for intermediate values -===//
#include "compiler/passes/memory_planning.h"

#include <algorithm>

#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// Bytes of a statically shaped value, or -1.
int64_t staticBytes(const Graph &graph, const std::string &name) {
  const graph::TensorType &type = graph.typeOf(name);
  if (!type.isStatic()) return -1;
  return type.elementCount() * static_cast<int64_t>(dtypeSize(type.dtype));
}

/// Inputs whose buffer the node's first result may overwrite.
std::vector<std::string> inPlaceCandidates(const Node &node) {
  if (isFloatMathUnary(node.op)) return {node.input(0)};
  if (isFloatMathBinary(node.op)) return node.inputs;
  return {};
}

/// Interval overlap of two lifetimes.
bool overlapsInTime(const BufferRequest &a, const BufferRequest &b) {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

int64_t alignUp(int64_t value, int64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

void computeLifetimes(const Graph &graph, MemoryPlan &plan) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string &input : graph.nodes[i].inputs) {
      auto it = plan.buffers.find(input);
      if (it != plan.buffers.end()) it->second.lastUse = i;
    }
    for (const std::string &output : graph.nodes[i].outputs) {
      if (output.empty() || graph.isGraphOutput(output)) continue;
      int64_t bytes = staticBytes(graph, output);
      if (bytes < 0) {
        ++plan.unplanned;
        continue;
      }
      plan.buffers[output] = {0, bytes, i, i, ""};
      plan.naiveBytes += bytes;
    }
  }
}

/// Marks results that overwrite an input dying at their producer.
void assignInPlace(const Graph &graph, MemoryPlan &plan) {
  std::map<std::string, bool> taken;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node &node = graph.nodes[i];
    if (node.outputs.empty() || !plan.buffers.count(node.outputs[0])) continue;
    BufferAssignment &result = plan.buffers[node.outputs[0]];
    for (const std::string &input : inPlaceCandidates(node)) {
      auto it = plan.buffers.find(input);
      if (it == plan.buffers.end() || it->second.lastUse != i || taken[input] || it->second.bytes != result.bytes) continue;
      if (graph.typeOf(input).dtype != graph.typeOf(node.outputs[0]).dtype) continue;
      result.sharesWith = input;
      taken[input] = true;
      ++plan.inPlace;
      break;
    }
  }
}

/// The root buffer of a chain of in-place shares, with its lifetime extended.
std::string rootOf(const MemoryPlan &plan, std::string name) {
  while (!plan.buffers.at(name).sharesWith.empty()) name = plan.buffers.at(name).sharesWith;
  return name;
}

void placeRoots(MemoryPlan &plan) {
  // Merge in-place chains into their roots' lifetimes.
  for (auto &[name, buffer] : plan.buffers) {
    if (buffer.sharesWith.empty()) continue;
    BufferAssignment &root = plan.buffers[rootOf(plan, name)];
    root.lastUse = std::max(root.lastUse, buffer.lastUse);
  }
  std::vector<std::string> roots;
  std::vector<BufferRequest> requests;
  for (const auto &[name, buffer] : plan.buffers)
    if (buffer.sharesWith.empty()) {
      roots.push_back(name);
      requests.push_back({buffer.bytes, buffer.firstUse, buffer.lastUse});
    }
  std::vector<int64_t> offsets = placeBuffers(requests, 1, plan.peakBytes);
  for (size_t i = 0; i < roots.size(); ++i) plan.buffers[roots[i]].offset = offsets[i];
  for (auto &[name, buffer] : plan.buffers)
    if (!buffer.sharesWith.empty()) buffer.offset = plan.buffers[rootOf(plan, name)].offset;
}

} // namespace

MemoryPlan planMemory(const graph::Graph &graph) {
  MemoryPlan plan;
  computeLifetimes(graph, plan);
  assignInPlace(graph, plan);
  placeRoots(plan);
  return plan;
}

std::vector<int64_t> placeBuffers(const std::vector<BufferRequest> &requests, int64_t alignment, int64_t &peakBytes) {
  std::vector<size_t> order(requests.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return requests[a].bytes > requests[b].bytes; });
  std::vector<int64_t> offsets(requests.size(), 0);
  std::vector<size_t> placed;
  peakBytes = 0;
  for (size_t index : order) {
    const BufferRequest &buffer = requests[index];
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed)
      if (overlapsInTime(buffer, requests[other])) busy.push_back({offsets[other], requests[other].bytes});
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (const auto &[start, size] : busy) {
      if (offset + buffer.bytes <= start) break;
      offset = std::max(offset, alignUp(start + size, alignment));
    }
    offsets[index] = offset;
    peakBytes = std::max(peakBytes, offset + buffer.bytes);
    placed.push_back(index);
  }
  return offsets;
}

StatusOr<bool> runMemoryPlanning(graph::Graph &graph, PassContext &context) {
  MemoryPlan plan = planMemory(graph);
  context.count("buffers", plan.buffers.size());
  context.count("in-place", plan.inPlace);
  context.count("peak-bytes", plan.peakBytes);
  context.count("naive-bytes", plan.naiveBytes);
  if (plan.unplanned) context.count("unplanned-dynamic", plan.unplanned);
  double saved = plan.naiveBytes ? 100.0 * (plan.naiveBytes - plan.peakBytes) / plan.naiveBytes : 0;
  context.notes.push_back(absl::StrFormat("memory plan: peak %d bytes vs naive %d bytes (%.1f%% saved), %d of %d buffers in place",
                                          plan.peakBytes, plan.naiveBytes, saved, plan.inPlace, plan.buffers.size()));
  return false;
}

} // namespace tessera::passes
