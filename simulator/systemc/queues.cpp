//===- queues.cpp - Queue channel updates --------------------------------------------===//
#include "simulator/systemc/queues.h"

#include <cassert>

namespace tessera::systemc {

void InstructionQueue::push(size_t index, uint64_t cycle) {
  assert(hasRoom(cycle) && "dispatch into a full instruction queue");
  entries_.push_back({index, cycle + 1});
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void InstructionQueue::pop(uint64_t cycle) {
  entries_.pop_front();
  lastPop_ = cycle;
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void TokenQueue::pop(uint64_t cycle) {
  assert(count_ > 0 && "pop from an empty token queue");
  --count_;
  lastPop_ = cycle;
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void TokenQueue::push() {
  assert(count_ < depth_ && "push into a full token queue");
  ++count_;
  changed_.notify(sc_core::SC_ZERO_TIME);
}

} // namespace tessera::systemc
