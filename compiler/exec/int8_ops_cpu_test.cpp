//===- int8_ops_cpu_test.cpp - The int8 ops compiled for the cpu, bit for bit -----===//
//
// Small graphs of the accelerator's int8 ops (QConv, QGemm, QAdd, QMatMul, QMul, QMax,
// QMin, QClip, QLut, QMaxPool, QAveragePool, QGlobalAveragePool) compiled for the cpu
// target must plan with no reference fallback and give exactly the interpreter's
// int8 results (compiler/interp/kernels_int8.cpp) on random inputs that reach the
// int8 extremes, with rounding ties, saturation, clips and odd shapes.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <random>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/graph/parser.h"

namespace tessera::exec {
namespace {

/// Random int8 values, one in four at -128, -127, 126 or 127.
Tensor randomInt8(Shape shape, unsigned seed) {
  std::mt19937 rng(seed);
  Tensor t(DType::I8, shape);
  const int8_t extremes[] = {-128, -127, 126, 127};
  for (int64_t k = 0; k < t.elementCount(); ++k)
    t.data<int8_t>()[k] = rng() % 4 == 0 ? extremes[rng() % 4] : int8_t(int(rng() % 256) - 128);
  return t;
}

/// Compiles `text`, checks that nothing falls back, and compares every output exactly.
void expectBitIdentical(const std::string &text, const interp::TensorMap &inputs) {
  exec::testing::compareCompiledWithInterpreter(text, inputs, [](const std::string &name, const Tensor &w, const Tensor &r) {
    ASSERT_EQ(w.dtype(), r.dtype()) << name;
    ASSERT_EQ(w.shape(), r.shape()) << name;
    int64_t differing = 0;
    for (int64_t k = 0; k < w.elementCount(); ++k) differing += w.data<int8_t>()[k] != r.data<int8_t>()[k];
    EXPECT_EQ(differing, 0) << name << ": elements differing of " << w.elementCount();
  });
}

/// `op` with the given requant operand and clip as attribute text.
std::string attrs(int64_t multiplier, int64_t shift, int lo, int hi, const std::string &extra = "") {
  return "{" + extra + "clip = [" + std::to_string(lo) + ", " + std::to_string(hi) + "], requant_multiplier = [" +
         std::to_string(multiplier) + "], requant_shift = [" + std::to_string(shift) + "]}";
}

struct Requant {
  int64_t multiplier, shift;
  int lo, hi;
};

// Typical operands (m in [2^23, 2^24)), ties (m = 1, small shifts), no shift (every
// sum saturates), large shifts (results 0), relu and narrow clips.
const Requant kRequants[] = {{12582912, 31, -128, 127}, {1, 1, -128, 127},   {3, 2, 0, 127},
                             {1, 0, -128, 127},         {16777215, 55, -128, 127}, {16777215, 56, -128, 127},
                             {9437184, 63, -128, 127},  {15000000, 24, -6, 6},     {8388608, 20, 0, 127}};

TEST(Int8OpsCpu, QAddMatchesInterpreter) {
  unsigned seed = 1;
  for (const Requant &r : kRequants)
    for (auto [mulA, mulB] : {std::pair{16384, 9000}, std::pair{-700, 16384}, std::pair{1, 1}}) {
      std::string extra = "mul_a = " + std::to_string(mulA) + ", mul_b = " + std::to_string(mulB) + ", ";
      expectBitIdentical("graph @main(%a: i8[2,3,37], %b: i8[2,3,37]) {\n  %y = QAdd(%a, %b) " +
                             attrs(r.multiplier, r.shift, r.lo, r.hi, extra) + " : i8[2,3,37]\n  return %y\n}\n",
                         {{"a", randomInt8({2, 3, 37}, seed++)}, {"b", randomInt8({2, 3, 37}, seed++)}});
    }
}

// Planes of 13x11 and 1 element, 3-D and 4-D inputs.
TEST(Int8OpsCpu, QGlobalAveragePoolMatchesInterpreter) {
  unsigned seed = 300;
  for (const Requant &r : kRequants) {
    expectBitIdentical("graph @main(%x: i8[2,5,13,11]) {\n  %y = QGlobalAveragePool(%x) " +
                           attrs(r.multiplier, r.shift, r.lo, r.hi) + " : i8[2,5,1,1]\n  return %y\n}\n",
                       {{"x", randomInt8({2, 5, 13, 11}, seed++)}});
    expectBitIdentical("graph @main(%x: i8[1,7,1]) {\n  %y = QGlobalAveragePool(%x) " +
                           attrs(r.multiplier, r.shift, r.lo, r.hi) + " : i8[1,7,1]\n  return %y\n}\n",
                       {{"x", randomInt8({1, 7, 1}, seed++)}});
  }
}

TEST(Int8OpsCpu, QMatMulMatchesInterpreter) {
  unsigned seed = 100;
  for (const Requant &r : kRequants)
    expectBitIdentical("graph @main(%a: i8[2,3,5,7], %b: i8[2,3,7,9]) {\n  %y = QMatMul(%a, %b) " +
                           attrs(r.multiplier, r.shift, r.lo, r.hi) + " : i8[2,3,5,9]\n  return %y\n}\n",
                       {{"a", randomInt8({2, 3, 5, 7}, seed++)}, {"b", randomInt8({2, 3, 7, 9}, seed++)}});
}

// Batch axes broadcast from the right, as MatMul's: [3,5,7] x [2,1,7,9] -> [2,3,5,9],
// and a long K (the int32 sums reach beyond 2^16).
TEST(Int8OpsCpu, QMatMulBroadcastsBatchesAndSumsLongRows) {
  expectBitIdentical("graph @main(%a: i8[3,5,7], %b: i8[2,1,7,9]) {\n  %y = QMatMul(%a, %b) " +
                         attrs(12582912, 30, -128, 127) + " : i8[2,3,5,9]\n  return %y\n}\n",
                     {{"a", randomInt8({3, 5, 7}, 7)}, {"b", randomInt8({2, 1, 7, 9}, 8)}});
  expectBitIdentical("graph @main(%a: i8[4,300], %b: i8[300,6]) {\n  %y = QMatMul(%a, %b) " +
                         attrs(10000000, 36, 0, 127) + " : i8[4,6]\n  return %y\n}\n",
                     {{"a", randomInt8({4, 300}, 9)}, {"b", randomInt8({300, 6}, 10)}});
}

/// Random int32 biases in [-2^20, 2^20).
Tensor randomBias(int64_t channels, unsigned seed) {
  std::mt19937 rng(seed);
  Tensor t(DType::I32, {channels});
  for (int64_t k = 0; k < channels; ++k) t.data<int32_t>()[k] = int32_t(rng() % (1u << 21)) - (1 << 20);
  return t;
}

/// The attributes of a per-channel requant: channel c takes kRequants[(c + first) % 9]'s
/// operand, every channel the clip of kRequants[first].
std::string perChannelAttrs(int64_t channels, size_t first, const std::string &extra = "") {
  std::string multipliers, shifts;
  for (int64_t c = 0; c < channels; ++c) {
    const Requant &r = kRequants[(size_t(c) + first) % std::size(kRequants)];
    multipliers += (c ? ", " : "") + std::to_string(r.multiplier);
    shifts += (c ? ", " : "") + std::to_string(r.shift);
  }
  const Requant &clip = kRequants[first % std::size(kRequants)];
  return "{" + extra + "clip = [" + std::to_string(clip.lo) + ", " + std::to_string(clip.hi) +
         "], requant_multiplier = [" + multipliers + "], requant_shift = [" + shifts + "]}";
}

std::string shapeText(const char *dtype, const Shape &shape) {
  std::string text = std::string(dtype) + "[";
  for (size_t d = 0; d < shape.size(); ++d) text += (d ? "," : "") + std::to_string(shape[d]);
  return text + "]";
}

// QConv with a per-channel requant of every kind (ties, saturation, shifts of 0 and of
// 56 and more), bias, padding, stride, dilation and groups, as a host region runs a
// convolution the accelerator's scratchpads cannot hold.
TEST(Int8OpsCpu, QConvMatchesInterpreter) {
  struct Case {
    const char *attrs;
    Shape w, out;
  };
  const Case cases[] = {{"pads = [1, 1, 1, 1], ", {9, 4, 3, 3}, {2, 9, 7, 6}},
                        {"pads = [0, 1, 2, 1], strides = [2, 2], ", {9, 4, 3, 3}, {2, 9, 4, 3}},
                        {"dilations = [2, 1], pads = [2, 0, 2, 0], ", {9, 4, 3, 3}, {2, 9, 7, 4}},
                        {"group = 2, pads = [1, 1, 1, 1], ", {6, 2, 3, 3}, {2, 6, 7, 6}},
                        {"group = 4, ", {8, 1, 1, 1}, {2, 8, 7, 6}}};
  unsigned seed = 400;
  for (size_t first = 0; first < std::size(kRequants); first += 4)
    for (const Case &c : cases) {
      std::string text = "graph @main(%x: i8[2,4,7,6], %w: " + shapeText("i8", c.w) + ", %b: " +
                         shapeText("i32", {c.w[0]}) + ") {\n  %y = QConv(%x, %w, %b) " +
                         perChannelAttrs(c.w[0], first, c.attrs) + " : " + shapeText("i8", c.out) +
                         "\n  return %y\n}\n";
      SCOPED_TRACE(text);
      expectBitIdentical(text, {{"x", randomInt8({2, 4, 7, 6}, seed++)},
                                {"w", randomInt8(c.w, seed++)},
                                {"b", randomBias(c.w[0], seed++)}});
    }
}

// QGemm on rows and on a token sequence [A, B, K], with and without a bias.
TEST(Int8OpsCpu, QGemmMatchesInterpreter) {
  unsigned seed = 500;
  for (size_t first = 0; first < std::size(kRequants); first += 2) {
    const Requant &r = kRequants[first];
    expectBitIdentical("graph @main(%x: i8[3,40], %w: i8[11,40], %b: i32[11]) {\n  %y = QGemm(%x, %w, %b) " +
                           perChannelAttrs(11, first) + " : i8[3,11]\n  return %y\n}\n",
                       {{"x", randomInt8({3, 40}, seed++)}, {"w", randomInt8({11, 40}, seed++)}, {"b", randomBias(11, seed++)}});
    expectBitIdentical("graph @main(%x: i8[2,5,17], %w: i8[6,17]) {\n  %y = QGemm(%x, %w) " +
                           attrs(r.multiplier, r.shift, r.lo, r.hi) + " : i8[2,5,6]\n  return %y\n}\n",
                       {{"x", randomInt8({2, 5, 17}, seed++)}, {"w", randomInt8({6, 17}, seed++)}});
  }
}

// QMaxPool (windows partly or wholly in the padding, ceil mode) and QAveragePool (the
// padding adds zeros; every requant kind), as a host region runs a pool the
// accelerator's scratchpads cannot hold.
TEST(Int8OpsCpu, QPoolsMatchInterpreter) {
  struct Case {
    const char *attrs;
    Shape out;
  };
  const Case cases[] = {{"kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]", {2, 3, 7, 5}},
                        {"kernel_shape = [2, 2], strides = [2, 2]", {2, 3, 6, 4}},
                        {"ceil_mode = 1, kernel_shape = [3, 3], strides = [2, 2]", {2, 3, 6, 4}},
                        {"dilations = [2, 2], kernel_shape = [2, 3], pads = [2, 2, 2, 2]", {2, 3, 15, 9}}};
  unsigned seed = 600;
  for (const Case &c : cases) {
    for (size_t r = 0; r < std::size(kRequants); r += 3) {
      const Requant &q = kRequants[r];
      std::string clip = "clip = [" + std::to_string(q.lo) + ", " + std::to_string(q.hi) + "], ";
      std::string text = "graph @main(%x: i8[2,3,13,9]) {\n  %m = QMaxPool(%x) {" + clip + c.attrs + "} : " +
                         shapeText("i8", c.out) + "\n  %a = QAveragePool(%x) " +
                         attrs(q.multiplier, q.shift, q.lo, q.hi, std::string(c.attrs) + ", ") + " : " +
                         shapeText("i8", c.out) + "\n  return %m, %a\n}\n";
      SCOPED_TRACE(text);
      expectBitIdentical(text, {{"x", randomInt8({2, 3, 13, 9}, seed++)}});
    }
  }
}

// QAdd feeding QMatMul feeding QAdd: the int8 ops of an attention block in one host region.
TEST(Int8OpsCpu, ChainOfInt8Ops) {
  expectBitIdentical(R"(graph @main(%a: i8[2,4,8], %b: i8[2,8,4], %c: i8[2,4,4]) {
  %m = QMatMul(%a, %b) {requant_multiplier = [12582912], requant_shift = [29]} : i8[2,4,4]
  %y = QAdd(%m, %c) {clip = [0, 127], mul_a = 16384, mul_b = 12000, requant_multiplier = [8388608], requant_shift = [37]} : i8[2,4,4]
  return %y
}
)",
                     {{"a", randomInt8({2, 4, 8}, 11)}, {"b", randomInt8({2, 8, 4}, 12)}, {"c", randomInt8({2, 4, 4}, 13)}});
}

