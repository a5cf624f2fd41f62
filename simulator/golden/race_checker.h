//===- race_checker.h - Finds accesses the dependency tokens do not order ----------===//
//
// The token protocol check (deadlock, leftovers) cannot see a *missing* token: a
// program whose load overwrites an input row the GEMM has not read yet may still give
// the right answer in one interleaving and the wrong one on hardware. The race checker
// proves ordering instead of observing it, with vector clocks (happens-before):
//
// - each unit has a clock of three epochs; executing an instruction advances its own;
// - a push sends a copy of the pusher's clock through the token queue; a pop merges it;
// - every scratchpad row and 64-byte DRAM granule that two units can touch remembers
//   its last writer (unit, epoch, instruction) and each unit's last read;
// - an access races when the previous conflicting access of another unit (write before
//   read or write, read before write) is not covered by the accessor's clock.
//
// The result does not depend on the interleaving the functional executor picks.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <optional>
#include <unordered_map>
#include <vector>

#include "isa/config.h"
#include "isa/instruction.h"
#include "simulator/golden/access_observer.h"

namespace tessera::sim {

/// Epochs known to a unit, indexed by isa::Unit.
using VectorClock = std::array<uint32_t, isa::kUnitCount>;

/// Element-wise maximum.
void mergeClock(VectorClock &into, const VectorClock &from);

class RaceChecker final : public AccessObserver {
public:
  explicit RaceChecker(const isa::HardwareConfig &config);

  /// Sets the accessor for the following accesses: `unit` runs instruction `index`
  /// (opcode `opcode`) with clock `clock` (its own epoch already advanced).
  void beginInstruction(isa::Unit unit, size_t index, isa::Opcode opcode, const VectorClock &clock);
  /// The first race found, or OK.
  const Status &status() const { return status_; }

  void scratchpadRead(isa::Buffer buffer, int64_t row, int64_t count) override;
  void scratchpadWrite(isa::Buffer buffer, int64_t row, int64_t count) override;
  void dramRead(uint64_t address, uint64_t bytes) override;
  void dramWrite(uint64_t address, uint64_t bytes) override;

private:
  struct Access {
    uint32_t epoch = 0; ///< 0: never
    isa::Unit unit = isa::Unit::load;
    size_t instruction = 0;
    isa::Opcode opcode = isa::Opcode::finish;
  };
  struct Location {
    Access write;
    std::array<Access, isa::kUnitCount> reads; ///< last read by each unit
  };

  /// Where an access went, formatted only when a race is reported.
  struct Where {
    bool dram;
    isa::Buffer buffer;
    uint64_t index; ///< row, or DRAM granule
  };

  void read(Location &location, Where where);
  void write(Location &location, Where where);
  bool ordered(const Access &previous) const;
  void report(const Access &previous, const char *kind, Where where);
  Location &granule(uint64_t index) { return dram_[index]; }

  std::array<std::vector<Location>, isa::kBufferCount> scratchpads_;
  std::unordered_map<uint64_t, Location> dram_;
  Access current_;
  VectorClock clock_{};
  Status status_;
};

} // namespace tessera::sim
