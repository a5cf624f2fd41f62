//===- encoding_test.cpp - Expected bytes of every instruction ----------------------===//
//
// In the spirit of LLVM's MC tests: each case is one line of assembly and the 128-bit
// word it must encode to, computed by hand from the bit tables in docs/isa.md for the
// default config. Each is also decoded and printed back to the same text. The wide cases
// (tests/configs/wide.json) check 256-bit words and 64-bit micro-ops: fields across the
// 64-bit limbs and bit 128, and the error of a config beyond 256 bits.
//
//===----------------------------------------------------------------------===//
#include "isa/assembler.h"
#include "isa/instruction.h"
#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

struct EncodingCase {
  const char *text;
  uint64_t lo;
  uint64_t hi;
};

// Default config bit positions: header opcode[2:0] pop_prev[3] pop_next[4] push_prev[5]
// push_next[6]. load: buffer[9:7] sram_base[22:10] dram_base[54:23] y_size[70:55]
// x_size[86:71] x_stride[102:87] pads[106:103][110:107][114:111][118:115].
// store: sram_base[19:7] dram_base[51:20] y_size[67:52] x_size[83:68] x_stride[99:84].
// gemm: reset[7] uop_bgn[20:8] uop_end[34:21] iter_out[48:35] iter_in[62:49]
// dst_factor_out[73:63] dst_factor_in[84:74] src_factor_out[95:85] src_factor_in[106:96]
// wgt_factor_out[116:107] wgt_factor_in[126:117].
// alu: alu_op[10:7] uop_bgn[23:11] uop_end[37:24] iter_out[51:38] iter_in[65:52]
// dst_factor_out[76:66] dst_factor_in[87:77] src_factor_out[98:88] src_factor_in[109:99]
// use_imm[110] imm[126:111].
const EncodingCase kDefaultCases[] = {
    {"load buffer=inp sram_base=1 dram_base=2 y_size=3 x_size=4 x_stride=5 y_pad_0=1 y_pad_1=2 x_pad_0=3 "
     "x_pad_1=4 push_next",
     0x01800000010004C0ull, 0x0021908002800200ull},
    {"store sram_base=3 dram_base=16 y_size=2 x_size=16 x_stride=32 pop_prev push_prev",
     0x00200000010001A9ull, 0x0000000002000100ull},
    {"gemm reset pop_prev push_prev uop_bgn=1 uop_end=2 iter_out=3 iter_in=4 dst_factor_out=5 dst_factor_in=6 "
     "src_factor_out=7 src_factor_in=8 wgt_factor_out=9 wgt_factor_in=10",
     0x80080018004001AAull, 0x0140480800E01802ull},
    {"finish", 0x3ull, 0x0ull},
    {"alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=-2",
     0x0010004001000384ull, 0x7FFF400000000000ull},
    // The lookup-table ops: alu_op 9 (lut) and 10 (lutset).
    {"alu alu_op=lut uop_bgn=2 uop_end=3 iter_out=4 iter_in=1 use_imm", 0x0010010003001484ull, 0x0000400000000000ull},
    {"alu alu_op=lutset uop_bgn=0 uop_end=1 iter_out=16 iter_in=1 dst_factor_out=1 src_factor_out=1 pop_prev",
     0x001004000100050Cull, 0x0000000001000004ull},
};

Instruction assembleOne(const std::string &text, const HardwareConfig &config) {
  auto program = assemble(text + (text == "finish" ? "\n" : "\nfinish\n"), config);
  EXPECT_TRUE(program.ok()) << program.status();
  return program.ok() ? program->instructions.front() : Instruction{};
}

TEST(Encoding, EveryOpcodeMatchesHandComputedBits) {
  HardwareConfig config = loadTestConfig("default");
  auto layout = IsaLayout::build(config);
  ASSERT_TRUE(layout.ok());
  for (const EncodingCase &c : kDefaultCases) {
    Instruction inst = assembleOne(c.text, config);
    auto word = encode(*layout, inst);
    ASSERT_TRUE(word.ok()) << word.status();
    EXPECT_EQ(word->limbs[0], c.lo) << c.text << std::hex << "\n got lo 0x" << word->limbs[0];
    EXPECT_EQ(word->limbs[1], c.hi) << c.text << std::hex << "\n got hi 0x" << word->limbs[1];
    EXPECT_EQ(word->limbs[2] | word->limbs[3], 0u) << c.text;
    auto decoded = decode(*layout, *word);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, inst);
    // Text -> binary -> text is the identity on canonical text.
    Instruction again = assembleOne(printInstruction(*decoded, *layout), config);
    EXPECT_EQ(again, inst) << printInstruction(*decoded, *layout);
  }
}

