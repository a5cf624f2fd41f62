//===- functional_executor.cpp - Token-ordered functional execution ---------------===//
#include "simulator/golden/functional_executor.h"

#include <array>
#include <cstring>
#include <deque>
#include <optional>

#include "isa/timing/durations.h"
#include "isa/timing/transfer_shape.h"
#include "simulator/golden/machine.h"
#include "simulator/golden/race_checker.h"
#include "simulator/golden/token_queues.h"

namespace tessera::sim {
namespace {

using isa::Instruction;
using isa::Unit;

struct UnitState {
  std::deque<size_t> pending; ///< program indices, in order
};

class FunctionalRun {
public:
  FunctionalRun(const isa::Program &program, const isa::HardwareConfig &config, const isa::IsaLayout &layout,
                std::vector<uint8_t> &dram, const FunctionalOptions &options)
      : program_(program), config_(config), maxCycles_(options.maxCycles), machine_(config, layout, dram),
        tokens_(config.token_queue_depth) {
    for (size_t i = 0; i < program.instructions.size(); ++i)
      units_[size_t(isa::unitOf(program.instructions[i]))].pending.push_back(i);
    if (options.checkRaces) {
      races_.emplace(config);
      machine_.setObserver(&*races_);
    }
  }

  StatusOr<Counters> run();

private:
  /// Runs unit `unit` while its head instruction is ready; sets `finished` at FINISH.
  StatusOr<bool> advance(Unit unit, bool &finished);
  Status checkFinish(size_t index) const;
  Status deadlock() const;
  /// Executes `inst` on `unit` with vector clocks: pops merge the tokens' clocks, the
  /// unit's epoch advances, pushes carry a copy.
  Status executeTracked(isa::Unit unit, size_t index, const Instruction &inst, const TokenUse &use);
  /// Adds `inst`'s duration to its unit's busy time; an error past maxCycles_.
  Status chargeCycles(isa::Unit unit, size_t index, const Instruction &inst);