// QMul with numpy broadcasting, for every requant operand.
TEST(Int8OpsCpu, QMulMatchesInterpreter) {
  unsigned seed = 200;
  for (const Requant &r : kRequants)
    expectBitIdentical("graph @main(%a: i8[2,3,37], %b: i8[3,1]) {\n  %y = QMul(%a, %b) " +
                           attrs(r.multiplier, r.shift, r.lo, r.hi) + " : i8[2,3,37]\n  return %y\n}\n",
                       {{"a", randomInt8({2, 3, 37}, seed++)}, {"b", randomInt8({3, 1}, seed++)}});
}

// QMax and QMin with and without a requant, QClip, and QLut through a random table.
TEST(Int8OpsCpu, MinMaxClipAndLutMatchInterpreter) {
  std::mt19937 rng(5);
  std::string table;
  for (int k = 0; k < 256; ++k) table += (k ? ", " : "") + std::to_string(int(rng() % 256) - 128);
  expectBitIdentical(R"(graph @main(%a: i8[3,41], %b: i8[3,41]) {
  %x = QMax(%a, %b) : i8[3,41]
  %n = QMin(%a, %b) {clip = [-20, 90], requant_multiplier = [12582912], requant_shift = [24]} : i8[3,41]
  %c = QClip(%a) {clip = [-6, 6]} : i8[3,41]
  %r = QClip(%b) {clip = [0, 127], requant_multiplier = [15000000], requant_shift = [22]} : i8[3,41]
  %l = QLut(%a) {table = [)" + table + R"(]} : i8[3,41]
  return %x, %n, %c, %r, %l
}
)",
                     {{"a", randomInt8({3, 41}, 21)}, {"b", randomInt8({3, 41}, 22)}});
}

} // namespace
} // namespace tessera::exec
