//===- search_test.cpp - Workload keys, the search's order, measurement in workers -----===//
#include "compiler/tune/search.h"

#include <gtest/gtest.h>

#include "compiler/tune/measure.h"
#include "compiler/tune/workers.h"
#include "isa/test_util.h"

namespace tessera::tune {
namespace {

accel::AccelLayer addLayer(const std::string &name, int64_t channels) {
  accel::EltwiseLayer add{name, accel::EltwiseOp::add, channels, 6, 6, 1, 1, {}};
  return accel::AccelLayer{name, "add", add, false};
}

Workload workloadOf(const accel::AccelLayer &layer, const isa::HardwareConfig &config) {
  auto untuned = accel::chooseMapping(layer, config, accel::MappingSpace{{2}, true});
  EXPECT_TRUE(untuned.ok()) << untuned.status();
  return Workload{workloadKey(layer), layer, {layer.name}, *untuned, accel::estimateCycles(layer, *untuned, config)};
}

TEST(Workload, KeyIsTheShapeNotTheName) {
  EXPECT_EQ(workloadKey(addLayer("a", 32)), workloadKey(addLayer("b", 32)));
  EXPECT_NE(workloadKey(addLayer("a", 32)), workloadKey(addLayer("a", 48)));
  EXPECT_EQ(workloadKey(addLayer("a", 32)), "add c=32 h=6 w=6 ma=1 mb=1 requant=none clip=0 host=0");
}

TEST(WorkloadSearch, AnalyticalChoicesFirstThenExhaustive) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  Workload workload = workloadOf(addLayer("add", 32), config);
  auto search = WorkloadSearch::create(workload, config, /*seed=*/1);
  ASSERT_TRUE(search.ok()) << search.status();
  auto model = makeCostModel("analytical", config, 1, 0);
  ASSERT_TRUE(model.ok());
  auto first = search->nextBatch(1, 100, **model);
  ASSERT_TRUE(first.ok() && first->size() == 1);
  EXPECT_EQ(accel::printMapping((*first)[0]), accel::printMapping(workload.untuned));
  for (const accel::Mapping &mapping : search->unpricedFirsts()) search->markPriced(mapping);
  search->markPriced((*first)[0]);
  size_t left = search->unpriced();
  auto rest = search->nextBatch(left, left, **model); // the budget covers the space: all of it
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), left);
  for (const accel::Mapping &mapping : *rest) search->markPriced(mapping);
  EXPECT_EQ(search->unpriced(), 0u);
  auto none = search->nextBatch(8, 8, **model);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Measure, DeterministicInWorkersAndAlone) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  accel::AccelLayer layer = addLayer("add", 32);
  auto space = accel::legalMappings(layer, config);
  ASSERT_TRUE(space.ok()) << space.status();
  std::vector<accel::Mapping> some(space->begin(), space->begin() + std::min<size_t>(4, space->size()));
  std::vector<MeasureJob> jobs;
  for (const accel::Mapping &mapping : some) jobs.push_back(MeasureJob{&layer, mapping});
  std::vector<StatusOr<double>> one = measureInWorkers(jobs, config, 1), two = measureInWorkers(jobs, config, 2);
  for (size_t i = 0; i < some.size(); ++i) {
    ASSERT_TRUE(one[i].ok() && two[i].ok()) << one[i].status() << two[i].status();
    EXPECT_EQ(*one[i], *two[i]) << accel::printMapping(some[i]);
    EXPECT_GT(*one[i], 0);
  }
}

TEST(Measure, IllegalMappingIsAnErrorNamingTheLayer) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto cycles = measureLayer(addLayer("add", 32), accel::GlobalPoolTiling{1, 1}, config);
  ASSERT_FALSE(cycles.ok());
  EXPECT_NE(cycles.status().message().find("layer 'add'"), std::string::npos) << cycles.status();
}

} // namespace
} // namespace tessera::tune
