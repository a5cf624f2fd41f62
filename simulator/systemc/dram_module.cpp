//===- dram_module.cpp - Request/grant handshake and the arbiter thread ------------===//
#include "simulator/systemc/dram_module.h"

#include <algorithm>
#include <cassert>

namespace tessera::systemc {

using timing::Requester;

DramModule::DramModule(sc_core::sc_module_name name, const isa::HardwareConfig &config)
    : sc_core::sc_module(name), model_(config) {
  SC_HAS_PROCESS(DramModule);
  SC_THREAD(arbiter);
}

timing::TransferTiming DramModule::transfer(Requester requester, const timing::TransferShape &shape) {
  Request &request = requests_[size_t(requester)];
  assert(!(pendingMask_ & (1u << unsigned(requester))) && "one transfer per requester at a time");
  request.shape = shape;
  pendingMask_ |= 1u << unsigned(requester);
  requested_.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(request.granted);
  return request.timing;
}

void DramModule::arbiter() {
  constexpr uint64_t kHalfCycle = kTicksPerCycle / 2;
  for (;;) {
    if (pendingMask_ == 0) sc_core::wait(requested_);
    uint64_t cycle = std::max(nowCycle(), model_.issueFree());
    waitUntil(cycle, kHalfCycle);
    Requester winner = timing::arbitrate(pendingMask_);
    Request &request = requests_[size_t(winner)];
    request.timing = model_.grant(cycle, request.shape);
    pendingMask_ &= ~(1u << unsigned(winner));
    request.granted.notify(sc_core::SC_ZERO_TIME);
  }
}

} // namespace tessera::systemc
