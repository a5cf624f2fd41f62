//===- static_counts_test.cpp - Static counters equal a run's counters --------------===//
#include "simulator/golden/static_counts.h"

#include <gtest/gtest.h>

#include "simulator/golden/functional_executor.h"
#include "simulator/testing/random_program.h"

namespace tessera::testing {
namespace {

isa::HardwareConfig loadConfig(const std::string &name) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

// Random valid programs cover every opcode, every LOAD target, padding, resets and
// empty loops; the counters from the instructions alone equal the functional run's.
TEST(StaticCounters, EqualTheFunctionalRun) {
  RandomProgramOptions options;
  options.useAcc8 = true;
  for (const char *name : {"small", "default", "large", "block8"}) {
    isa::HardwareConfig config = loadConfig(name);
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      auto program = generateRandomProgram(config, seed, options);
      ASSERT_TRUE(program.ok()) << program.status();
      auto dram = sim::buildDramImage(program->program, config);
      ASSERT_TRUE(dram.ok()) << dram.status();
      auto counters = sim::runFunctional(program->program, config, *dram);
      ASSERT_TRUE(counters.ok()) << program->name << ": " << counters.status();
      EXPECT_EQ(sim::staticCounters(program->program, config), *counters) << program->name << "\n" << program->text;
      EXPECT_GT(counters->instructions[size_t(isa::Opcode::finish)], 0u);
    }
  }
}

} // namespace
} // namespace tessera::testing
