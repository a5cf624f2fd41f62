//===- partition.cpp - Placing nodes on the host or the accelerator -------------------===//
#include "compiler/accel/partition.h"

namespace tessera::accel {

std::string_view placementName(Placement placement) {
  switch (placement) {
  case Placement::pre: return "pre";
  case Placement::accel: return "accel";
  case Placement::post: return "post";
  }
  return "?";
}

namespace {

/// The latest phase among the producers of `node`'s inputs (graph inputs and
/// constants count as pre).
Placement latestInputPhase(const graph::Node &node, const std::unordered_map<std::string, size_t> &producers,
                           const std::vector<Placement> &placement) {
  Placement latest = Placement::pre;
  for (const std::string &input : node.inputs) {
    auto producer = producers.find(input);
    if (input.empty() || producer == producers.end()) continue;
    latest = std::max(latest, placement[producer->second]);
  }
  return latest;
}

} // namespace

Partition partitionGraph(const graph::Graph &graph, const SupportCheck &supported) {
  Partition partition;
  partition.placement.assign(graph.nodes.size(), Placement::pre);
  auto producers = graph.producers();
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node &node = graph.nodes[i];
    Placement inputs = latestInputPhase(node, producers, partition.placement);
    if (inputs == Placement::post) {
      partition.placement[i] = Placement::post;
      partition.cpuReasons[i] = "follows a node that runs on the CPU after the accelerator";
      continue;
    }
    Status status = supported(graph, node);
    if (status.ok()) {
      partition.placement[i] = Placement::accel;
      continue;
    }
    partition.placement[i] = inputs == Placement::accel ? Placement::post : Placement::pre;
    partition.cpuReasons[i] = std::string(status.message());
  }
  return partition;
}

} // namespace tessera::accel
