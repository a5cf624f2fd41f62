//===- partition.cpp - Placing nodes on the host or the accelerator -------------------===//
#include "compiler/accel/partition.h"

#include <algorithm>

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

/// The first post producer of `node`'s inputs (the node has one).
size_t postProducer(const graph::Node &node, const std::unordered_map<std::string, size_t> &producers,
                    const std::vector<Placement> &placement) {
  for (const std::string &input : node.inputs) {
    auto producer = producers.find(input);
    if (!input.empty() && producer != producers.end() && placement[producer->second] == Placement::post)
      return producer->second;
  }
  return placement.size();
}

/// Why a node downstream of a post node runs on the host: it reads `producer`, a post
/// node, whose host region begins at `origin` (a node the accelerator lacks). The node's
/// own support is not asked: the support check lowers what it accepts.
std::string followsHostReason(const graph::Node &producer, const graph::Node &origin) {
  std::string text = strCat("it reads the result of ", producer.describe(),
                            ", which runs on the host after the accelerator (one accelerator region per model");
  if (&producer != &origin) text += strCat("; that host region begins at ", origin.describe());
  return text + ")";
}

} // namespace

Partition partitionGraph(const graph::Graph &graph, const SupportCheck &supported) {
  Partition partition;
  partition.placement.assign(graph.nodes.size(), Placement::pre);
  std::vector<size_t> cause(graph.nodes.size(), graph.nodes.size());
  auto producers = graph.producers();
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node &node = graph.nodes[i];
    Placement inputs = latestInputPhase(node, producers, partition.placement);
    if (inputs == Placement::post) {
      partition.placement[i] = Placement::post;
      size_t producer = postProducer(node, producers, partition.placement);
      cause[i] = cause[producer];
      partition.cpuReasons[i] = followsHostReason(graph.nodes[producer], graph.nodes[cause[i]]);
      continue;
    }
    Status status = supported(graph, node);
    if (status.ok()) {
      partition.placement[i] = Placement::accel;
      continue;
    }
    partition.placement[i] = inputs == Placement::accel ? Placement::post : Placement::pre;
    cause[i] = i;
    partition.cpuReasons[i] = std::string(status.message());
  }
  return partition;
}

} // namespace tessera::accel
