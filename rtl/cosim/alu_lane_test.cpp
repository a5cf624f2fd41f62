//===- alu_lane_test.cpp - One ALU lane of the RTL against the golden lane semantics ---===//
//
// rtl/tessera_alu_lane.sv, Verilated on its own, against isa::aluLane
// (isa/alu_ops.h) for every operation, with a register and an immediate
// operand, on edge values (0, +-1, the int8 and int32 limits, every shift amount around the
// saturation points) and on seeded random values. Immediate operands are 16-bit signed,
// as the ALU feeds them. shr by INT32_MIN is left out: the golden lane negates it. The
// lane's lookup table (lut) is a seeded random table; lut is also checked on every int8
// input and on inputs that saturate the index, with several tables.
//
//===----------------------------------------------------------------------===//
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <verilated.h>

#include "Vtessera_alu_lane.h"
#include "isa/alu_ops.h"

namespace tessera {
namespace {

std::vector<int32_t> edgeValues() {
  std::vector<int32_t> values = {0, 1, -1, 2, -2, 127, 128, -128, -129, 255, 256, 0x7fff, -0x8000,
                                 std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                 std::numeric_limits<int32_t>::max() - 1, std::numeric_limits<int32_t>::min() + 1};
  for (int32_t shift = -40; shift <= 70; ++shift) values.push_back(shift);
  for (uint32_t m : {1u, 3u, 0x7fffu, 0x800000u, 0xffffffu})
    for (uint32_t s : {0u, 1u, 7u, 31u, 32u, 62u, 63u, 64u, 255u}) values.push_back(isa::packRequantOperand(m, s));
  return values;
}

class AluLane {
public:
  AluLane() : lane_(&context_) {}
  /// Drives lut_i: entry i in bits [8i+7:8i], four entries per 32-bit word.
  void setTable(const isa::LutTable &table) {
    for (int word = 0; word < isa::kLutEntries / 4; ++word) {
      uint32_t bits = 0;
      for (int byte = 0; byte < 4; ++byte) bits |= uint32_t(uint8_t(table[size_t(word * 4 + byte)])) << (8 * byte);
      lane_.lut_i[word] = bits;
    }
  }
  int32_t eval(isa::AluOp op, int32_t x, int32_t operand, bool useImm) {
    lane_.enable_i = 1;
    lane_.op_i = uint8_t(op);
    lane_.use_imm_i = useImm;
    lane_.x_i = uint32_t(x);
    lane_.operand_i = uint32_t(operand);
    lane_.eval();
    return int32_t(lane_.result_o);
  }

private:
  VerilatedContext context_;
  Vtessera_alu_lane lane_;
};

bool skipped(isa::AluOp op, int32_t operand) {
  return op == isa::AluOp::shr && operand == std::numeric_limits<int32_t>::min();
}

isa::LutTable randomTable(std::mt19937 &random) {
  isa::LutTable table;
  for (int8_t &entry : table) entry = int8_t(random());
  return table;
}

void check(AluLane &lane, const isa::LutTable &table, isa::AluOp op, int32_t x, int32_t operand, bool useImm) {
  if (useImm) operand = int16_t(operand);
  if (skipped(op, operand)) return;
  int32_t expected = isa::aluLane(op, x, operand, useImm, table);
  int32_t actual = lane.eval(op, x, operand, useImm);
  ASSERT_EQ(actual, expected) << isa::aluOpName(op) << (useImm ? " imm " : " reg ") << "x=" << x
                              << " operand=" << operand;
}

TEST(RtlAluLane, EdgeValuesMatchGolden) {
  AluLane lane;
  std::mt19937 random(7);
  isa::LutTable table = randomTable(random);
  lane.setTable(table);
  std::vector<int32_t> values = edgeValues();
  for (int op = 0; op < isa::kAluOpCount; ++op)
    for (bool useImm : {false, true})
      for (int32_t x : values)
        for (int32_t operand : values) check(lane, table, isa::AluOp(op), x, operand, useImm);
}

TEST(RtlAluLane, RandomValuesMatchGolden) {
  AluLane lane;
  std::mt19937 random(42);
  isa::LutTable table = randomTable(random);
  lane.setTable(table);
  for (int i = 0; i < 200000; ++i) {
    auto op = isa::AluOp(random() % isa::kAluOpCount);
    check(lane, table, op, int32_t(random()), int32_t(random()), random() % 2 != 0);
  }
}

// Every int8 input and the inputs just outside int8 (the saturated index), with tables
// of each byte pattern's extremes and random ones.
TEST(RtlAluLane, LutEveryIndexMatchesGolden) {
  AluLane lane;
  std::mt19937 random(3);
  isa::LutTable ramp, zeros{};
  for (int i = 0; i < isa::kLutEntries; ++i) ramp[size_t(i)] = int8_t(i - 128);
  std::vector<int32_t> inputs = {128, 129, 1000, std::numeric_limits<int32_t>::max(), -129, -1000,
                                 std::numeric_limits<int32_t>::min()};
  for (int32_t x = -128; x <= 127; ++x) inputs.push_back(x);
  for (const isa::LutTable &table : {ramp, zeros, randomTable(random), randomTable(random)}) {
    lane.setTable(table);
    for (int32_t x : inputs)
      for (bool useImm : {false, true}) check(lane, table, isa::AluOp::lut, x, int32_t(random()), useImm);
  }
}

} // namespace
} // namespace tessera
