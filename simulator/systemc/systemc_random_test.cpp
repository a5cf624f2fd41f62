//===- systemc_random_test.cpp - SystemC model == cycle reference on random programs --===//
//
// Seeded random programs of the unconstrained discipline (simulator/testing/random_program.h)
// that the functional executor
// runs to FINISH (races allowed) are simulated by the event-driven SystemC model and by
// the cycle-stepping reference of the contract; every instruction's dispatch, start,
// DRAM grant, first beat and end must agree, and so must total_cycles. When the program
// is also race-free, the SystemC model's DRAM must equal the functional executor's.
// TESSERA_RANDOM_PROGRAMS=N raises the number of seeds per config.
//
//===----------------------------------------------------------------------===//
#include <cstdlib>

#include "simulator/systemc/child_runner.h"
#include "simulator/systemc/systemc_test_util.h"
#include "simulator/testing/random_program.h"
#include "simulator/timing/cycle_reference.h"

namespace tessera::systemc {
namespace {

using testing::loadConfig;
using testing::prepare;

struct Tally {
  int timed = 0;     ///< programs whose timing was compared
  int raceFree = 0;  ///< of which DRAM was compared too
};

void expectSameTimes(const SimulationOutcome &model, const timing::ReferenceRun &reference, uint32_t seed) {
  for (size_t i = 0; i < model.records.size(); ++i) {
    const InstructionRecord &m = model.records[i];
    const timing::ReferenceTimes &r = reference.instructions[i];
    ASSERT_EQ(m.dispatch, r.dispatch) << "seed " << seed << " instruction " << i;
    ASSERT_EQ(m.start, r.start) << "seed " << seed << " instruction " << i;
    ASSERT_EQ(m.grant, r.grant) << "seed " << seed << " instruction " << i;
    ASSERT_EQ(m.firstBeat, r.firstBeat) << "seed " << seed << " instruction " << i;
    ASSERT_EQ(m.end, r.end) << "seed " << seed << " instruction " << i;
  }
  ASSERT_EQ(model.totalCycles, reference.totalCycles) << "seed " << seed;
}

void checkSeed(const isa::HardwareConfig &config, uint32_t seed, Tally &tally) {
  ::tessera::testing::RandomProgramOptions unconstrained;
  unconstrained.discipline = ::tessera::testing::RandomProgramDiscipline::unconstrained;
  unconstrained.length = 8 + int(seed % 48);
  auto generated = ::tessera::testing::generateRandomProgram(config, seed, unconstrained);
  ASSERT_TRUE(generated.ok()) << "seed " << seed << ": " << generated.status();
  auto prepared = prepare(generated->text, config, seed);
  ASSERT_TRUE(prepared.ok()) << "seed " << seed << ": " << prepared.status();
  std::vector<uint8_t> functionalDram = prepared->dram;
  sim::FunctionalOptions noRaces;
  noRaces.checkRaces = false;
  if (!sim::runFunctional(prepared->program, config, functionalDram, noRaces).ok()) return;
  SimulateOptions options;
  options.checkRaces = false;
  std::vector<uint8_t> modelDram = prepared->dram;
  auto model = simulateInChild(prepared->program, config, modelDram, options);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE(model->ok) << "seed " << seed << ": " << model->errorMessage;
  auto reference = timing::runCycleReference(prepared->program, config, 10000000);
  ASSERT_TRUE(reference.ok()) << "seed " << seed << ": " << reference.status();
  expectSameTimes(*model, *reference, seed);
  // The functional backend's cycle bound is a lower bound: the real cycle count passes it.
  std::vector<uint8_t> boundedDram = prepared->dram;
  sim::FunctionalOptions bounded = noRaces;
  bounded.maxCycles = model->totalCycles;
  auto boundedRun = sim::runFunctional(prepared->program, config, boundedDram, bounded);
  ASSERT_TRUE(boundedRun.ok()) << "seed " << seed << ": " << boundedRun.status();
  ++tally.timed;
  std::vector<uint8_t> checkedDram = prepared->dram;
  if (!sim::runFunctional(prepared->program, config, checkedDram).ok()) return;
  EXPECT_TRUE(checkedDram == modelDram) << "seed " << seed << ": DRAM differs from functional";
  ++tally.raceFree;
}

/// TESSERA_RANDOM_PROGRAMS=N runs N seeds per config instead of the CI default.
uint32_t seedCount(uint32_t defaultCount) {
  const char *value = std::getenv("TESSERA_RANDOM_PROGRAMS");
  return value != nullptr && std::atoi(value) > 0 ? uint32_t(std::atoi(value)) : defaultCount;
}

void checkSeeds(const char *configName, uint32_t first, uint32_t defaultCount) {
  isa::HardwareConfig config = loadConfig(configName);
  const uint32_t count = seedCount(defaultCount);
  Tally tally;
  for (uint32_t seed = first; seed < first + count; ++seed) {
    checkSeed(config, seed, tally);
    if (::testing::Test::HasFatalFailure()) return;
  }
  std::printf("%s: %d of %u random programs timed, %d race-free compared on DRAM\n", configName, tally.timed, count,
              tally.raceFree);
  EXPECT_GE(tally.timed, int(count) / 2) << "the generator should mostly produce runnable programs";
}

TEST(RandomPrograms, SmallConfigMatchesCycleReference) { checkSeeds("small", 1, 150); }

TEST(RandomPrograms, DefaultConfigMatchesCycleReference) { checkSeeds("default", 1000, 60); }

TEST(RandomPrograms, LargeConfigMatchesCycleReference) { checkSeeds("large", 2000, 30); }

} // namespace
} // namespace tessera::systemc
