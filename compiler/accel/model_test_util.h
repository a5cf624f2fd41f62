//===- model_test_util.h - Running compiled models in tests ---------------------------===//
#pragma once

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/accel/host_model.h"
#include "isa/binary.h"
#include "runtime/model/host_model_runner.h"

namespace tessera::accel::model_testing {

/// Uniform random int8 values.
inline Tensor randomInt8(const Shape &shape, std::mt19937_64 &rng) {
  Tensor tensor(DType::I8, shape);
  for (int64_t i = 0; i < tensor.elementCount(); ++i) tensor.data<int8_t>()[i] = int8_t(int(rng() % 256) - 128);
  return tensor;
}

inline std::vector<std::string> backends() {
  std::vector<std::string> names = {"functional", "systemc"};
#ifdef TESSERA_HAVE_RTL
  names.push_back("rtl");
#endif
  return names;
}

/// The program after a trip through the binary format, as `tessera run` sees it.
inline isa::Program throughBinary(const isa::Program &program, const isa::HardwareConfig &config) {
  auto bytes = isa::writeBinary(program, config);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  auto loaded = isa::readBinary(*bytes);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded->program;
}

/// Runs the compiled model on `backend`; returns its outputs and total cycles (0 when untimed).
inline std::pair<TensorMap, uint64_t> runOn(const std::string &backend, const isa::Program &program,
                                     const isa::HardwareConfig &config, const TensorMap &inputs) {
  auto host = HostModel::fromJson(program.host);
  EXPECT_TRUE(host.ok()) << host.status();
  auto device = runtime::Device::open(backend, config);
  EXPECT_TRUE(device.ok()) << device.status();
  EXPECT_TRUE((*device)->load(program).ok());
  auto executors = runtime::HostRegionExecutors::compile(*host);
  EXPECT_TRUE(executors.ok()) << executors.status();
  runtime::ModelRun run;
  auto outputs = runtime::runHostModel(*host, *executors, **device, inputs, {}, run);
  EXPECT_TRUE(outputs.ok()) << backend << ": " << outputs.status();
  return {outputs.ok() ? *outputs : TensorMap{}, run.merged().totalCycles.value_or(0)};
}

inline void expectIdentical(const TensorMap &got, const TensorMap &want, const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (const auto &[name, tensor] : want) {
    ASSERT_TRUE(got.count(name)) << what << ": no output " << name;
    EXPECT_TRUE(got.at(name) == tensor) << what << ": output " << name << " differs from the interpreter";
  }
}

} // namespace tessera::accel::model_testing
