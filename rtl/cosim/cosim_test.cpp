//===- cosim_test.cpp - Co-simulation: functional, systemc and rtl on one corpus ------===//
//
// Every program of the corpus (the examples and seeded random programs from
// simulator/testing/random_program.h) runs on `functional`, `rtl` and, when the SystemC
// model is built (TESSERA_COSIM_SYSTEMC), `systemc`. Checked:
// - DRAM after the run is bit-identical (functional vs rtl vs systemc);
// - every instruction ends (and gets its DRAM grant and first beat) in the same cycle,
//   and total_cycles and every report value (per-unit busy/stall/idle cycles, utilization,
//   DRAM traffic, overlap, segments) agree, between systemc and rtl;
// - the RTL obeys the contract on its own: each GEMM/ALU/FINISH and token-only transfer
//   lasts its closed-form duration (timing::fixedDuration), nothing starts before the
//   cycle after its dispatch, FINISH ends at total_cycles, each unit's four cycle classes
//   add up to total_cycles, and the work counters equal the functional ones.
// A second corpus, random programs of the unconstrained discipline (free token patterns,
// races allowed), checks every instruction's dispatch, start, grant, first beat and end on the RTL
// against the cycle-stepping reference of the contract (simulator/timing/cycle_reference.h).
// A failure names the program, its seed, and the first instruction (in end-cycle order)
// whose timing is wrong, with both cycles. TESSERA_COSIM_SEEDS=N runs N random programs
// per config instead of the CI list.
//
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "isa/assembler.h"
#include "rtl/harness/rtl_sim.h"
#include "runtime/backend.h"
#include "support/file_io.h"
#include "simulator/golden/functional_executor.h"
#include "simulator/testing/random_program.h"
#include "simulator/timing/cycle_reference.h"
#include "isa/timing/durations.h"
#include "isa/timing/transfer_shape.h"
#ifdef TESSERA_COSIM_SYSTEMC
#include "simulator/systemc/systemc_backend.h"
#endif