  const isa::Program &program_;
  const isa::HardwareConfig &config_;
  uint64_t maxCycles_;
  std::array<uint64_t, isa::kUnitCount> busyCycles_{};
  Machine machine_;
  TokenQueues tokens_;
  std::array<UnitState, isa::kUnitCount> units_;
  std::optional<RaceChecker> races_;
  std::array<VectorClock, isa::kUnitCount> clocks_{};
  std::array<std::deque<VectorClock>, kTokenQueueCount> tokenClocks_;
};

Status FunctionalRun::executeTracked(isa::Unit unit, size_t index, const Instruction &inst, const TokenUse &use) {
  VectorClock &clock = clocks_[size_t(unit)];
  for (TokenQueue queue : use.pops) {
    mergeClock(clock, tokenClocks_[size_t(queue)].front());
    tokenClocks_[size_t(queue)].pop_front();
  }
  ++clock[size_t(unit)];
  TS_RETURN_IF_ERROR(chargeCycles(unit, index, inst));
  if (races_) races_->beginInstruction(unit, index, inst.opcode, clock);
  TS_RETURN_IF_ERROR(machine_.execute(inst, index));
  if (races_) TS_RETURN_IF_ERROR(races_->status());
  for (TokenQueue queue : use.pushes) tokenClocks_[size_t(queue)].push_back(clock);
  return absl::OkStatus();
}

Status FunctionalRun::chargeCycles(isa::Unit unit, size_t index, const Instruction &inst) {
  if (maxCycles_ == 0) return absl::OkStatus();
  uint64_t duration = timing::movesData(inst) ? uint64_t(config_.dram_latency_cycles) +
                                                    timing::dmaShape(inst, config_).beats + timing::padEntries(inst)
                                              : timing::fixedDuration(inst, config_);
  uint64_t &busy = busyCycles_[size_t(unit)];
  if (busy + duration > maxCycles_)
    return invalidInput("instruction %d (%s): the run exceeds --max-cycles %d: the %s unit alone would be busy for "
                        "%d cycles (the functional backend counts each unit's busy time under the timing contract)",
                        index, isa::opcodeName(inst.opcode), maxCycles_, isa::unitName(unit), busy + duration);
  busy += duration;
  return absl::OkStatus();
}

StatusOr<Counters> FunctionalRun::run() {
  bool finished = false;
  while (!finished) {
    bool progress = false;
    for (Unit unit : {Unit::load, Unit::compute, Unit::store}) {
      TS_ASSIGN_OR_RETURN(bool advanced, advance(unit, finished));
      progress |= advanced;
      if (finished) break;
    }
    if (!finished && !progress) return deadlock();
  }
  return machine_.counters();
}

StatusOr<bool> FunctionalRun::advance(Unit unit, bool &finished) {
  UnitState &state = units_[size_t(unit)];
  bool advanced = false;
  while (!state.pending.empty()) {
    size_t index = state.pending.front();
    const Instruction &inst = program_.instructions[index];
    TokenUse use = tokenUse(inst);
    if (!tokens_.ready(use)) break;
    tokens_.pop(use);
    if (inst.opcode == isa::Opcode::finish) {
      TS_RETURN_IF_ERROR(checkFinish(index));
      TS_RETURN_IF_ERROR(executeTracked(unit, index, inst, use));
      finished = true;
      return true;
    }
    TS_RETURN_IF_ERROR(executeTracked(unit, index, inst, use));
    tokens_.push(use);
    state.pending.pop_front();
    advanced = true;
  }
  return advanced;
}

Status FunctionalRun::checkFinish(size_t index) const {
  for (Unit unit : {Unit::load, Unit::store}) {
    const UnitState &state = units_[size_t(unit)];
    if (!state.pending.empty())
      return invalidInput("protocol error: finish (instruction %d) executed while the %s unit still has %d "
                          "instruction(s) from instruction %d on; make finish wait for them with tokens",
                          index, isa::unitName(unit), state.pending.size(), state.pending.front());
  }
  std::string leftovers = tokens_.leftovers();
  if (!leftovers.empty())
    return invalidInput("protocol error: tokens left over at finish (instruction %d): %s; every push needs a "
                        "matching pop",
                        index, leftovers);
  return absl::OkStatus();
}

Status FunctionalRun::deadlock() const {
  std::string detail;
  for (Unit unit : {Unit::load, Unit::compute, Unit::store}) {
    const UnitState &state = units_[size_t(unit)];
    if (state.pending.empty()) {
      strAppend(&detail, "\n  ", isa::unitName(unit), ": done");
      continue;
    }
    size_t index = state.pending.front();
    const Instruction &inst = program_.instructions[index];
    strAppend(&detail, "\n  ", isa::unitName(unit), ": instruction ", index, " (", isa::opcodeName(inst.opcode), ") ",
              tokens_.blockedReason(tokenUse(inst)));
  }
  return invalidInput("protocol error: deadlock, no unit can proceed (a pop with no matching push, or a full "
                      "token queue):%s",
                      detail);
}


} // namespace

StatusOr<std::vector<uint8_t>> buildDramImage(const isa::Program &program, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(isa::verifyProgram(program, config));
  TS_ASSIGN_OR_RETURN(isa::IsaLayout layout, isa::IsaLayout::build(config));
  std::vector<uint8_t> dram(program.dramBytes, 0);
  for (const isa::TensorInfo &tensor : program.tensors)
    if (!tensor.data.empty()) std::memcpy(dram.data() + tensor.dramOffset, tensor.data.data(), tensor.data.size());
  for (size_t i = 0; i < program.uops.size(); ++i) {
    TS_ASSIGN_OR_RETURN(uint64_t word, isa::encodeUop(layout, program.uops[i]));
    isa::storeUopWord(word, dram.data() + program.uopOffset + i * uint64_t(layout.uopBytes()), layout.uopBytes());
  }
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    TS_ASSIGN_OR_RETURN(isa::Word word, isa::encode(layout, program.instructions[i]));
    const int wordBytes = layout.instructionBytes();
    isa::storeWord(word, dram.data() + program.instructionOffset + i * uint64_t(wordBytes), wordBytes);
  }
  return dram;
}

StatusOr<Counters> runFunctional(const isa::Program &program, const isa::HardwareConfig &config,
                                 std::vector<uint8_t> &dram, const FunctionalOptions &options) {
  TS_RETURN_IF_ERROR(isa::verifyProgram(program, config));
  if (dram.size() < program.dramBytes)
    return invalidInput("DRAM holds %d bytes but the program needs %d", dram.size(), program.dramBytes);
  TS_ASSIGN_OR_RETURN(isa::IsaLayout layout, isa::IsaLayout::build(config));
  FunctionalRun run(program, config, layout, dram, options);
  return run.run();
}

} // namespace tessera::sim
