//===- config_capacity_test.cpp - The reference layers on the shipped configs ----------===//
#include "compiler/accel/config_capacity.h"

#include <ctime>

#include <gtest/gtest.h>

#include "isa/test_util.h"

namespace tessera::accel {
namespace {

using isa::testing::loadTestConfig;

// ASan + UBSan at -O1 (the asan preset) run this walk ~10x slower than the default build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
constexpr double kBuildSlowdown = 4;
#else
constexpr double kBuildSlowdown = 1;
#endif

TEST(ConfigCapacity, ShippedConfigsHoldTheReferenceLayers) {
  for (const char *name : {"default", "large", "small", "block8", "block64"}) {
    isa::HardwareConfig config = loadTestConfig(name);
    std::clock_t start = std::clock();
    Status status = checkConfigCapacity(config);
    double ms = 1000.0 * double(std::clock() - start) / CLOCKS_PER_SEC;
    EXPECT_TRUE(status.ok()) << name << ": " << status;
    // CPU time (a loaded machine stretches wall time, not this), with 5x headroom over an
    // optimized build, 20x in a sanitizer build (measured there: 5.1 s for small.json).
    // small.json's 4x4 array and 256-entry micro-op buffer leave no small tiling for the
    // wide layers: the walk checks ~10^4 candidates before the first legal one
    // (~0.3-0.5 s); the others take under 0.1 s.
    EXPECT_LT(ms, kBuildSlowdown * (std::string(name) == "small" ? 5000.0 : 500.0)) << name;
  }
}

TEST(ConfigCapacity, AShortBufferNamesTheLayerAndTheKeyToRaise) {
  isa::HardwareConfig config = loadTestConfig("default");
  config.acc_buffer_bytes = 4 * config.entryBytes(isa::Buffer::acc);
  config.output_buffer_bytes = 4 * config.entryBytes(isa::Buffer::out);
  Status status = checkConfigCapacity(config);
  ASSERT_FALSE(status.ok());
  std::string message(status.message());
  // Four accumulator rows hold a conv tile (one row) and its channel block's bias and
  // requant rows, but not a pool tile.
  EXPECT_NE(message.find("reference layer 'maxpool3x3' (3x3/2 maxpool on 112x112x64)"), std::string::npos) << message;
  EXPECT_NE(message.find("the accumulator tile needs 395 entries, the scratchpad has 4"), std::string::npos) << message;
  EXPECT_NE(message.find("raise acc_buffer_bytes 256 -> 32768 (and output_buffer_bytes 64 -> 8192"), std::string::npos)
      << message;
}

TEST(ConfigCapacity, AShortWeightBufferIsRaisedByTheFewestBytes) {
  isa::HardwareConfig config = loadTestConfig("default");
  config.weight_buffer_bytes = config.entryBytes(isa::Buffer::wgt);
  Status status = checkConfigCapacity(config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("raise weight_buffer_bytes 256 -> "), std::string::npos) << status;
}

} // namespace
} // namespace tessera::accel
