//===- config_derive_test.cpp - tessera config --derive's rule -------------------------===//
#include "isa/config_derive.h"

#include <bit>

#include "isa/layout.h"
#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

StatusOr<HardwareConfig> derive(int64_t block, double scale = 1.0,
                                std::vector<std::pair<std::string, std::string>> settings = {}) {
  return deriveConfig(DeriveOptions{block, scale, std::move(settings), ""});
}

TEST(ConfigDerive, EmbeddedDefaultEqualsDefaultJson) {
  EXPECT_EQ(defaultHardwareConfig().toJson(), loadTestConfig("default").toJson());
}

TEST(ConfigDerive, Block16ReproducesDefault) {
  auto config = derive(16);
  ASSERT_TRUE(config.ok()) << config.status();
  HardwareConfig expected = loadTestConfig("default");
  expected.name = "block16";
  EXPECT_EQ(config->toJson(), expected.toJson());
}

TEST(ConfigDerive, Block32DiffersFromLargeOnlyInWeightDepth) {
  auto config = derive(32);
  ASSERT_TRUE(config.ok()) << config.status();
  HardwareConfig large = loadTestConfig("large");
  EXPECT_EQ(config->weight_buffer_bytes, 2 * large.weight_buffer_bytes);
  large.name = config->name;
  large.weight_buffer_bytes = config->weight_buffer_bytes;
  EXPECT_EQ(config->toJson(), large.toJson());
}

TEST(ConfigDerive, EveryBlockKeepsTheDefaultDepths) {
  HardwareConfig base = defaultHardwareConfig();
  for (int64_t block : {4, 8, 16, 32, 64}) {
    auto config = derive(block);
    ASSERT_TRUE(config.ok()) << block << ": " << config.status();
    for (Buffer buffer : {Buffer::uop, Buffer::inp, Buffer::wgt, Buffer::acc, Buffer::out})
      EXPECT_EQ(config->depth(buffer), base.depth(buffer)) << block << " " << bufferName(buffer);
    EXPECT_EQ(config->gemm_pipeline_depth, std::bit_width(uint64_t(block)) - 1);
    EXPECT_EQ(config->dram_bytes_per_cycle, std::max<int64_t>(4, block));
    EXPECT_EQ(config->dram_burst_bytes, std::max<int64_t>(16, 16 * block));
  }
}

TEST(ConfigDerive, RejectsBlockSizes) {
  EXPECT_ERROR_CONTAINS(derive(12), "block=12: the block size must be a power of two in [4, 64]");
  EXPECT_ERROR_CONTAINS(derive(128), "block=128");
  EXPECT_ERROR_CONTAINS(derive(2), "block=2");
}

TEST(ConfigDerive, ScalesDataBuffersNotMicroOps) {
  auto config = derive(16, 0.25);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->name, "block16-x0.25");
  EXPECT_EQ(config->input_buffer_bytes, 8192);
  EXPECT_EQ(config->weight_buffer_bytes, 65536);
  EXPECT_EQ(config->acc_buffer_bytes, 32768);
  EXPECT_EQ(config->output_buffer_bytes, 8192);
  EXPECT_EQ(config->uop_buffer_bytes, 32768);
  // 0.3 rounds each depth to the nearest power of two (x0.25 here).
  auto rounded = derive(16, 0.3);
  ASSERT_TRUE(rounded.ok()) << rounded.status();
  EXPECT_EQ(rounded->input_buffer_bytes, 8192);
  EXPECT_ERROR_CONTAINS(derive(16, 5.0), "--scale-buffers 5: the factor must be in [0.25, 4]");
  EXPECT_ERROR_CONTAINS(derive(16, 0.1), "--scale-buffers 0.1");
}

TEST(ConfigDerive, SettingsOverrideAndAreValidated) {
  auto config = derive(16, 1.0, {{"dram_bytes_per_cycle", "64"}, {"clock_mhz", "250.5"}, {"name", "fast"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->dram_bytes_per_cycle, 64);
  EXPECT_EQ(config->clock_mhz, 250.5);
  EXPECT_EQ(config->name, "fast");
  EXPECT_ERROR_CONTAINS(derive(16, 1.0, {{"frobs", "1"}}), "--set: unknown config key 'frobs'");
  EXPECT_ERROR_CONTAINS(derive(16, 1.0, {{"dram_bytes_per_cycle", "48"}}),
                        "config key 'dram_bytes_per_cycle' must be a positive power of two, got 48");
}

TEST(ConfigDerive, ParsesArguments) {
  EXPECT_EQ(*parseDeriveSpec("block=32"), 32);
  EXPECT_ERROR_CONTAINS(parseDeriveSpec("blocks=32"), "--derive expects block=N, got 'blocks=32'");
  EXPECT_ERROR_CONTAINS(parseDeriveSpec("block=3x"), "must be an integer");
  auto setting = parseSetting("dram_latency_cycles=20");
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(setting->first, "dram_latency_cycles");
  EXPECT_EQ(setting->second, "20");
  EXPECT_ERROR_CONTAINS(parseSetting("=3"), "--set expects key=value");
}

} // namespace
} // namespace tessera::isa
