//===- assembler_test.cpp - Assembly text in, program and canonical text out ----------===//
#include "isa/assembler.h"

#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

constexpr const char *kProgram = R"(
; a 16x16 by 16x16 matmul with a requantize
.tensor A input i8 1x16 @0x0
.tensor W const i8 16x16 @0x100
.data W fill 1
.tensor R const i32 16 @0x200
.data R 8388616 8388616 8388616 8388616 8388616 8388616 8388616 8388616
.data R 8388616 8388616 8388616 8388616 8388616 8388616 8388616 8388616
.tensor C output i8 1x16 @0x300
.uop dst=0 src=0 wgt=0
.uop dst=0 src=1 wgt=0
.segment matmul op=gemm
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=acc sram_base=1 dram_base=R y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=requant uop_bgn=1 uop_end=2 iter_out=1 iter_in=1 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev
.endsegment
finish
)";

TEST(Assembler, ParsesDirectivesAndResolvesSymbols) {
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(kProgram, config, "prog.s");
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_EQ(program->instructions.size(), 9u);
  EXPECT_EQ(program->uops.size(), 2u);
  EXPECT_EQ(program->uopOffset, 0x340u); // after C (0x300 + 16), 64-byte aligned
  EXPECT_EQ(program->instructions[0][Field::dram_base], 0x340 / 4);
  EXPECT_EQ(program->instructions[1][Field::dram_base], 0x200 / 64); // acc entries are 64 bytes
  EXPECT_EQ(program->instructions[3][Field::dram_base], 0x100 / 256);
  EXPECT_EQ(program->instructions[7][Field::dram_base], 0x300 / 16);
  ASSERT_EQ(program->segments.size(), 1u);
  EXPECT_EQ(program->segments[0].name, "matmul");
  EXPECT_EQ(program->segments[0].op, "gemm");
  EXPECT_EQ(program->segments[0].instructionCount, 8u);
  EXPECT_EQ(program->findTensor("W")->data.size(), 256u);
}

TEST(Assembler, PrintIsCanonicalAndRoundTrips) {
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(kProgram, config);
  ASSERT_TRUE(program.ok()) << program.status();
  std::string text = printAssembly(*program, config);
  auto again = assemble(text, config);
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << text;
  EXPECT_EQ(printAssembly(*again, config), text);
  EXPECT_EQ(again->instructions, program->instructions);
  EXPECT_EQ(again->uops, program->uops);
  EXPECT_EQ(again->segments.size(), program->segments.size());
}

struct ErrorCase {
  const char *text;
  const char *fragment;
};

TEST(Assembler, ErrorsNameLineAndField) {
  HardwareConfig config = loadTestConfig("default");
  const ErrorCase cases[] = {
      {"lod buffer=inp\nfinish", "t.s:1: unknown instruction 'lod'"},
      {"load buffer=inp y_sz=1\nfinish", "t.s:1: load: unknown field 'y_sz' (fields: pop_prev"},
      {"load buffer=bogus\nfinish", "t.s:1: unknown buffer 'bogus'"},
      {"alu uop_bgn=0 uop_end=1\nfinish", "t.s:1: alu: the alu_op field is required"},
      {"gemm iter_out=70000 uop_end=1\nfinish", "t.s:1: gemm: field iter_out = 70000 does not fit in 14 bits"},
      {"\n\nload buffer=inp dram_base=Nope y_size=1 x_size=1 x_stride=1\nfinish", "t.s:3: dram_base names unknown tensor 'Nope'"},
      {"gemm uop_end=1 uop_end=2\nfinish", "field 'uop_end' given twice"},
      {".tensor A input i8 1x15 @0x4\nload buffer=inp dram_base=A y_size=1 x_size=1 x_stride=1\nfinish",
       "'A' at byte 0x4 is not aligned to the 16-byte inp entries"},
      {".tensor K const i32 4 @0x0\n.data K 1 2\nfinish", "constant tensor 'K' has 2 of its 4 elements"},
      {".tensor K const i8 2 @0x0\n.data K 1 300\nfinish", "value 300 does not fit i8"},
      {"load buffer=inp sram_base=2047 y_size=1 x_size=2 x_stride=2\nfinish", "inp entries [2047, 2049) exceed the inp depth 2048"},
      {"load buffer=inp y_size=1 x_size=1 x_stride=1 pop_prev\nfinish", "the load unit has no previous unit"},
      {"finish\nfinish", "instruction 0: finish must be the last instruction"},
      {"gemm uop_end=1", "must end with a finish instruction"},
      {".bogus\nfinish", "t.s:1: unknown directive '.bogus'"},
  };
  for (const ErrorCase &c : cases) EXPECT_ERROR_CONTAINS(assemble(c.text, config, "t.s"), c.fragment);
}

