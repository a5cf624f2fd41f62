//===- systemc_timing_test.cpp - The worked examples of docs/microarchitecture.md ----===//
//
// Each test is one example of section 9, checked to the cycle: total_cycles and the
// start/end of each instruction the document tabulates.
//
//===----------------------------------------------------------------------===//
#include "simulator/systemc/report.h"
#include "simulator/systemc/systemc_test_util.h"

namespace tessera::systemc {
namespace {

using testing::loadConfig;
using testing::runOk;

struct Expected {
  size_t index;
  uint64_t start, end;
};

void expectTimes(const SystemcRun &run, std::initializer_list<Expected> expected) {
  for (const Expected &e : expected) {
    ASSERT_LT(e.index, run.outcome.records.size());
    EXPECT_EQ(run.outcome.records[e.index].start, e.start) << "instruction " << e.index;
    EXPECT_EQ(run.outcome.records[e.index].end, e.end) << "instruction " << e.index;
  }
}

TEST(WorkedExample, SingleLoad) {
  SystemcRun run = runOk(R"(
.tensor A input i8 16x16 @0x0
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16
finish
)", loadConfig("default"));
  EXPECT_EQ(run.outcome.totalCycles, 100u);
  expectTimes(run, {{0, 43, 99}, {1, 99, 100}});
  EXPECT_EQ(run.outcome.records[0].dispatch, 42u);
  EXPECT_EQ(run.outcome.records[0].firstBeat, 83u);
}

TEST(WorkedExample, SingleGemm) {
  SystemcRun run = runOk("gemm uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n", loadConfig("default"));
  EXPECT_EQ(run.outcome.totalCycles, 80u);
  expectTimes(run, {{0, 43, 79}, {1, 79, 80}});
  EXPECT_EQ(run.result.details["units"]["compute"]["busy_cycles"], 37u);
}

constexpr const char *kLoadGemmStore = R"(
.tensor A input i8 1x16 @0x0
.tensor W input i8 16x16 @0x100
.tensor C output i8 1x16 @0x200
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
finish pop_next
)";

TEST(WorkedExample, LoadGemmStoreWithTokens) {
  SystemcRun run = runOk(kLoadGemmStore, loadConfig("default"));
  EXPECT_EQ(run.outcome.totalCycles, 197u);
  expectTimes(run, {{0, 49, 90}, {1, 50, 91}, {2, 91, 147}, {3, 90, 95}, {4, 147, 152}, {5, 152, 155},
                    {6, 155, 196}, {7, 196, 197}});
  EXPECT_EQ(run.outcome.records[6].firstBeat, 195u);
  // The GEMM waited for the weight load's token from cycle 95 to 147.
  EXPECT_EQ(run.outcome.records[4].start - run.outcome.records[4].ready, 52u);
}

constexpr const char *kTwoTiles = R"(
.tensor A input i8 32x16 @0x0
.tensor W input i8 16x16 @0x200
.tensor C output i8 32x16 @0x300
.uop dst=0 src=0 wgt=0
.uop dst=16 src=16 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16 push_next
load buffer=inp sram_base=16 dram_base=A+16 y_size=1 x_size=16 x_stride=16 push_next
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=16 iter_in=4 dst_factor_out=1 src_factor_out=1
gemm pop_prev push_next uop_bgn=1 uop_end=2 iter_out=16 iter_in=4 dst_factor_out=1 src_factor_out=1
store pop_prev push_prev sram_base=0 dram_base=C y_size=1 x_size=32 x_stride=32
finish pop_next
)";

TEST(WorkedExample, LoadOfTileOneOverlapsGemmOfTileZero) {
  SystemcRun run = runOk(kTwoTiles, loadConfig("default"));
  EXPECT_EQ(run.outcome.totalCycles, 371u);
  expectTimes(run, {{0, 49, 90}, {1, 50, 106}, {2, 106, 162}, {3, 162, 218}, {4, 162, 230}, {5, 230, 298},
                    {6, 298, 370}, {7, 370, 371}});
  EXPECT_EQ(run.outcome.records[6].firstBeat, 338u);
  const auto &details = run.result.details;
  EXPECT_EQ(details["overlap"]["load_compute_cycles"], 96u);
  uint64_t loadBusy = details["units"]["load"]["busy_cycles"], computeBusy = details["units"]["compute"]["busy_cycles"];
  uint64_t storeBusy = details["units"]["store"]["busy_cycles"];
  EXPECT_GT(loadBusy + computeBusy + storeBusy, run.outcome.totalCycles) << "the units ran concurrently";
}