namespace tessera {
namespace {

/// configs/<name>.json, or tests/configs/<name>.json for a test-only config.
isa::HardwareConfig loadConfig(const std::string &name) {
  std::string path = std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json";
  if (!std::filesystem::exists(path)) path = std::string(TESSERA_SOURCE_DIR) + "/tests/configs/" + name + ".json";
  auto config = isa::loadConfigFile(path);
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

/// One program to co-simulate.
struct Case {
  std::string name;
  uint64_t seed = 0; ///< 0 for the examples
  isa::Program program;
};

std::string describe(const Case &c) {
  return c.seed ? strCat(c.name, " (seed ", std::to_string(c.seed), ")") : c.name;
}

struct BackendRun {
  std::vector<uint8_t> dram;
  runtime::RunResult result;
};

StatusOr<BackendRun> runBackend(const std::string &backend, const Case &c, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(auto instance, runtime::createBackend(backend, config));
  BackendRun run;
  TS_ASSIGN_OR_RETURN(run.dram, sim::buildDramImage(c.program, config));
  runtime::RunOptions options;
  options.maxCycles = 50'000'000;
  TS_ASSIGN_OR_RETURN(run.result, instance->run(c.program, run.dram, options));
  return run;
}

/// The first byte where two DRAM images differ, or -1.
int64_t firstDifference(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) {
  if (a.size() != b.size()) return int64_t(std::min(a.size(), b.size()));
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return int64_t(i);
  return -1;
}

bool hasFixedDuration(const isa::Instruction &inst) {
  bool dma = inst.opcode == isa::Opcode::load || inst.opcode == isa::Opcode::store;
  return !dma || !timing::movesData(inst);
}

/// The contract rules the RTL trace must satisfy on its own.
void checkRtlTrace(const Case &c, const isa::HardwareConfig &config, const rtl::RtlRun &run) {
  const auto &insts = c.program.instructions;
  for (size_t i = 0; i < insts.size(); ++i) {
    const rtl::InstructionTiming &t = run.instructions[i];
    ASSERT_GT(t.start, t.dispatch) << describe(c) << ": instruction " << i << " starts at " << t.start
                                   << " but was dispatched at " << t.dispatch;
    if (!hasFixedDuration(insts[i])) continue;
    uint64_t expected = timing::fixedDuration(insts[i], config);
    ASSERT_EQ(t.end - t.start, expected) << describe(c) << ": instruction " << i << " ("
                                         << isa::opcodeName(insts[i].opcode) << ") ran [" << t.start << ", "
                                         << t.end << "), the contract says " << expected << " cycles";
  }
  EXPECT_EQ(run.instructions.back().end, run.totalCycles) << describe(c) << ": FINISH end vs total_cycles";
  for (int unit = 0; unit < rtl::kRtlUnitCount; ++unit) {
    const rtl::UnitCycles &u = run.units[size_t(unit)];
    EXPECT_EQ(u.busy + u.stallDram + u.stallToken + u.idle, run.totalCycles) << describe(c) << ": unit " << unit;
  }
}

#ifdef TESSERA_COSIM_SYSTEMC
/// The instruction with the earliest event (either model) whose end, DRAM grant or first
/// beat differs, or -1.
int64_t firstTimingDifference(const systemc::SimulationOutcome &systemc, const rtl::RtlRun &rtl) {
  int64_t first = -1;
  uint64_t firstCycle = ~uint64_t(0);
  for (size_t i = 0; i < rtl.instructions.size(); ++i) {
    const systemc::InstructionRecord &a = systemc.records[i];
    const rtl::InstructionTiming &b = rtl.instructions[i];
    bool same = a.end == b.end && a.grant == b.grant && a.firstBeat == b.firstBeat;
    if (!same && std::min(a.end, b.end) < firstCycle) first = int64_t(i), firstCycle = std::min(a.end, b.end);
  }
  return first;
}

/// Report keys whose values differ (everything but the simulation's own speed).
std::vector<std::string> reportDifferences(const nlohmann::json &systemc, const nlohmann::json &rtl) {
  std::vector<std::string> diffs;
  for (const nlohmann::json &op : nlohmann::json::diff(systemc, rtl)) {
    std::string path = op["path"];
    if (path.rfind("/simulation", 0) != 0) diffs.push_back(strCat(std::string(op["op"]), " ", path));
  }
  return diffs;
}

/// systemc vs rtl: DRAM, every instruction's end, grant and first beat, total cycles and
/// every report value (unit cycle classes, utilization, DRAM traffic, overlap, segments).
void compareWithSystemc(const Case &c, const isa::HardwareConfig &config, const std::vector<uint8_t> &rtlDram,
                        const rtl::RtlRun &trace, const runtime::RunResult &rtl) {
  auto dram = sim::buildDramImage(c.program, config);
  ASSERT_TRUE(dram.ok()) << dram.status();
  auto systemc = systemc::runSystemc(c.program, config, *dram, {});
  ASSERT_TRUE(systemc.ok()) << systemc.status();
  int64_t diff = firstDifference(*dram, rtlDram);
  ASSERT_EQ(diff, -1) << describe(c) << ": DRAM differs (systemc vs rtl) first at byte " << diff;
  int64_t inst = firstTimingDifference(systemc->outcome, trace);
  if (inst >= 0) {
    const systemc::InstructionRecord &a = systemc->outcome.records[size_t(inst)];
    const rtl::InstructionTiming &b = trace.instructions[size_t(inst)];
    ADD_FAILURE() << describe(c) << ": instruction " << inst << " ("
                  << isa::opcodeName(c.program.instructions[size_t(inst)].opcode) << ") ends at " << a.end
                  << " in systemc (start " << a.start << ", grant " << a.grant << ", first beat " << a.firstBeat
                  << ") but at " << b.end << " in rtl (start " << b.start << ", grant " << b.grant
                  << ", first beat " << b.firstBeat << ")";
  }
  ASSERT_EQ(systemc->result.totalCycles, rtl.totalCycles) << describe(c) << ": total_cycles systemc vs rtl";
  std::vector<std::string> diffs = reportDifferences(systemc->result.details, rtl.details);
  EXPECT_TRUE(diffs.empty()) << describe(c) << ": report keys differ (systemc vs rtl): " << joinStrings(diffs, ", ");
}
#endif

void cosimulate(const Case &c, const isa::HardwareConfig &config) {
  SCOPED_TRACE(describe(c));
  auto functional = runBackend("functional", c, config);
  ASSERT_TRUE(functional.ok()) << functional.status();

  auto dram = sim::buildDramImage(c.program, config);
  ASSERT_TRUE(dram.ok()) << dram.status();
  rtl::RtlOptions options;
  options.maxCycles = 50'000'000;
  auto trace = rtl::runRtl(c.program, config, *dram, options);
  ASSERT_TRUE(trace.ok()) << trace.status();
  int64_t diff = firstDifference(functional->dram, *dram);
  ASSERT_EQ(diff, -1) << describe(c) << ": DRAM differs (functional vs rtl) first at byte " << diff;
  checkRtlTrace(c, config, *trace);

  auto rtl = runBackend("rtl", c, config);
  ASSERT_TRUE(rtl.ok()) << rtl.status();
  EXPECT_EQ(rtl->result.counters, functional->result.counters) << describe(c) << ": work counters";
  EXPECT_EQ(rtl->result.totalCycles, trace->totalCycles);
#ifdef TESSERA_COSIM_SYSTEMC
  compareWithSystemc(c, config, rtl->dram, *trace, rtl->result);
#endif
}

Case exampleCase(const std::string &name, const isa::HardwareConfig &config) {
  std::string path = std::string(TESSERA_SOURCE_DIR) + "/examples/" + name + ".s";
  auto text = readTextFile(path);
  EXPECT_TRUE(text.ok()) << text.status();
  auto program = isa::assemble(*text, config, path);
  EXPECT_TRUE(program.ok()) << program.status();
  return Case{name, 0, program.ok() ? *program : isa::Program{}};
}

uint64_t seedCount(uint64_t ciDefault) {
  const char *env = std::getenv("TESSERA_COSIM_SEEDS");
  return env ? std::strtoull(env, nullptr, 10) : ciDefault;
}

void randomCases(const std::string &configName, uint64_t firstSeed, uint64_t count) {
  isa::HardwareConfig config = loadConfig(configName);
  for (uint64_t seed = firstSeed; seed < firstSeed + count; ++seed) {
    testing::RandomProgramOptions options;
    options.useAcc8 = true;
    auto program = testing::generateRandomProgram(config, seed, options);
    ASSERT_TRUE(program.ok()) << program.status();
    Case c{program->name, seed, program->program};
    cosimulate(c, config);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << describe(c) << " failed; its program (without the IN data):\n"
                    << program->text.substr(program->text.find(".tensor OUT"));
      return;
    }
  }
}

/// Programs of the unconstrained discipline (simulator/testing/random_program.h: free token
/// patterns, not race-free by construction) that the functional executor runs to FINISH
/// with races allowed: every instruction's dispatch, start, grant, first beat and end on
/// the RTL must equal the cycle-stepping reference of the contract
/// (simulator/timing/cycle_reference.h); race-free ones must also leave DRAM as functional.
void referenceCases(const std::string &configName, uint32_t firstSeed, uint64_t count) {
  isa::HardwareConfig config = loadConfig(configName);
  int timed = 0, raceFree = 0;
  for (uint32_t seed = firstSeed; seed < firstSeed + count; ++seed) {
    testing::RandomProgramOptions unconstrained;
    unconstrained.discipline = testing::RandomProgramDiscipline::unconstrained;
    unconstrained.length = 8 + int(seed % 48);
    auto generated = testing::generateRandomProgram(config, seed, unconstrained);
    ASSERT_TRUE(generated.ok()) << generated.status();
    const std::string &name = generated->name;
    const isa::Program *program = &generated->program;
    auto image = sim::buildDramImage(*program, config);
    ASSERT_TRUE(image.ok()) << image.status();
    std::mt19937 random(seed);
    for (const isa::TensorInfo &tensor : program->tensors)
      if (tensor.kind == isa::TensorKind::input)
        for (uint64_t b = 0; b < tensor.byteSize(); ++b) (*image)[tensor.dramOffset + b] = uint8_t(random());
    std::vector<uint8_t> functional = *image;
    sim::FunctionalOptions racesAllowed;
    racesAllowed.checkRaces = false;
    if (!sim::runFunctional(*program, config, functional, racesAllowed).ok()) continue; // deadlocks
    auto reference = timing::runCycleReference(*program, config, 10'000'000);
    ASSERT_TRUE(reference.ok()) << name << ": " << reference.status();
    std::vector<uint8_t> dram = *image;
    auto rtl = rtl::runRtl(*program, config, dram, {});
    ASSERT_TRUE(rtl.ok()) << name << ": " << rtl.status();
    for (size_t i = 0; i < program->instructions.size(); ++i) {
      const timing::ReferenceTimes &r = reference->instructions[i];
      const rtl::InstructionTiming &t = rtl->instructions[i];
      uint64_t grant = t.grant == rtl::kNoCycle ? timing::ReferenceTimes::kNotYet : t.grant;
      uint64_t firstBeat = t.firstBeat == rtl::kNoCycle ? timing::ReferenceTimes::kNotYet : t.firstBeat;
      ASSERT_TRUE(r.dispatch == t.dispatch && r.start == t.start && r.grant == grant && r.firstBeat == firstBeat &&
                  r.end == t.end)
          << name << " (seed " << seed << "): instruction " << i << " reference dispatch/start/grant/beat/end "
          << r.dispatch << "/" << r.start << "/" << r.grant << "/" << r.firstBeat << "/" << r.end << ", rtl "
          << t.dispatch << "/" << t.start << "/" << grant << "/" << firstBeat << "/" << t.end;
    }
    ASSERT_EQ(reference->totalCycles, rtl->totalCycles) << name;
    ++timed;
    std::vector<uint8_t> checked = *image;
    if (!sim::runFunctional(*program, config, checked).ok()) continue; // racy: timing only
    ASSERT_EQ(firstDifference(checked, dram), -1) << name << ": DRAM differs (functional vs rtl)";
    ++raceFree;
  }
  EXPECT_GT(timed, 0) << "no program of the unconstrained corpus ran";
  std::printf("%s: %d of %d unconstrained programs timed, %d race-free compared on DRAM\n", configName.c_str(),
              timed, int(count), raceFree);
}

TEST(Cosim, Examples) {
  isa::HardwareConfig config = loadConfig("default");
  for (const char *name : {"gemm_16", "conv_pad", "matmul_256", "lut_sigmoid"})
    cosimulate(exampleCase(name, config), config);
}

// The worked example of docs/microarchitecture.md, section 9.3, cycle for cycle.
TEST(Cosim, WorkedExampleGemm16) {
  isa::HardwareConfig config = loadConfig("default");
  Case c = exampleCase("gemm_16", config);
  auto dram = sim::buildDramImage(c.program, config);
  ASSERT_TRUE(dram.ok());
  auto run = rtl::runRtl(c.program, config, *dram, {});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->totalCycles, 197u);
  const uint64_t starts[] = {49, 50, 91, 90, 147, 152, 155, 196};
  const uint64_t ends[] = {90, 91, 147, 95, 152, 155, 196, 197};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(run->instructions[i].start, starts[i]) << "instruction " << i;
    EXPECT_EQ(run->instructions[i].end, ends[i]) << "instruction " << i;
  }
}

TEST(Cosim, RandomSmall) { randomCases("small", 1, seedCount(220)); }

// default has two ALU read ports, small one: both RTL variants see register-operand ALUs.
TEST(Cosim, RandomDefault) { randomCases("default", 10001, seedCount(60)); }

// large (32×32): weight entries of 1 KiB, so a beat lands at byte offsets above 255.
TEST(Cosim, RandomLarge) { randomCases("large", 20001, seedCount(20)); }

TEST(Cosim, CycleReferenceSmall) { referenceCases("small", 1, seedCount(100)); }

TEST(Cosim, CycleReferenceDefault) { referenceCases("default", 5001, seedCount(60)); }

TEST(Cosim, CycleReferenceLarge) { referenceCases("large", 7001, seedCount(20)); }

// tests/configs/wide.json: 8x8 blocks whose deep scratchpads need 256-bit instructions and
// 64-bit micro-ops, so fetch blocks, uop loads and their DRAM traffic use the wide words.
TEST(Cosim, RandomWide) { randomCases("wide", 20001, seedCount(40)); }

TEST(Cosim, CycleReferenceWide) { referenceCases("wide", 7001, seedCount(40)); }

} // namespace
} // namespace tessera
