//===- config_test.cpp - Hardware config parsing and validation -------------------===//
#include "isa/config.h"

#include "isa/layout.h"
#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

nlohmann::json defaultJson() { return loadTestConfig("default").toJson(); }

TEST(Config, DefaultIsVtaSized) {
  HardwareConfig config = loadTestConfig("default");
  EXPECT_EQ(config.batch, 1);
  EXPECT_EQ(config.block_in, 16);
  EXPECT_EQ(config.block_out, 16);
  EXPECT_EQ(config.depth(Buffer::uop), 8192);
  EXPECT_EQ(config.depth(Buffer::inp), 2048);
  EXPECT_EQ(config.depth(Buffer::wgt), 1024);
  EXPECT_EQ(config.depth(Buffer::acc), 2048);
  EXPECT_EQ(config.depth(Buffer::out), 2048);
  EXPECT_EQ(config.entryBytes(Buffer::acc), 64);
  EXPECT_EQ(config.macsPerCycle(), 256);
}

TEST(Config, AllShippedConfigsValidate) {
  for (const char *name : {"default", "small", "large", "block8", "block64"}) {
    HardwareConfig config = loadTestConfig(name);
    EXPECT_EQ(config.name, name);
    EXPECT_TRUE(IsaLayout::build(config).ok()) << name;
  }
}

TEST(Config, HashIsStableAndSensitive) {
  HardwareConfig a = loadTestConfig("default");
  HardwareConfig b = a;
  EXPECT_EQ(a.hash(), b.hash());
  b.dram_latency_cycles += 1;
  EXPECT_NE(a.hash(), b.hash());
  auto reparsed = parseConfig(a.toJson());
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed->hash(), a.hash());
}

TEST(Config, RejectsUnknownKey) {
  nlohmann::json json = defaultJson();
  json["block_inn"] = 16;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "unknown config key 'block_inn'");
}

TEST(Config, RejectsMissingKey) {
  nlohmann::json json = defaultJson();
  json.erase("token_queue_depth");
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'token_queue_depth' is missing");
}

TEST(Config, RejectsWrongType) {
  nlohmann::json json = defaultJson();
  json["batch"] = "one";
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'batch' must be an integer");
}

TEST(Config, RejectsZeroAndNonPowerOfTwo) {
  nlohmann::json json = defaultJson();
  json["block_in"] = 0;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'block_in' must be a positive power of two");
  json = defaultJson();
  json["block_out"] = 12;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'block_out' must be a positive power of two");
  json = defaultJson();
  json["input_buffer_bytes"] = 48 * 1024;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'input_buffer_bytes' gives 3072 inp entries");
  json = defaultJson();
  json["acc_buffer_bytes"] = 100;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'acc_buffer_bytes' (100) must be a positive multiple");
}

TEST(Config, RejectsUnsupportedWidths) {
  nlohmann::json json = defaultJson();
  json["input_bits"] = 4;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'input_bits' must be 8");
  json = defaultJson();
  json["acc_bits"] = 16;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'acc_bits' must be 32");
}

TEST(Config, AluReadPortsIsOneOrTwo) {
  HardwareConfig two = loadTestConfig("default"), one = loadTestConfig("small");
  EXPECT_EQ(two.alu_read_ports, 2);
  EXPECT_EQ(one.alu_read_ports, 1);
  EXPECT_EQ(two.aluCyclesPerRow(/*immediate=*/false), 1);
  EXPECT_EQ(two.aluCyclesPerRow(/*immediate=*/true), 1);
  EXPECT_EQ(one.aluCyclesPerRow(/*immediate=*/false), 2);
  EXPECT_EQ(one.aluCyclesPerRow(/*immediate=*/true), 1);
  for (int ports : {0, 3, -1}) {
    nlohmann::json json = defaultJson();
    json["alu_read_ports"] = ports;
    EXPECT_ERROR_CONTAINS(parseConfig(json), "config key 'alu_read_ports' must be 1 or 2");
  }
  nlohmann::json json = defaultJson();
  json.erase("alu_read_ports");
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'alu_read_ports' is missing");
}

TEST(Config, RejectsOutputDepthMismatch) {
  nlohmann::json json = defaultJson();
  json["output_buffer_bytes"] = 16384;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "'output_buffer_bytes' gives 1024 out entries");
}

TEST(Config, WidensWordsBeforeRejectingBuffers) {
  nlohmann::json json = defaultJson();
  json["uop_buffer_bytes"] = 1 << 20; // 2^18 micro-ops: gemm needs 137 bits, a 256-bit word
  EXPECT_TRUE(parseConfig(json).ok());
  json["uop_buffer_bytes"] = int64_t(1) << 62; // 2^60 micro-ops: gemm needs 221 bits
  EXPECT_TRUE(parseConfig(json).ok());
  json = defaultJson();
  json["weight_buffer_bytes"] = 512 * 1024; // 2^11 entries: dst 11 + src 11 + wgt 11 > 32
  auto wider = parseConfig(json);
  ASSERT_TRUE(wider.ok()) << wider.status();
  EXPECT_EQ(wider->entryBytes(Buffer::uop), 8); // the micro-op word is 64 bits
  EXPECT_EQ(wider->depth(Buffer::uop), 4096);
}

TEST(Config, ReportsJsonSyntaxErrorsWithOffset) {
  EXPECT_ERROR_CONTAINS(parseConfigText("{\"batch\": 1,,}"), "not valid JSON: byte");
}

TEST(Config, NumbersOutOfRangeNameTheKey) {
  std::string text = defaultJson().dump();
  auto withValue = [&](const std::string &key, const std::string &value) {
    std::string changed = text;
    size_t at = changed.find("\"" + key + "\":") + key.size() + 3;
    changed.replace(at, changed.find_first_of(",}", at) - at, value);
    return changed;
  };
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("clock_mhz", "1e999")), "config key 'clock_mhz': ");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("batch", "1e999")), "config key 'batch': ");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("batch", "-1e999")), "config key 'batch': ");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("input_buffer_bytes", "18446744073709551615")),
                        "config key 'input_buffer_bytes' is out of range");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("input_buffer_bytes", "99999999999999999999999")),
                        "config key 'input_buffer_bytes' must be an integer");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("input_buffer_bytes", "-16384")),
                        "config key 'input_buffer_bytes' (-16384) must be a positive multiple");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("batch", "1.5")), "config key 'batch' must be an integer");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("batch", "1.0")), "config key 'batch' must be an integer");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("token_queue_depth", "-2")), "'token_queue_depth' must be in");
  EXPECT_ERROR_CONTAINS(parseConfigText(withValue("clock_mhz", "-5")), "'clock_mhz' must be in");
}

TEST(Config, HugeBuffersAreRejected) {
  nlohmann::json json = defaultJson();
  json["input_buffer_bytes"] = int64_t(1) << 60;
  EXPECT_FALSE(parseConfig(json).ok());
}

TEST(Config, DirectoryIsAnError) {
  std::string dir = std::string(TESSERA_SOURCE_DIR) + "/configs";
  EXPECT_ERROR_CONTAINS(loadConfigFile(dir), "is a directory");
}

TEST(Config, FileErrorsNameThePath) {
  EXPECT_ERROR_CONTAINS(loadConfigFile("/nonexistent/cfg.json"), "/nonexistent/cfg.json");
}

} // namespace
} // namespace tessera::isa
