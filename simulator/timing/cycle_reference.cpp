//===- cycle_reference.cpp - Cycle-stepping evaluation of the timing contract ---------===//
#include "simulator/timing/cycle_reference.h"

#include <array>
#include <deque>
#include <optional>

#include "isa/timing/dram_model.h"
#include "isa/timing/durations.h"
#include "isa/timing/transfer_shape.h"

namespace tessera::timing {
namespace {

using isa::Unit;
constexpr uint64_t kNotYet = ReferenceTimes::kNotYet;

/// The token queues an instruction pops and pushes (indices l2c 0, c2l 1, c2s 2, s2c 3).
struct Tokens {
  std::vector<int> pops, pushes;
};

Tokens tokensOf(const isa::Instruction &inst) {
  Tokens t;
  switch (isa::unitOf(inst)) {
  case Unit::load:
    if (inst.popNext()) t.pops.push_back(1);
    if (inst.pushNext()) t.pushes.push_back(0);
    break;
  case Unit::compute:
    if (inst.popPrev()) t.pops.push_back(0);
    if (inst.popNext()) t.pops.push_back(3);
    if (inst.pushPrev()) t.pushes.push_back(1);
    if (inst.pushNext()) t.pushes.push_back(2);
    break;
  case Unit::store:
    if (inst.popPrev()) t.pops.push_back(2);
    if (inst.pushPrev()) t.pushes.push_back(3);
    break;
  }
  return t;
}

class Stepper {
public:
  Stepper(const isa::Program &program, const isa::HardwareConfig &config)
      : program_(program), config_(config), dram_(config), blockSize_(fetchBlockInstructions(config)) {
    run_.instructions.resize(program.instructions.size());
    size_t blocks = (program.instructions.size() + blockSize_ - 1) / blockSize_;
    arrived_.assign(blocks, kNotYet);
    freed_.assign(blocks, kNotYet);
  }

  StatusOr<ReferenceRun> run(uint64_t maxCycles);

private:
  struct UnitState {
    std::deque<size_t> queue;          ///< dispatched, not started
    std::optional<size_t> current;     ///< running instruction
    uint64_t end = kNotYet;            ///< its end (kNotYet while waiting for DRAM)
  };
  struct Request {
    bool pending = false;
    TransferShape shape;
    size_t instruction = 0; ///< or the block number, for fetch
  };

  void complete(uint64_t cycle);
  void fetch(uint64_t cycle);
  void start(uint64_t cycle);
  void arbitrate(uint64_t cycle);
  bool canStart(Unit unit, size_t index, const std::array<int64_t, 4> &tokens, uint64_t cycle) const;
  bool drained(Unit unit) const;

