//===- partition.cpp - Alternating host and accelerator regions, cost-aware ----------===//
#include "compiler/accel/partition.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <optional>

#include "compiler/graph/macs.h"

namespace tessera::accel {

int Partition::regionCount() const {
  int highest = 0;
  for (int r : region) highest = std::max(highest, r);
  return highest + 1;
}

std::vector<int> Partition::acceleratorRegions() const {
  std::vector<int> regions;
  for (int r : region)
    if (r % 2 == 1) regions.push_back(r);
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  return regions;
}

std::string regionName(int region) {
  return strCat(region % 2 == 1 ? "accelerator" : "host", " region ", region);
}

namespace {

int64_t valueBytes(const graph::Graph &graph, const std::string &value) {
  const graph::TensorType &type = graph.typeOf(value);
  int64_t elements = 1;
  for (int64_t dim : type.shape) elements *= std::max<int64_t>(dim, 0);
  return elements * int64_t(dtypeSize(type.dtype));
}

/// The earliest region of the given side that is no earlier than any producer's region.
int earliestRegion(const graph::Node &node, const std::unordered_map<std::string, size_t> &producers,
                   const std::vector<int> &region, bool accelerator) {
  int earliest = 0;
  for (const std::string &input : node.inputs) {
    auto producer = producers.find(input);
    if (!input.empty() && producer != producers.end()) earliest = std::max(earliest, region[producer->second]);
  }
  int parity = accelerator ? 1 : 0;
  return earliest % 2 == parity ? earliest : earliest + 1;
}

/// The model's estimated time under `partition`: every node on its side, the transfers
/// and one launch per accelerator region.
double modelCostUs(const graph::Graph &graph, const Partition &partition, const CostModel &costs) {
  double us = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    us += partition.onAccelerator(i) ? costs.acceleratorUs(i) : hostEstimateUs(graph, graph.nodes[i], costs);
  us += double(transferBytes(graph, partition)) / costs.transferBytesPerUs;
  return us + costs.launchUs * double(partition.acceleratorRegions().size());
}

/// The sum of `estimate` over the nodes of `region`.
template <typename Estimate>
double regionSum(const Partition &partition, int region, Estimate estimate) {
  double total = 0;
  for (size_t i = 0; i < partition.region.size(); ++i)
    if (partition.region[i] == region) total += estimate(i);
  return total;
}

/// An accelerator region the cost model moves to the host, with the reason.
struct RegionMove {
  int region = 0;
  std::string reason;
};

/// `partition` with the nodes of `region` on the host (in the region before it).
Partition withRegionOnHost(const Partition &partition, int region) {
  Partition moved = partition;
  for (int &r : moved.region)
    if (r == region) r = region - 1;
  return moved;
}

std::string moveReason(const graph::Graph &graph, const Partition &before, const Partition &after, int region,
                       const CostModel &costs) {
  size_t nodes = std::count(before.region.begin(), before.region.end(), region);
  double accelUs = regionSum(before, region, [&](size_t i) { return costs.acceleratorUs(i); });
  double hostUs = regionSum(before, region, [&](size_t i) { return hostEstimateUs(graph, graph.nodes[i], costs); });
  return absl::StrFormat(
      "the cost model keeps its accelerator region of %d node%s on the host: the model costs %.1f us with the region "
      "on the accelerator (%.1f us of layers, %d bytes of transfers, %.0f us launch) and %.1f us with it on the host "
      "(%.1f us of host ops, %d bytes of transfers)",
      nodes, nodes == 1 ? "" : "s", modelCostUs(graph, before, costs), accelUs, transferBytes(graph, before), costs.launchUs,
      modelCostUs(graph, after, costs), hostUs, transferBytes(graph, after));
}

/// The accelerator region, other than the one with the most host-estimated work, whose
/// move to the host saves the most time; none when no move saves time.
std::optional<RegionMove> cheaperOnHost(const graph::Graph &graph, const Partition &partition, const CostModel &costs) {
  std::vector<int> regions = partition.acceleratorRegions();
  if (regions.size() < 2) return std::nullopt;
  auto work = [&](int region) {
    return regionSum(partition, region, [&](size_t i) { return hostEstimateUs(graph, graph.nodes[i], costs); });
  };
  int anchor = *std::max_element(regions.begin(), regions.end(), [&](int a, int b) { return work(a) < work(b); });
  double current = modelCostUs(graph, partition, costs), bestSaving = 0;
  std::optional<RegionMove> best;
  for (int region : regions) {
    if (region == anchor) continue;
    Partition moved = withRegionOnHost(partition, region);
    double saving = current - modelCostUs(graph, moved, costs);
    if (saving <= bestSaving) continue;
    bestSaving = saving;
    best = RegionMove{region, moveReason(graph, partition, moved, region, costs)};
  }
  return best;
}

/// An accelerator region none of whose nodes runs as instructions.
std::optional<RegionMove> regionWithoutCode(const Partition &partition, const CostModel &costs) {
  if (!costs.emitsCode) return std::nullopt;
  for (int region : partition.acceleratorRegions()) {
    bool emits = false;
    for (size_t i = 0; i < partition.region.size() && !emits; ++i) emits = partition.region[i] == region && costs.emitsCode(i);
    if (!emits) return RegionMove{region, "its accelerator region holds no layer (views only), so the host runs it"};
  }
  return std::nullopt;
}

} // namespace

double hostEstimateUs(const graph::Graph &graph, const graph::Node &node, const CostModel &costs) {
  int64_t elements = 0;
  for (const std::string &output : node.outputs)
    if (!output.empty()) elements += valueBytes(graph, output) / int64_t(dtypeSize(graph.typeOf(output).dtype));
  return double(graph::nodeMacs(graph, node)) / costs.hostMacsPerUs + double(elements) / costs.hostElementsPerUs;
}

int64_t transferBytes(const graph::Graph &graph, const Partition &partition) {
  std::map<std::string, std::pair<bool, bool>> readOn; // value -> (read on the host, read on the accelerator)
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const std::string &input : graph.nodes[i].inputs)
      if (!input.empty() && !graph.constantOf(input))
        (partition.onAccelerator(i) ? readOn[input].second : readOn[input].first) = true;
  for (const std::string &output : graph.outputs) readOn[output].first = true;
  auto producers = graph.producers();
  int64_t bytes = 0;
  for (const auto &[value, sides] : readOn) {
    auto producer = producers.find(value);
    bool onAccelerator = producer != producers.end() && partition.onAccelerator(producer->second);
    if (onAccelerator ? sides.first : sides.second) bytes += valueBytes(graph, value);
  }
  return bytes;
}

Partition assignRegions(const graph::Graph &graph, const SupportCheck &supported, const std::map<size_t, std::string> &held) {
  Partition partition;
  partition.region.assign(graph.nodes.size(), 0);
  auto producers = graph.producers();
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    auto hold = held.find(i);
    Status status = hold == held.end() ? supported(graph, i) : absl::OkStatus();
    bool accelerator = hold == held.end() && status.ok();
    if (hold != held.end()) partition.hostReasons[i] = hold->second;
    else if (!status.ok()) partition.hostReasons[i] = std::string(status.message());
    partition.region[i] = earliestRegion(graph.nodes[i], producers, partition.region, accelerator);
  }
  return partition;
}

Partition partitionGraph(const graph::Graph &graph, const SupportCheckFactory &newCheck, const CostModel &costs) {
  std::map<size_t, std::string> held;
  for (;;) {
    Partition partition = assignRegions(graph, newCheck(), held);
    std::optional<RegionMove> move = regionWithoutCode(partition, costs);
    if (!move) move = cheaperOnHost(graph, partition, costs);
    if (!move) return partition;
    for (size_t i = 0; i < partition.region.size(); ++i)
      if (partition.region[i] == move->region) held[i] = move->reason;
  }
}

} // namespace tessera::accel
