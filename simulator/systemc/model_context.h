//===- model_context.h - State the unit modules share --------------------------------===//
//
// The program, the config, the golden Machine (functional effects), the per-instruction
// records, and how the run ended. Units reach each other's channels through their ports;
// this holds only what is not a channel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <deque>
#include <optional>

#include "isa/program.h"
#include "simulator/golden/machine.h"
#include "simulator/golden/race_checker.h"
#include "simulator/golden/token_queues.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

struct ModelContext {
  ModelContext(const isa::Program &program, const isa::HardwareConfig &config, const isa::IsaLayout &layout,
               std::vector<uint8_t> &dram, bool checkRaces)
      : program(program), config(config), machine(config, layout, dram), records(program.instructions.size()) {
    if (!checkRaces) return;
    races.emplace(config);
    machine.setObserver(&*races);
  }

  /// Ends the run with an error (the first one wins).
  void fail(Status status) {
    if (!error) error = std::move(status);
    sc_core::sc_stop();
  }

  const isa::Program &program;
  const isa::HardwareConfig &config;
  sim::Machine machine;
  std::vector<InstructionRecord> records;
  FetchStats fetch;
  /// Happens-before checking as in the functional executor: a unit's vector clock
  /// advances per instruction; pushes carry a copy through the token queue, pops merge it.
  std::optional<sim::RaceChecker> races;
  std::array<sim::VectorClock, isa::kUnitCount> clocks{};
  std::array<std::deque<sim::VectorClock>, sim::kTokenQueueCount> tokenClocks;
  std::optional<Status> error;
  std::optional<uint64_t> finishedAt; ///< FINISH's end cycle
  bool progress = false;              ///< print progress lines on stderr
  bool progressPrinted = false;       ///< a progress line is on the terminal
};

} // namespace tessera::systemc
