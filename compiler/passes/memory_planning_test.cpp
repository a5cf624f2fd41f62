//===- memory_planning_test.cpp - Static memory planning ----------------------===//
#include "compiler/passes/memory_planning.h"

#include <gtest/gtest.h>

#include "compiler/graph/parser.h"

namespace tessera::passes {
namespace {

// A chain of unary ops runs in place; a branch needs a second buffer.
TEST(MemoryPlanning, SharesInPlaceAndReusesDeadBuffers) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[256]) {
  %a = Exp(%x) : f32[256]
  %b = Relu(%a) : f32[256]
  %c = Neg(%b) : f32[256]
  %d = Sigmoid(%b) : f32[256]
  %e = Add(%c, %d) : f32[256]
  %f = Exp(%e) : f32[256]
  return %f
}
)");
  ASSERT_TRUE(graph.ok()) << graph.status();
  MemoryPlan plan = planMemory(*graph);
  EXPECT_EQ(plan.naiveBytes, 5 * 1024);
  EXPECT_EQ(plan.peakBytes, 2 * 1024);
  EXPECT_EQ(plan.buffers.at("b").sharesWith, "a");
  EXPECT_EQ(plan.buffers.at("e").sharesWith, "c");
  // Values live at the same time never overlap in memory.
  for (const auto &[name, x] : plan.buffers)
    for (const auto &[other, y] : plan.buffers) {
      if (name >= other || x.offset + x.bytes <= y.offset || y.offset + y.bytes <= x.offset) continue;
      bool sameStorage = x.offset == y.offset;
      bool disjointTimes = x.lastUse < y.firstUse || y.lastUse < x.firstUse;
      EXPECT_TRUE(disjointTimes || sameStorage) << name << " and " << other << " overlap";
    }
}

// Values with unknown sizes are reported, not planned.
TEST(MemoryPlanning, SkipsDynamicValues) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[?,4]) {
  %a = Exp(%x) : f32[?,4]
  %y = Neg(%a) : f32[?,4]
  return %y
}
)");
  ASSERT_TRUE(graph.ok());
  MemoryPlan plan = planMemory(*graph);
  EXPECT_EQ(plan.unplanned, 1);
  EXPECT_EQ(plan.peakBytes, 0);
}

} // namespace
} // namespace tessera::passes