TEST(Assembler, DramRangeIsChecked) {
  HardwareConfig config = loadTestConfig("default");
  EXPECT_ERROR_CONTAINS(assemble(".dram_bytes 0x1000\nload buffer=inp dram_base=255 y_size=2 x_size=1 x_stride=1\nfinish", config),
                        "exceed the DRAM size 0x1000");
}

TEST(Assembler, DeclaredSizesAreBoundedBeforeUse) {
  // Each would otherwise wrap, loop for hours or allocate far more than the file's size.
  HardwareConfig config = loadTestConfig("default");
  struct ErrorCase {
    const char *text;
    const char *fragment;
  };
  const ErrorCase cases[] = {
      {".tensor T const i8 4294967296x4294967296x4 @0\n.data T fill 1\nfinish",
       "t.s:1: .tensor 'T': shape 4294967296x4294967296x4 has more than 2147483648 elements"},
      {".tensor T input i32 1073741824x4 @0\nfinish", "t.s:1: .tensor 'T': shape 1073741824x4 has more"},
      {".tensor T input i32 1073741824 @0x10\nfinish", "t.s:1: .tensor 'T': bytes [16, +4294967296) pass the DRAM limit"},
      {".tensor T input i8 16 @0xffffffffffffffff\nfinish", "t.s:1: .tensor 'T': bytes [18446744073709551615, +16)"},
      {".dram_bytes 0x100000000000\nfinish", "t.s:1: .dram_bytes is 17592186044416 bytes; the limit is 4294967296"},
      {".uops @0xfffffffffffffff0\nfinish", "t.s:1: .uops offset is 18446744073709551600 bytes; the limit"},
      {".instructions @0x200000000\nfinish", "t.s:1: .instructions offset is 8589934592 bytes; the limit"},
  };
  for (const ErrorCase &c : cases) EXPECT_ERROR_CONTAINS(assemble(c.text, config, "t.s"), c.fragment);
}

TEST(Verifier, BoundsSizesOfAProgramBuiltInMemory) {
  // Programs built by the compiler skip the assembler's checks; the verifier repeats them.
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(".tensor T input i8 16 @0\nfinish", config);
  ASSERT_TRUE(program.ok()) << program.status();
  Program wrapped = *program;
  wrapped.tensors[0].shape = {int64_t(1) << 32, int64_t(1) << 32, 4};
  EXPECT_EQ(wrapped.tensors[0].byteSize(), UINT64_MAX);
  EXPECT_ERROR_CONTAINS(verifyProgram(wrapped, config), "tensor 'T': shape 4294967296x4294967296x4 has more");
  Program farOffset = *program;
  farOffset.tensors[0].dramOffset = UINT64_MAX - 7;
  EXPECT_ERROR_CONTAINS(verifyProgram(farOffset, config), "tensor 'T': DRAM offset 0xfffffffffffffff8 is past");
  Program hugeDram = *program;
  hugeDram.dramBytes = UINT64_MAX;
  EXPECT_ERROR_CONTAINS(verifyProgram(hugeDram, config), "dram_bytes is 18446744073709551615 bytes; the limit");
}

TEST(Assembler, FillIsExact) {
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(".tensor T const i32 3x5 @0\n.data T fill -2\nfinish", config);
  ASSERT_TRUE(program.ok()) << program.status();
  const TensorInfo *tensor = program->findTensor("T");
  ASSERT_EQ(tensor->data.size(), 60u);
  EXPECT_EQ(tensor->data[56], 0xfe);
  EXPECT_EQ(tensor->data[59], 0xff);
}

} // namespace
} // namespace tessera::isa
