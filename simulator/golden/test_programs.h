//===- test_programs.h - Assemble-and-run helper for the executor tests ------------===//
#pragma once

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "isa/assembler.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::sim::testing {

inline isa::HardwareConfig loadConfig(const std::string &name) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

/// An assembled program, its DRAM after the run, and the run's outcome.
struct ProgramRun {
  isa::Program program;
  std::vector<uint8_t> dram;
  StatusOr<Counters> result = absl::UnknownError("not run");

  template <typename T> T at(const std::string &tensor, size_t element) const {
    const isa::TensorInfo *info = program.findTensor(tensor);
    EXPECT_NE(info, nullptr) << tensor;
    T value;
    std::memcpy(&value, dram.data() + info->dramOffset + element * sizeof(T), sizeof(T));
    return value;
  }
  template <typename T> void set(const std::string &tensor, size_t element, T value) {
    const isa::TensorInfo *info = program.findTensor(tensor);
    std::memcpy(dram.data() + info->dramOffset + element * sizeof(T), &value, sizeof(T));
  }
};

/// Assembles `text` for `config`; `fill` may write inputs before the run.
template <typename Fill>
ProgramRun assembleAndRun(const std::string &text, const isa::HardwareConfig &config, Fill fill) {
  ProgramRun run;
  auto program = isa::assemble(text, config, "test.s");
  EXPECT_TRUE(program.ok()) << program.status();
  if (!program.ok()) return run;
  run.program = *program;
  auto dram = buildDramImage(run.program, config);
  EXPECT_TRUE(dram.ok()) << dram.status();
  run.dram = *dram;
  fill(run);
  run.result = runFunctional(run.program, config, run.dram);
  return run;
}

inline ProgramRun assembleAndRun(const std::string &text, const isa::HardwareConfig &config) {
  return assembleAndRun(text, config, [](ProgramRun &) {});
}

} // namespace tessera::sim::testing
