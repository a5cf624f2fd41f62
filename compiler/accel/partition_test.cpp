//===- partition_test.cpp - Regions, their order, and the cost model's moves ----------===//
#include "compiler/accel/partition.h"

#include <gtest/gtest.h>

#include "compiler/graph/parser.h"

namespace tessera::accel {
namespace {

/// Relu, Sin, Relu, Sin on one chain: the accelerator takes Relu only.
constexpr const char *kAlternating = R"(graph @alternating(%x: f32[1,4,8,8]) {
  %a = Relu(%x) : f32[1,4,8,8]
  %b = Sin(%a) : f32[1,4,8,8]
  %c = Relu(%b) : f32[1,4,8,8]
  %d = Sin(%c) : f32[1,4,8,8]
  return %d
}
)";

graph::Graph parse(const char *text) {
  auto graph = graph::parseGraph(text);
  EXPECT_TRUE(graph.ok()) << graph.status();
  return graph.ok() ? *graph : graph::Graph();
}

SupportCheckFactory withoutSin(int *passes = nullptr) {
  return [passes]() -> SupportCheck {
    if (passes) ++*passes;
    return [](const graph::Graph &graph, size_t node) -> Status {
      if (graph.nodes[node].op == "Sin") return invalidInput("no accelerator lowering for Sin");
      return absl::OkStatus();
    };
  };
}

/// An accelerator much faster than the host, with free launches and transfers.
CostModel fastAccelerator() {
  CostModel costs;
  costs.hostElementsPerUs = 1;
  costs.transferBytesPerUs = 1e9;
  costs.launchUs = 0;
  costs.acceleratorUs = [](size_t) { return 0.01; };
  return costs;
}

TEST(Partition, AlternatingOpsGiveAlternatingRegions) {
  graph::Graph graph = parse(kAlternating);
  Partition partition = partitionGraph(graph, withoutSin(), fastAccelerator());
  EXPECT_EQ(partition.region, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(partition.regionCount(), 5);
  EXPECT_EQ(partition.acceleratorRegions(), (std::vector<int>{1, 3}));
  EXPECT_TRUE(partition.onAccelerator(2));
  ASSERT_EQ(partition.hostReasons.size(), 2u);
  EXPECT_EQ(partition.hostReasons.at(1), "no accelerator lowering for Sin");
  EXPECT_EQ(partition.hostReasons.at(3), "no accelerator lowering for Sin");
  EXPECT_EQ(regionName(3), "accelerator region 3");
  EXPECT_EQ(regionName(2), "host region 2");
}

TEST(Partition, TransferBytesCountEachCrossingValueOnce) {
  graph::Graph graph = parse(kAlternating);
  Partition partition = assignRegions(graph, withoutSin()());
  // %x to the accelerator, %a back, %b to it, %c back: four f32[1,4,8,8] values.
  EXPECT_EQ(transferBytes(graph, partition), 4 * 256 * 4);
}

TEST(Partition, ANodeGoesToTheEarliestRegionItsProducersAllow) {
  graph::Graph graph = parse(R"(graph @branches(%x: f32[1,4,8,8]) {
  %h = Sin(%x) : f32[1,4,8,8]
  %a = Relu(%x) : f32[1,4,8,8]
  %s = Add(%h, %a) : f32[1,4,8,8]
  %t = Sin(%s) : f32[1,4,8,8]
  %u = Relu(%a) : f32[1,4,8,8]
  return %t, %u
}
)");
  Partition partition = assignRegions(graph, withoutSin()());
  // %h reads only the input: host region 0. %a too, on the accelerator: region 1. %s reads
  // %h (region 0) and %a (region 1): region 1. %t: host region 2. %u reads only %a: region 1.
  EXPECT_EQ(partition.region, (std::vector<int>{0, 1, 1, 2, 1}));
}

TEST(Partition, HeldNodesGoToTheHostWithTheGivenReason) {
  graph::Graph graph = parse(kAlternating);
  Partition partition = assignRegions(graph, withoutSin()(), {{2, "held"}});
  EXPECT_EQ(partition.region, (std::vector<int>{1, 2, 2, 2}));
  EXPECT_EQ(partition.hostReasons.at(2), "held");
}

TEST(Partition, AnIslandRegionThatCostsMoreThanTheHostMovesThere) {
  graph::Graph graph = parse(kAlternating);
  CostModel costs = fastAccelerator();
  costs.hostElementsPerUs = 1000; // %c on the host: 0.256 us
  costs.launchUs = 50;            // a second accelerator region: 50 us
  int passes = 0;
  Partition partition = partitionGraph(graph, withoutSin(&passes), costs);
  EXPECT_EQ(partition.region, (std::vector<int>{1, 2, 2, 2}));
  EXPECT_EQ(partition.acceleratorRegions(), (std::vector<int>{1}));
  EXPECT_EQ(passes, 2); // the second pass holds %c on the host
  ASSERT_TRUE(partition.hostReasons.count(2));
  EXPECT_NE(partition.hostReasons.at(2).find("the cost model keeps its accelerator region of 1 node on the host"),
            std::string::npos)
      << partition.hostReasons.at(2);
}

TEST(Partition, AnIslandRegionCheaperOnTheAcceleratorStays) {
  graph::Graph graph = parse(kAlternating);
  CostModel costs = fastAccelerator();
  costs.launchUs = 50; // a launch, but %c costs 256 us on the host (1 element per us)
  int passes = 0;
  Partition partition = partitionGraph(graph, withoutSin(&passes), costs);
  EXPECT_EQ(partition.acceleratorRegions(), (std::vector<int>{1, 3}));
  EXPECT_EQ(passes, 1);
}

TEST(Partition, TheRegionWithTheMostWorkNeverMoves) {
  // An accelerator far slower than the host: the island region %c moves, but the first
  // region (the most work; ties go to the earliest) stays, so the model keeps what the
  // accelerator can run.
  graph::Graph graph = parse(kAlternating);
  CostModel costs = fastAccelerator();
  costs.acceleratorUs = [](size_t) { return 1e6; };
  Partition partition = partitionGraph(graph, withoutSin(), costs);
  EXPECT_EQ(partition.region, (std::vector<int>{1, 2, 2, 2}));
}

TEST(Partition, ARegionOfViewsOnlyMovesToTheHost) {
  graph::Graph graph = parse(R"(graph @views(%x: f32[1,4,8,8]) {
  %a = Relu(%x) : f32[1,4,8,8]
  %b = Sin(%a) : f32[1,4,8,8]
  %c = Reshape(%b) {shape = [1, 256]} : f32[1,256]
  %d = Sin(%c) : f32[1,256]
  return %d
}
)");
  CostModel costs = fastAccelerator();
  costs.emitsCode = [&](size_t node) { return graph.nodes[node].op != "Reshape"; };
  Partition partition = partitionGraph(graph, withoutSin(), costs);
  EXPECT_EQ(partition.region, (std::vector<int>{1, 2, 2, 2}));
  EXPECT_EQ(partition.hostReasons.at(2), "its accelerator region holds no layer (views only), so the host runs it");
}

TEST(Partition, HostEstimateCountsMacsAndWrittenElements) {
  graph::Graph graph = parse(kAlternating);
  CostModel costs;
  costs.hostMacsPerUs = 1000, costs.hostElementsPerUs = 256;
  EXPECT_DOUBLE_EQ(hostEstimateUs(graph, graph.nodes[0], costs), 1.0); // 256 elements, no MACs
}

} // namespace
} // namespace tessera::accel