TEST(Encoding, FieldWidthsFollowTheConfig) {
  HardwareConfig small = loadTestConfig("small");
  HardwareConfig large = loadTestConfig("large");
  auto smallLayout = IsaLayout::build(small);
  auto largeLayout = IsaLayout::build(large);
  ASSERT_TRUE(smallLayout.ok() && largeLayout.ok());
  // small: acc depth 512 -> 9-bit dst factors; large: acc depth 2048 -> 11 bits.
  EXPECT_EQ(smallLayout->format(Opcode::gemm).find(Field::dst_factor_out)->width, 9);
  EXPECT_EQ(largeLayout->format(Opcode::gemm).find(Field::dst_factor_out)->width, 11);
  EXPECT_EQ(largeLayout->format(Opcode::gemm).find(Field::wgt_factor_in)->width, 9);
  EXPECT_EQ(smallLayout->format(Opcode::gemm).find(Field::uop_end)->width, 9);
}

TEST(Encoding, UopBitsMatchHandComputedWord) {
  HardwareConfig config = loadTestConfig("default");
  auto layout = IsaLayout::build(config);
  ASSERT_TRUE(layout.ok());
  // dst[10:0] src[21:11] wgt[31:22]
  auto word = encodeUop(*layout, Uop{1, 2, 3});
  ASSERT_TRUE(word.ok());
  EXPECT_EQ(*word, 0x00C01001u);
  EXPECT_EQ(decodeUop(*layout, *word), (Uop{1, 2, 3}));
  EXPECT_ERROR_CONTAINS(encodeUop(*layout, Uop{2048, 0, 0}), "micro-op field dst = 2048 does not fit in 11 bits");
}

TEST(Encoding, RejectsValuesThatDoNotFit) {
  HardwareConfig config = loadTestConfig("default");
  auto layout = IsaLayout::build(config);
  ASSERT_TRUE(layout.ok());
  Instruction inst = makeInstruction(Opcode::alu);
  inst[Field::imm] = 40000;
  EXPECT_ERROR_CONTAINS(encode(*layout, inst), "alu: field imm = 40000 does not fit in 16 signed bits");
  inst = makeInstruction(Opcode::gemm);
  inst[Field::iter_out] = 1 << 14;
  EXPECT_ERROR_CONTAINS(encode(*layout, inst), "gemm: field iter_out = 16384 does not fit in 14 bits");
}

TEST(Encoding, DecodeRejectsCorruptWords) {
  HardwareConfig config = loadTestConfig("default");
  auto layout = IsaLayout::build(config);
  ASSERT_TRUE(layout.ok());
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{7, 0}}), "unknown opcode 7");
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{3, 1ull << 60}}), "finish: reserved bits [7, 127] are not zero");
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{uint64_t(7) << 7, 0}}), "load: unknown buffer id 7");
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{4 | (uint64_t(15) << 7), 0}}), "alu: unknown alu_op 15");
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{4 | (uint64_t(11) << 7), 0}}), "alu: unknown alu_op 11"); // lutset + 1
}

TEST(Encoding, BitsStraddleLimbsAndThe128BitBoundary) {
  Word word;
  insertBits(word, 60, 10, 0x3FF);        // bits 60..69: limbs 0 and 1
  insertBits(word, 120, 16, 0xBEEF);      // bits 120..135: across bit 128
  insertBits(word, 190, 64, ~0ull >> 1);  // bits 190..253: limbs 2 and 3
  insertBits(word, 255, 1, 1);
  EXPECT_EQ(word.limbs[0], 0xF000000000000000ull);
  EXPECT_EQ(word.limbs[1], 0xEF0000000000003Full);
  EXPECT_EQ(word.limbs[2], 0xC0000000000000BEull);
  EXPECT_EQ(word.limbs[3], 0x9FFFFFFFFFFFFFFFull); // bits 192..252, then bit 255
  EXPECT_EQ(extractBits(word, 60, 10), 0x3FFu);
  EXPECT_EQ(extractBits(word, 120, 16), 0xBEEFu);
  EXPECT_EQ(extractBits(word, 190, 64), ~0ull >> 1);
  EXPECT_EQ(extractBits(word, 255, 1), 1u);
  EXPECT_EQ(extractBits(word, 256, 8), 0u); // past the word reads as zero
  uint8_t bytes[32];
  storeWord(word, bytes, 32);
  EXPECT_EQ(loadWord(bytes, 32), word);
  EXPECT_EQ(bytes[16], 0xBE);
}

