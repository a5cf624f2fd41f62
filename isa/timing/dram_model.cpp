//===- dram_model.cpp - Transfer and burst views of the DRAM channel ------------===//
#include "isa/timing/dram_model.h"

#include <algorithm>
#include <cassert>

namespace tessera::timing {

std::string_view requesterName(Requester requester) {
  switch (requester) {
  case Requester::fetch: return "fetch";
  case Requester::compute: return "compute";
  case Requester::load: return "load";
  case Requester::store: return "store";
  }
  return "?";
}

Requester arbitrate(unsigned pendingMask) {
  assert(pendingMask != 0 && "arbitrate needs a pending request");
  for (int i = 0; i < kRequesterCount; ++i)
    if (pendingMask & (1u << i)) return Requester(i);
  return Requester::store;
}

TransferTiming DramModel::grant(uint64_t cycle, const TransferShape &shape) {
  assert(canGrant(cycle) && "the issue port is still busy");
  TransferTiming timing;
  timing.grant = cycle;
  timing.firstBeat = std::max(cycle + latency_, busFree_);
  timing.done = timing.firstBeat + shape.beats;
  issueFree_ = cycle + shape.bursts;
  busFree_ = timing.done;
  busyBeats_ += shape.beats;
  return timing;
}

uint64_t DramModel::acceptBurst(uint64_t cycle, uint64_t bytes) {
  uint64_t first = std::max(cycle + latency_, busFree_);
  uint64_t beats = beatsFor(bytes);
  busFree_ = first + beats;
  issueFree_ = std::max(issueFree_, cycle + 1);
  busyBeats_ += beats;
  return first;
}

} // namespace tessera::timing
