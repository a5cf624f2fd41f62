//===- dram_module.h - The DRAM channel as an sc_module ------------------------------===//
//
// Wraps timing::DramModel (the contract's channel, shared with the RTL testbench) with
// the request/grant handshake: a unit thread calls transfer() in the cycle it raises its
// request and returns once granted, with the transfer's timing; it then waits until
// timing.done itself. The arbiter thread grants at half periods so that every request
// raised in a cycle competes, whatever the delta order (cycle_time.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>

#include "simulator/systemc/cycle_time.h"
#include "isa/timing/dram_model.h"

namespace tessera::systemc {

class DramModule : public sc_core::sc_module {
public:
  DramModule(sc_core::sc_module_name name, const isa::HardwareConfig &config);

  /// Raises `requester`'s request now and blocks until the transfer is granted.
  timing::TransferTiming transfer(timing::Requester requester, const timing::TransferShape &shape);

  const timing::DramModel &model() const { return model_; }

private:
  struct Request {
    timing::TransferShape shape;
    timing::TransferTiming timing;
    sc_core::sc_event granted;
  };

  void arbiter();

  timing::DramModel model_;
  std::array<Request, timing::kRequesterCount> requests_;
  unsigned pendingMask_ = 0;
  sc_core::sc_event requested_;
};

} // namespace tessera::systemc