  const isa::Program &program_;
  const isa::HardwareConfig &config_;
  DramModel dram_;
  uint64_t blockSize_;
  ReferenceRun run_;
  std::array<UnitState, isa::kUnitCount> units_;
  std::array<int64_t, 4> tokens_{};
  std::array<Request, kRequesterCount> requests_;
  std::vector<uint64_t> arrived_, freed_;
  size_t nextBlockRequest_ = 0, nextDispatch_ = 0;
  bool blockInFlight_ = false;
  std::optional<uint64_t> finished_;
};

void Stepper::complete(uint64_t cycle) {
  for (UnitState &unit : units_) {
    if (!unit.current || unit.end != cycle) continue;
    size_t index = *unit.current;
    run_.instructions[index].end = cycle;
    if (program_.instructions[index].opcode == isa::Opcode::finish) finished_ = cycle;
    else
      for (int q : tokensOf(program_.instructions[index]).pushes) ++tokens_[size_t(q)];
    unit.current.reset();
  }
}

void Stepper::fetch(uint64_t cycle) {
  for (size_t k = 0; k < arrived_.size(); ++k)
    if (arrived_[k] == cycle) blockInFlight_ = false;
  // Block requests: one in flight; block k >= 2 also waits for block k-2's buffer.
  size_t k = nextBlockRequest_;
  bool bufferFree = k < 2 || (freed_[k - 2] != kNotYet && freed_[k - 2] <= cycle);
  if (k < arrived_.size() && !blockInFlight_ && bufferFree) {
    uint64_t count = std::min<uint64_t>(blockSize_, program_.instructions.size() - k * blockSize_);
    requests_[size_t(Requester::fetch)] = {true, fetchShape(count, config_), k};
    blockInFlight_ = true;
    ++nextBlockRequest_;
  }
  // Dispatch: at most one per cycle, into a queue with room at the start of the cycle.
  if (nextDispatch_ >= program_.instructions.size()) return;
  size_t block = nextDispatch_ / blockSize_;
  if (arrived_[block] == kNotYet || arrived_[block] > cycle) return;
  UnitState &unit = units_[size_t(isa::unitOf(program_.instructions[nextDispatch_]))];
  if (unit.queue.size() >= uint64_t(config_.instruction_queue_depth)) return;
  unit.queue.push_back(nextDispatch_);
  run_.instructions[nextDispatch_].dispatch = cycle;
  ++nextDispatch_;
  if (nextDispatch_ == program_.instructions.size() || nextDispatch_ % blockSize_ == 0) freed_[block] = cycle + 1;
}

bool Stepper::drained(Unit unit) const {
  const UnitState &state = units_[size_t(unit)];
  return state.queue.empty() && !state.current;
}

bool Stepper::canStart(Unit unit, size_t index, const std::array<int64_t, 4> &tokens, uint64_t cycle) const {
  const UnitState &state = units_[size_t(unit)];
  if (state.current || run_.instructions[index].dispatch >= cycle) return false;
  Tokens use = tokensOf(program_.instructions[index]);
  for (int q : use.pops)
    if (tokens[size_t(q)] < 1) return false;
  for (int q : use.pushes)
    if (tokens[size_t(q)] >= config_.token_queue_depth) return false;
  if (program_.instructions[index].opcode != isa::Opcode::finish) return true;
  return drained(Unit::load) && drained(Unit::store);
}

void Stepper::start(uint64_t cycle) {
  const std::array<int64_t, 4> snapshot = tokens_;
  std::array<bool, isa::kUnitCount> starts{};
  for (int u = 0; u < isa::kUnitCount; ++u) {
    const UnitState &state = units_[size_t(u)];
    starts[size_t(u)] = !state.queue.empty() && canStart(Unit(u), state.queue.front(), snapshot, cycle);
  }
  for (int u = 0; u < isa::kUnitCount; ++u) {
    if (!starts[size_t(u)]) continue;
    UnitState &state = units_[size_t(u)];
    size_t index = state.queue.front();
    state.queue.pop_front();
    const isa::Instruction &inst = program_.instructions[index];
    for (int q : tokensOf(inst).pops) --tokens_[size_t(q)];
    run_.instructions[index].start = cycle;
    state.current = index;
    if (!movesData(inst)) {
      state.end = cycle + fixedDuration(inst, config_);
      continue;
    }
    state.end = kNotYet;
    Requester requester = u == int(Unit::load) ? Requester::load : u == int(Unit::store) ? Requester::store : Requester::compute;
    requests_[size_t(requester)] = {true, dmaShape(inst, config_), index};
  }
}

void Stepper::arbitrate(uint64_t cycle) {
  unsigned mask = 0;
  for (int r = 0; r < kRequesterCount; ++r)
    if (requests_[size_t(r)].pending) mask |= 1u << r;
  if (mask == 0 || !dram_.canGrant(cycle)) return;
  Requester winner = timing::arbitrate(mask);
  Request &request = requests_[size_t(winner)];
  request.pending = false;
  TransferTiming timing = dram_.grant(cycle, request.shape);
  if (winner == Requester::fetch) {
    arrived_[request.instruction] = timing.done;
    return;
  }
  ReferenceTimes &times = run_.instructions[request.instruction];
  times.grant = timing.grant;
  times.firstBeat = timing.firstBeat;
  const isa::Instruction &inst = program_.instructions[request.instruction];
  units_[size_t(isa::unitOf(inst))].end = timing.done + padEntries(inst);
}

StatusOr<ReferenceRun> Stepper::run(uint64_t maxCycles) {
  for (uint64_t cycle = 0; cycle < maxCycles; ++cycle) {
    complete(cycle);
    if (finished_) {
      run_.totalCycles = *finished_;
      return run_;
    }
    fetch(cycle);
    start(cycle);
    arbitrate(cycle);
  }
  return absl::DeadlineExceededError(absl::StrFormat("cycle reference: no FINISH after %d cycles", maxCycles));
}

} // namespace

StatusOr<ReferenceRun> runCycleReference(const isa::Program &program, const isa::HardwareConfig &config,
                                         uint64_t maxCycles) {
  Stepper stepper(program, config);
  return stepper.run(maxCycles);
}

} // namespace tessera::timing
