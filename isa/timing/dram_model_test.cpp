//===- dram_model_test.cpp - The DRAM channel's two views agree ------------------===//
#include "isa/timing/dram_model.h"

#include <gtest/gtest.h>

#include "isa/timing/transfer_shape.h"

namespace tessera::timing {
namespace {

TEST(DramModel, FirstTransferPaysTheLatency) {
  DramModel dram(40, 16);
  TransferTiming t = dram.grant(0, {1, 2, 32});
  EXPECT_EQ(t.firstBeat, 40u);
  EXPECT_EQ(t.done, 42u);
  EXPECT_EQ(dram.issueFree(), 1u);
  EXPECT_EQ(dram.busFree(), 42u);
}

TEST(DramModel, BackToBackTransfersQueueOnTheDataBus) {
  // Worked example 9.3 of docs/microarchitecture.md: the micro-op load is granted at 49,
  // the input load at 50 and its beat waits for the bus.
  DramModel dram(40, 16);
  dram.grant(0, {1, 8, 128});
  EXPECT_EQ(dram.grant(49, {1, 1, 4}).done, 90u);
  EXPECT_FALSE(dram.canGrant(49));
  TransferTiming t = dram.grant(50, {1, 1, 16});
  EXPECT_EQ(t.firstBeat, 90u);
  EXPECT_EQ(t.done, 91u);
}

TEST(DramModel, BurstViewMatchesTransferView) {
  // A 2-row transfer of 3 bursts per row (256 + 256 + 64 bytes) seen both ways.
  for (uint64_t start : {1u, 5u, 100u}) {
    DramModel whole(40, 16), bursts(40, 16);
    whole.grant(0, {1, 30, 480});
    bursts.acceptBurst(0, 480);
    TransferTiming t = whole.grant(start, {6, 2 * (16 + 16 + 4), 2 * 576});
    uint64_t cycle = start, first = 0;
    for (int row = 0; row < 2; ++row)
      for (uint64_t bytes : {256u, 256u, 64u}) {
        uint64_t beat = bursts.acceptBurst(cycle++, bytes);
        if (first == 0) first = beat;
      }
    EXPECT_EQ(first, t.firstBeat) << start;
    EXPECT_EQ(bursts.busFree(), t.done) << start;
    EXPECT_EQ(bursts.issueFree(), whole.issueFree()) << start;
  }
}

TEST(DramModel, FixedPriority) {
  EXPECT_EQ(arbitrate(0b1111), Requester::fetch);
  EXPECT_EQ(arbitrate(0b1110), Requester::compute);
  EXPECT_EQ(arbitrate(0b1100), Requester::load);
  EXPECT_EQ(arbitrate(0b1000), Requester::store);
}

} // namespace
} // namespace tessera::timing
