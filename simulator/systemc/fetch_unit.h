//===- fetch_unit.h - Instruction fetch and dispatch ---------------------------------===//
//
// docs/microarchitecture.md, section 3. Two threads: `readBlocks` requests fetch blocks
// from DRAM (two block buffers, one transfer in flight), `dispatch` sends instructions
// in order, at most one per cycle, into the load, compute and store instruction queues,
// stalling while the target queue is full.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>

#include "simulator/systemc/dram_module.h"
#include "simulator/systemc/model_context.h"
#include "simulator/systemc/queue_if.h"

namespace tessera::systemc {

class FetchUnit : public sc_core::sc_module {
public:
  /// Instruction queues, indexed by isa::Unit.
  std::array<sc_core::sc_port<instruction_queue_if>, isa::kUnitCount> queues;

  FetchUnit(sc_core::sc_module_name name, ModelContext &context, DramModule &dram);

  /// Why dispatch is stuck, for deadlock reports ("done" when everything went out).
  std::string blockedReason() const;

private:
  void readBlocks();
  void dispatch();
  /// Waits until instruction `index`'s queue has room; returns the dispatch cycle.
  uint64_t waitForRoom(instruction_queue_if &queue);

  ModelContext &context_;
  DramModule &dram_;
  uint64_t blockSize_;
  std::vector<uint64_t> arrived_; ///< d(k): block k's transfer done (kNever until known)
  std::vector<uint64_t> freed_;   ///< x(k): the cycle after block k's last dispatch
  sc_core::sc_event blockArrived_, blockFreed_;
  size_t next_ = 0; ///< next instruction to dispatch
};

} // namespace tessera::systemc
