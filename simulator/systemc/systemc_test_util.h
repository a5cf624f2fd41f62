//===- systemc_test_util.h - Assemble, fill inputs, run functional and systemc ------===//
#pragma once

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "isa/assembler.h"
#include "support/file_io.h"
#include "simulator/golden/functional_executor.h"
#include "simulator/systemc/systemc_backend.h"

namespace tessera::systemc::testing {

inline isa::HardwareConfig loadConfig(const std::string &name) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

/// A program with its initial DRAM (inputs filled from a seed).
struct Prepared {
  isa::Program program;
  std::vector<uint8_t> dram;
};

inline StatusOr<Prepared> prepare(const std::string &text, const isa::HardwareConfig &config, uint32_t seed = 1) {
  Prepared prepared;
  TS_ASSIGN_OR_RETURN(prepared.program, isa::assemble(text, config, "test.s"));
  TS_ASSIGN_OR_RETURN(prepared.dram, sim::buildDramImage(prepared.program, config));
  std::mt19937 random(seed);
  for (const isa::TensorInfo &tensor : prepared.program.tensors) {
    if (tensor.kind != isa::TensorKind::input) continue;
    for (uint64_t b = 0; b < tensor.byteSize(); ++b) prepared.dram[tensor.dramOffset + b] = uint8_t(random());
  }
  return prepared;
}

/// Runs the SystemC model on an assembled program; fails the test on errors.
inline SystemcRun runOk(const std::string &text, const isa::HardwareConfig &config,
                        const runtime::RunOptions &options = {}) {
  auto prepared = prepare(text, config);
  EXPECT_TRUE(prepared.ok()) << prepared.status();
  if (!prepared.ok()) return {};
  auto run = runSystemc(prepared->program, config, prepared->dram, options);
  EXPECT_TRUE(run.ok()) << run.status();
  if (!run.ok()) return {};
  return std::move(*run);
}

} // namespace tessera::systemc::testing