TEST(Encoding, SmallBlocksWidenTheWords) {
  // 8x8 blocks with default.json's buffers: 4096-entry inp/wgt/acc, so the micro-op's
  // 12 + 12 + 12 bits need 64 and gemm's 133 bits need 256.
  auto layout = IsaLayout::build(testing::loadTestOnlyConfig("wide"));
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->instructionBits(), 256);
  EXPECT_EQ(layout->instructionBytes(), 32);
  EXPECT_EQ(layout->uopBits(), 64);
  EXPECT_EQ(layout->uopBytes(), 8);
  EXPECT_EQ(layout->format(Opcode::gemm).usedBits, 133);
  EXPECT_EQ(layout->uopUsedBits(), 36);
  // wgt_factor_in sits at [132:121], across bit 128.
  const FieldLayout *straddling = layout->format(Opcode::gemm).find(Field::wgt_factor_in);
  EXPECT_EQ(straddling->offset, 121);
  EXPECT_EQ(straddling->width, 12);
  // Half the buffers: 2048 entries; gemm fits 128 bits but the micro-op (33 bits) does not fit 32.
  nlohmann::json half = testing::loadTestOnlyConfig("wide").toJson();
  for (const char *key : {"uop_buffer_bytes", "input_buffer_bytes", "weight_buffer_bytes", "acc_buffer_bytes",
                          "output_buffer_bytes"})
    half[key] = half[key].get<int64_t>() / 2;
  auto halfConfig = parseConfig(half);
  ASSERT_TRUE(halfConfig.ok()) << halfConfig.status();
  IsaWidths widths = isaWidthsFor(*halfConfig);
  EXPECT_EQ(widths.instructionBits, 128);
  EXPECT_EQ(widths.uopBits, 64);
  EXPECT_EQ(halfConfig->entryBytes(Buffer::uop), 8);
}

TEST(Encoding, WideWordsRoundTripEveryFieldAtItsLargestValue) {
  HardwareConfig config = testing::loadTestOnlyConfig("wide");
  auto layout = IsaLayout::build(config);
  ASSERT_TRUE(layout.ok()) << layout.status();
  for (Opcode opcode : {Opcode::load, Opcode::store, Opcode::gemm, Opcode::alu}) {
    Instruction inst = makeInstruction(opcode);
    for (const FieldLayout &field : layout->format(opcode).fields) {
      if (field.field == Field::opcode) continue;
      int64_t largest = field.isSigned ? (int64_t(1) << (field.width - 1)) - 1 : (int64_t(1) << field.width) - 1;
      inst[field.field] = field.field == Field::buffer ? int64_t(Buffer::acc8)
                          : field.field == Field::alu_op ? int64_t(AluOp::mov)
                                                         : largest;
    }
    auto word = encode(*layout, inst);
    ASSERT_TRUE(word.ok()) << word.status();
    uint8_t bytes[32];
    storeWord(*word, bytes, layout->instructionBytes());
    auto decoded = decode(*layout, loadWord(bytes, layout->instructionBytes()));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, inst) << opcodeName(opcode);
  }
  EXPECT_ERROR_CONTAINS(decode(*layout, Word{{3, 0, 0, 1ull << 63}}), "finish: reserved bits [7, 255] are not zero");
}

TEST(Encoding, WideMicroOpsUseSixtyFourBits) {
  auto layout = IsaLayout::build(testing::loadTestOnlyConfig("wide"));
  ASSERT_TRUE(layout.ok()) << layout.status();
  // dst[11:0] src[23:12] wgt[35:24]
  auto word = encodeUop(*layout, Uop{4095, 1, 4095});
  ASSERT_TRUE(word.ok()) << word.status();
  EXPECT_EQ(*word, 0xFFF001FFFull);
  uint8_t bytes[8];
  storeUopWord(*word, bytes, layout->uopBytes());
  EXPECT_EQ(decodeUop(*layout, loadUopWord(bytes, layout->uopBytes())), (Uop{4095, 1, 4095}));
  EXPECT_ERROR_CONTAINS(encodeUop(*layout, Uop{0, 4096, 0}), "micro-op field src = 4096 does not fit in 12 bits");
}

TEST(Encoding, ConfigsBeyondTwoHundredFiftySixBitsNameTheFieldAndKey) {
  // 2^21-entry inp and acc, 2^22-entry wgt (a 64-bit micro-op, full) and 2^46 micro-ops:
  // gemm needs 8 + 46 + 47 + 28 + 2 * (21 + 21 + 22) = 257 bits.
  nlohmann::json json = testing::loadTestOnlyConfig("wide").toJson();
  json["input_buffer_bytes"] = int64_t(1) << 24;
  json["acc_buffer_bytes"] = int64_t(1) << 26;
  json["output_buffer_bytes"] = int64_t(1) << 24;
  json["weight_buffer_bytes"] = int64_t(1) << 28;
  json["uop_buffer_bytes"] = int64_t(1) << 49;
  EXPECT_ERROR_CONTAINS(parseConfig(json), "config 'wide': gemm needs 257 bits (> 256): field `uop_end` is 47 bits "
                                           "from log2(uop depth) + 1; lower `uop_buffer_bytes`");
  json["input_buffer_bytes"] = int64_t(1) << 43; // 2^40 inp entries: src is 40 bits
  EXPECT_ERROR_CONTAINS(parseConfig(json),
                        "a micro-op needs 83 bits (at most 64, each field at most 32): field `src` is 40 bits from "
                        "log2(inp depth); lower `input_buffer_bytes` or raise `block_in`");
}

} // namespace
} // namespace tessera::isa
