//===- examples_test.cpp - Every example round-trips and computes the right thing ------===//
#include <cmath>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "isa/assembler.h"
#include "isa/binary.h"
#include "runtime/device.h"
#include "support/file_io.h"

namespace tessera {
namespace {

isa::HardwareConfig defaultConfig() {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  EXPECT_TRUE(config.ok());
  return *config;
}

isa::Program assembleExample(const std::string &name, const isa::HardwareConfig &config) {
  std::string path = std::string(TESSERA_SOURCE_DIR) + "/examples/" + name;
  auto text = readTextFile(path);
  EXPECT_TRUE(text.ok()) << text.status();
  auto program = isa::assemble(*text, config, path);
  EXPECT_TRUE(program.ok()) << program.status();
  return *program;
}

std::vector<std::string> exampleNames() {
  std::vector<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(std::string(TESSERA_SOURCE_DIR) + "/examples"))
    if (entry.path().extension() == ".s") names.push_back(entry.path().filename());
  return names;
}

Tensor randomInt8(const Shape &shape, uint64_t seed) {
  Tensor tensor(DType::I8, shape);
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; i < tensor.elementCount(); ++i) tensor.data<int8_t>()[i] = int8_t(int(rng() % 256) - 128);
  return tensor;
}

int8_t requantShift(int64_t value, int shift) {
  return int8_t(std::clamp<int64_t>((value + (int64_t(1) << (shift - 1))) >> shift, -128, 127));
}

TEST(Examples, EveryExampleRoundTripsThroughBinaryAndText) {
  isa::HardwareConfig config = defaultConfig();
  ASSERT_GE(exampleNames().size(), 3u);
  for (const std::string &name : exampleNames()) {
    isa::Program program = assembleExample(name, config);
    auto bytes = isa::writeBinary(program, config);
    ASSERT_TRUE(bytes.ok()) << name;
    auto loaded = isa::readBinary(*bytes);
    ASSERT_TRUE(loaded.ok()) << name << ": " << loaded.status();
    std::string text = isa::printAssembly(loaded->program, config);
    auto again = isa::assemble(text, config, name + " (disassembled)");
    ASSERT_TRUE(again.ok()) << again.status();
    auto bytesAgain = isa::writeBinary(*again, config);
    EXPECT_EQ(*bytesAgain, *bytes) << name << ": text -> binary -> text -> binary changed the binary";
    EXPECT_EQ(isa::printAssembly(*again, config), text) << name;
  }
}

TEST(Examples, Gemm16MatchesPlainLoops) {
  isa::HardwareConfig config = defaultConfig();
  auto device = runtime::Device::open("functional", config);
  ASSERT_TRUE((*device)->load(assembleExample("gemm_16.s", config)).ok());
  Tensor a = randomInt8({1, 16}, 1), w = randomInt8({16, 16}, 2);
  ASSERT_TRUE((*device)->writeTensor("A", a).ok());
  ASSERT_TRUE((*device)->writeTensor("W", w).ok());
  ASSERT_TRUE((*device)->run({}).ok());
  Tensor c = *(*device)->readTensor("C");
  for (int o = 0; o < 16; ++o) {
    int64_t sum = 0;
    for (int i = 0; i < 16; ++i) sum += a.data<int8_t>()[i] * w.data<int8_t>()[o * 16 + i];
    EXPECT_EQ(c.data<int8_t>()[o], requantShift(sum, 2)) << o;
  }
}

TEST(Examples, ConvWithDmaPaddingMatchesDirectConvolution) {
  isa::HardwareConfig config = defaultConfig();
  auto device = runtime::Device::open("functional", config);
  ASSERT_TRUE((*device)->load(assembleExample("conv_pad.s", config)).ok());
  Tensor x = randomInt8({4, 4, 16}, 3), w = randomInt8({9, 16, 16}, 4);
  ASSERT_TRUE((*device)->writeTensor("X", x).ok());
  ASSERT_TRUE((*device)->writeTensor("W", w).ok());
  ASSERT_TRUE((*device)->run({}).ok());
  Tensor y = *(*device)->readTensor("Y");
  for (int oy = 0; oy < 4; ++oy)
    for (int ox = 0; ox < 4; ++ox)
      for (int o = 0; o < 16; ++o) {
        int64_t sum = 0;
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            int iy = oy + ky - 1, ix = ox + kx - 1;
            if (iy < 0 || iy >= 4 || ix < 0 || ix >= 4) continue;
            for (int i = 0; i < 16; ++i)
              sum += x.data<int8_t>()[(iy * 4 + ix) * 16 + i] * w.data<int8_t>()[((ky * 3 + kx) * 16 + o) * 16 + i];
          }
        int8_t expected = std::max<int8_t>(requantShift(sum, 6), 0);
        EXPECT_EQ(y.data<int8_t>()[(oy * 4 + ox) * 16 + o], expected) << oy << "," << ox << "," << o;
      }
}

// lut_sigmoid.s: X holds every int8 value, so Y must be the int8 sigmoid itself:
// saturate(round_half_even(sigmoid(x / 16) * 256) - 128), computed here in double.
TEST(Examples, LutSigmoidMatchesTheInt8Sigmoid) {
  isa::HardwareConfig config = defaultConfig();
  for (const char *backend : {"functional", "systemc"}) {
    auto device = runtime::Device::open(backend, config);
    ASSERT_TRUE(device.ok()) << device.status();
    ASSERT_TRUE((*device)->load(assembleExample("lut_sigmoid.s", config)).ok());
    ASSERT_TRUE((*device)->run({}).ok());
    Tensor y = *(*device)->readTensor("Y");
    for (int i = 0; i < 256; ++i) {
      double sigmoid = 1.0 / (1.0 + std::exp(-double(i - 128) / 16.0));
      double expected = std::clamp(std::nearbyint(sigmoid * 256.0) - 128.0, -128.0, 127.0);
      EXPECT_EQ(y.data<int8_t>()[i], int8_t(expected)) << backend << " x=" << i - 128;
    }
  }
}

} // namespace
} // namespace tessera
