//===- exec_unit.h - The load, compute and store units -------------------------------===//
//
// docs/microarchitecture.md, section 4. One thread per unit runs its instructions in
// program order: wait for the queue head, wait until its tokens (and, for FINISH, the
// drain of the load and store units) allow a start, pop, wait the instruction's duration
// (closed form, or the DRAM channel's answer for a DMA transfer), apply the functional
// effect through sim::Machine::execute, push tokens. The three units differ only in their
// DRAM requester and in which instructions reach them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <string>

#include "simulator/golden/token_queues.h"
#include "simulator/systemc/dram_module.h"
#include "simulator/systemc/model_context.h"
#include "simulator/systemc/queue_if.h"

namespace tessera::systemc {

class ExecUnit : public sc_core::sc_module {
public:
  sc_core::sc_port<instruction_queue_if> queue;
  /// Token queues, indexed by sim::TokenQueue (each unit uses only its neighbours').
  std::array<sc_core::sc_port<token_queue_if>, sim::kTokenQueueCount> tokens;

  ExecUnit(sc_core::sc_module_name name, isa::Unit unit, ModelContext &context, DramModule &dram);

  /// FINISH needs these two drained: set on the compute unit only.
  void setDrainedUnits(ExecUnit *load, ExecUnit *store) { drainUnits_ = {load, store}; }

  /// True when no instruction is queued and the last one ended at or before `cycle`.
  bool drained(uint64_t cycle) const;
  /// Why the unit is stuck, for deadlock reports.
  std::string blockedReason() const;
  const sc_core::sc_event &ended() const { return ended_; }

private:
  void run();
  /// Why instruction `index` cannot start in `cycle`; empty when it can.
  std::string startBlocker(size_t index, const sim::TokenUse &use, uint64_t cycle) const;
  /// Waits for any change that may unblock the head instruction.
  void waitForChange(const sim::TokenUse &use, bool finish, uint64_t cycle);
  /// Occupies the unit for the instruction's duration; fills its record.
  void occupy(const isa::Instruction &inst, InstructionRecord &record);
  /// Pops the tokens of `use` and merges the clocks they carry.
  void popTokens(const sim::TokenUse &use, uint64_t cycle);
  /// Applies the functional effect under the race checker.
  Status execute(size_t index, const isa::Instruction &inst);
  /// Applies the effect and pushes tokens; false when the run ends.
  bool complete(size_t index, const sim::TokenUse &use);
  /// Ends the run at FINISH, or fails when tokens are left over.
  void finish(size_t index);
  void reportProgress(uint64_t cycle);

  isa::Unit unit_;
  timing::Requester requester_;
  ModelContext &context_;
  DramModule &dram_;
  std::array<ExecUnit *, 2> drainUnits_{};
  uint64_t busyUntil_ = 0;    ///< end of the current instruction (kNever until known)
  std::string blocked_;       ///< head instruction and why it waits ("" when running)
  sc_core::sc_event ended_;
  double progressWall_ = 0;
  uint64_t progressCycle_ = 0;
};

} // namespace tessera::systemc