TEST(WorkedExample, DramPriorityComputeBeforeLoad) {
  // Section 9.5: the GEMM's c2l token releases the input load at 57, the same cycle the
  // compute unit starts its micro-op load; compute wins the channel, the load unit is
  // granted one burst later and counts one cycle of stall_dram.
  SystemcRun run = runOk(R"(
.tensor A input i8 16x16 @0x0
.uop dst=0 src=0 wgt=0
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=8 push_prev
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16 pop_next push_next
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
finish pop_prev
)", loadConfig("default"));
  const InstructionRecord &inp = run.outcome.records[1], &uop = run.outcome.records[2];
  EXPECT_EQ(run.outcome.records[0].end, 57u);
  EXPECT_EQ(uop.start, 57u);
  EXPECT_EQ(inp.start, 57u);
  EXPECT_EQ(uop.grant, 57u);
  EXPECT_EQ(inp.grant, 58u);
  EXPECT_EQ(uop.firstBeat, 97u);
  EXPECT_EQ(uop.end, 98u);
  EXPECT_EQ(inp.firstBeat, 98u);
  EXPECT_EQ(inp.end, 114u);
  EXPECT_EQ(inp.dramStall, 1u);
  EXPECT_EQ(run.outcome.totalCycles, 115u);
  EXPECT_EQ(run.result.details["units"]["load"]["stall_dram_cycles"], 1u);
}

TEST(WorkedExample, AluRegisterOperandAndReadPorts) {
  // Section 9.6: 32 register-operand rows, one cycle each with two accumulator read ports
  // (the default config), two each with one.
  const char *text = "alu alu_op=add uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n";
  isa::HardwareConfig config = loadConfig("default");
  ASSERT_EQ(config.alu_read_ports, 2);
  SystemcRun two = runOk(text, config);
  EXPECT_EQ(two.outcome.totalCycles, 78u);
  expectTimes(two, {{0, 43, 77}, {1, 77, 78}});
  config.alu_read_ports = 1;
  SystemcRun one = runOk(text, config);
  EXPECT_EQ(one.outcome.totalCycles, 110u);
  expectTimes(one, {{0, 43, 109}, {1, 109, 110}});
  EXPECT_EQ(one.result.details["units"]["compute"]["busy_cycles"], 67u);
}

TEST(WorkedExample, FetchReadsTheSecondBlockAfterTheFirst) {
  std::string text = ".tensor A input i8 64x16 @0x0\n";
  for (int i = 0; i < 16; ++i) text += "gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1\n";
  text += "load buffer=inp sram_base=16 dram_base=A y_size=4 x_size=16 x_stride=16\nfinish\n";
  SystemcRun run = runOk(text, loadConfig("default"));
  // Block 0 (16 instructions, 16 beats) arrives at 56; block 1 is requested at 56 and
  // arrives at 56 + 40 + 2 = 98. The load moves 4 rows of 256 bytes: 4 bursts, 64 beats.
  EXPECT_EQ(run.outcome.records[15].dispatch, 71u);
  EXPECT_EQ(run.outcome.records[16].dispatch, 98u);
  EXPECT_EQ(run.outcome.records[16].start, 99u);
  EXPECT_EQ(run.outcome.records[16].end, 99u + 40u + 64u);
  EXPECT_EQ(run.result.details["units"]["fetch"]["stall_dram_cycles"], 56u + 26u);
}

TEST(WorkedExample, PaddingCostsOneCyclePerEntry) {
  SystemcRun run = runOk(R"(
.tensor A input i8 2x16 @0x0
load buffer=inp sram_base=0 dram_base=A y_size=2 x_size=1 x_stride=1 y_pad_0=1 x_pad_1=2
finish
)", loadConfig("default"));
  // 2 rows of one 16-byte entry: 2 bursts, 2 beats; padding (3 x 3 - 2) = 7 entries.
  const InstructionRecord &load = run.outcome.records[0];
  EXPECT_EQ(load.start, 43u);
  EXPECT_EQ(load.firstBeat, 83u);
  EXPECT_EQ(load.end, 83u + 2u + 7u);
}

TEST(Fetch, FullInstructionQueueStallsDispatch) {
  // Small config: compute queue of 8. A 1000-cycle GEMM holds the compute unit while 12
  // more compute instructions arrive: dispatch stops when the queue is full and goes on
  // one instruction per started one.
  std::string text = "gemm uop_bgn=0 uop_end=1 iter_out=10 iter_in=100\n";
  for (int i = 0; i < 12; ++i) text += "gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1\n";
  SystemcRun run = runOk(text + "finish\n", loadConfig("small"));
  const auto &records = run.outcome.records;
  const uint64_t gemmEnd = records[0].end;
  EXPECT_EQ(gemmEnd, records[0].start + 1000u + 2u);
  // Instructions 1..8 fill the queue; instruction 9 waits for instruction 1 to start
  // (at gemmEnd) and is dispatched in the next cycle.
  EXPECT_LT(records[8].dispatch, gemmEnd);
  EXPECT_EQ(records[1].start, gemmEnd);
  EXPECT_EQ(records[9].dispatch, gemmEnd + 1);
  EXPECT_GT(run.result.details["units"]["fetch"]["stall_queue_cycles"].get<uint64_t>(), 0u);
}

} // namespace
} // namespace tessera::systemc
