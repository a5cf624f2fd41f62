//===- random_program_test.cpp - The random program generator's guarantees ---------===//
#include "simulator/testing/random_program.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "simulator/golden/functional_executor.h"

namespace tessera::testing {
namespace {

isa::HardwareConfig loadConfig(const std::string &name) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

TEST(RandomProgram, SameSeedSameProgram) {
  isa::HardwareConfig config = loadConfig("small");
  auto a = generateRandomProgram(config, 7), b = generateRandomProgram(config, 7), c = generateRandomProgram(config, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->text, b->text);
  EXPECT_NE(a->text, c->text);
  EXPECT_EQ(a->name, "random-small-7");
}

// Valid by construction: the verifier accepts them and the golden executor (which checks
// the token protocol, deadlocks and unordered accesses) runs them to FINISH.
TEST(RandomProgram, VerifiedAndRunToFinish) {
  RandomProgramOptions options;
  options.useAcc8 = true;
  for (const char *name : {"small", "default"}) {
    isa::HardwareConfig config = loadConfig(name);
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      auto program = generateRandomProgram(config, seed, options);
      ASSERT_TRUE(program.ok()) << program.status();
      ASSERT_TRUE(isa::verifyProgram(program->program, config).ok()) << program->text;
      auto dram = sim::buildDramImage(program->program, config);
      ASSERT_TRUE(dram.ok()) << dram.status();
      auto counters = sim::runFunctional(program->program, config, *dram);
      ASSERT_TRUE(counters.ok()) << program->name << ": " << counters.status();
    }
  }
}

// Over a few seeds every kind of work appears: each opcode, each LOAD target, padding,
// token-only transfers and empty loops.
TEST(RandomProgram, CoversTheIsa) {
  isa::HardwareConfig config = loadConfig("small");
  RandomProgramOptions options;
  options.useAcc8 = true;
  std::string all;
  for (uint64_t seed = 1; seed <= 40; ++seed) all += generateRandomProgram(config, seed, options)->text;
  for (const char *needle : {"gemm reset", "alu_op=requant", "alu_op=clip", "use_imm", "buffer=acc8", "buffer=acc ",
                             "buffer=uop", "buffer=wgt", "y_pad_0=2", "x_pad_1=1", "y_size=0", "iter_out=0", "store ",
                             "iter_out=0 iter_in=1 push_prev", "iter_out=0 iter_in=1 pop_next", "alu_op=lut ",
                             "alu_op=lutset"})
    EXPECT_NE(all.find(needle), std::string::npos) << needle;
}

// Lookup-table loads come before lookups in some programs, so lut reads a table that
// lutset filled, not only the zero table of reset.
TEST(RandomProgram, LookupsAfterTableLoads) {
  isa::HardwareConfig config = loadConfig("small");
  RandomProgramOptions options;
  options.useAcc8 = true;
  int programs = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::string text = generateRandomProgram(config, seed, options)->text;
    size_t set = text.find("alu_op=lutset"), lookup = text.rfind("alu_op=lut ");
    if (set != std::string::npos && lookup != std::string::npos && set < lookup) ++programs;
  }
  EXPECT_GE(programs, 5);
  std::printf("%d of 40 programs look up a table that lutset filled\n", programs);
}

// The unconstrained discipline: reproducible, named apart, and always assembles (every
// access in bounds); free token patterns appear that the valid discipline never draws.
TEST(RandomProgram, UnconstrainedDiscipline) {
  isa::HardwareConfig config = loadConfig("small");
  RandomProgramOptions options;
  options.discipline = RandomProgramDiscipline::unconstrained;
  std::string all;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    options.length = 8 + int(seed % 48);
    auto a = generateRandomProgram(config, seed, options), b = generateRandomProgram(config, seed, options);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(a->text, b->text);
    all += a->text;
  }
  EXPECT_EQ(generateRandomProgram(config, 3, options)->name, "random-unconstrained-small-3");
  for (const char *needle : {"finish pop_prev pop_next", "buffer=acc8", "alu_op=", "gemm "})
    EXPECT_NE(all.find(needle), std::string::npos) << needle;
}

} // namespace
} // namespace tessera::testing
