//===- exec_unit.cpp - In-order execution with tokens, durations and effects -------===//
#include "simulator/systemc/exec_unit.h"

#include <chrono>
#include <cstdio>

#include "isa/timing/durations.h"
#include "isa/timing/transfer_shape.h"

namespace tessera::systemc {

using isa::Opcode;
using sim::TokenQueue;

namespace {

timing::Requester requesterOf(isa::Unit unit) {
  switch (unit) {
  case isa::Unit::load: return timing::Requester::load;
  case isa::Unit::compute: return timing::Requester::compute;
  case isa::Unit::store: return timing::Requester::store;
  }
  return timing::Requester::load;
}

double wallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

ExecUnit::ExecUnit(sc_core::sc_module_name name, isa::Unit unit, ModelContext &context, DramModule &dram)
    : sc_core::sc_module(name), unit_(unit), requester_(requesterOf(unit)), context_(context), dram_(dram) {
  SC_HAS_PROCESS(ExecUnit);
  SC_THREAD(run);
  progressWall_ = wallSeconds();
}

bool ExecUnit::drained(uint64_t cycle) const { return queue->empty() && busyUntil_ <= cycle; }

std::string ExecUnit::blockedReason() const {
  if (!blocked_.empty()) return blocked_;
  if (queue->empty()) return "no instruction queued";
  return "running";
}

std::string ExecUnit::startBlocker(size_t index, const sim::TokenUse &use, uint64_t cycle) const {
  for (TokenQueue q : use.pops)
    if (!tokens[size_t(q)]->hasToken()) return strCat("waiting for a token on ", sim::tokenQueueName(q));
  for (TokenQueue q : use.pushes)
    if (!tokens[size_t(q)]->hasRoom(cycle))
      return strCat("token queue ", sim::tokenQueueName(q), " is full (depth ", tokens[size_t(q)]->depth(), ")");
  if (context_.program.instructions[index].opcode != Opcode::finish) return "";
  for (const ExecUnit *other : drainUnits_)
    if (other != nullptr && !other->drained(cycle)) return strCat("waiting for the ", other->basename(), " unit to drain");
  return "";
}

void ExecUnit::waitForChange(const sim::TokenUse &use, bool finish, uint64_t cycle) {
  // Wake on any change of the queues involved, and at the first cycle a change already
  // made becomes visible: room freed by a pop in this cycle (cycle + 1), or the end of
  // the last instruction of a unit FINISH waits for.
  sc_core::sc_event_or_list events;
  uint64_t wake = kNever;
  for (TokenQueue q : use.pops) events |= tokens[size_t(q)]->changed();
  for (TokenQueue q : use.pushes) {
    events |= tokens[size_t(q)]->changed();
    if (tokens[size_t(q)]->poppedIn(cycle)) wake = cycle + 1;
  }
  for (ExecUnit *other : finish ? drainUnits_ : std::array<ExecUnit *, 2>{}) {
    if (other == nullptr) continue;
    events |= other->ended_;
    events |= other->queue->changed();
    if (other->queue->empty() && other->busyUntil_ != kNever && other->busyUntil_ > cycle)
      wake = std::min(wake, other->busyUntil_);
  }
  if (wake == kNever) return sc_core::wait(events);
  sc_core::wait(cycleTime(wake) - sc_core::sc_time_stamp(), events);
}

void ExecUnit::occupy(const isa::Instruction &inst, InstructionRecord &record) {
  const uint64_t start = record.start;
  if (!timing::movesData(inst)) {
    busyUntil_ = start + timing::fixedDuration(inst, context_.config);
    waitUntil(busyUntil_);
    record.end = busyUntil_;
    return;
  }
  timing::TransferShape shape = timing::dmaShape(inst, context_.config);
  timing::TransferTiming t = dram_.transfer(requester_, shape);
  busyUntil_ = t.done + timing::padEntries(inst);
  record.grant = t.grant;
  record.firstBeat = t.firstBeat;
  record.dramStall = (t.grant - start) + (t.firstBeat - (t.grant + dram_.model().latency()));
  record.dramBytes = shape.bytes;
  waitUntil(busyUntil_);
  record.end = busyUntil_;
}

void ExecUnit::popTokens(const sim::TokenUse &use, uint64_t cycle) {
  sim::VectorClock &clock = context_.clocks[size_t(unit_)];
  for (TokenQueue q : use.pops) {
    tokens[size_t(q)]->pop(cycle);
    std::deque<sim::VectorClock> &carried = context_.tokenClocks[size_t(q)];
    sim::mergeClock(clock, carried.front());
    carried.pop_front();
  }
}

Status ExecUnit::execute(size_t index, const isa::Instruction &inst) {
  sim::VectorClock &clock = context_.clocks[size_t(unit_)];
  ++clock[size_t(unit_)];
  if (context_.races) context_.races->beginInstruction(unit_, index, inst.opcode, clock);
  TS_RETURN_IF_ERROR(context_.machine.execute(inst, index));
  return context_.races ? context_.races->status() : absl::OkStatus();
}

bool ExecUnit::complete(size_t index, const sim::TokenUse &use) {
  const isa::Instruction &inst = context_.program.instructions[index];
  Status status = execute(index, inst);
  if (!status.ok()) {
    context_.fail(status);
    return false;
  }
  if (inst.opcode == Opcode::finish) {
    finish(index);
    return false;
  }
  for (TokenQueue q : use.pushes) {
    context_.tokenClocks[size_t(q)].push_back(context_.clocks[size_t(unit_)]);
    tokens[size_t(q)]->push();
  }
  ended_.notify(sc_core::SC_ZERO_TIME);
  if (context_.progress && unit_ == isa::Unit::compute) reportProgress(nowCycle());
  return true;
}

void ExecUnit::finish(size_t index) {
  std::string leftovers;
  for (int q = 0; q < sim::kTokenQueueCount; ++q) {
    int64_t count = tokens[size_t(q)]->count();
    if (count != 0) strAppend(&leftovers, leftovers.empty() ? "" : " ", sim::tokenQueueName(TokenQueue(q)), "=", count);
  }
  if (!leftovers.empty())
    return context_.fail(invalidInput("protocol error: tokens left over at finish (instruction %d): %s; every push "
                                      "needs a matching pop",
                                      index, leftovers));
  context_.finishedAt = nowCycle();
  sc_core::sc_stop();
}

void ExecUnit::reportProgress(uint64_t cycle) {
  if (cycle < progressCycle_ + 1000000) return;
  double now = wallSeconds();
  if (now < progressWall_ + 1.0) return;
  std::fprintf(stderr, "\r[systemc] cycle %llu (%.1f M cycles/s)", (unsigned long long)cycle,
               double(cycle - progressCycle_) / (now - progressWall_) / 1e6);
  std::fflush(stderr);
  context_.progressPrinted = true;
  progressCycle_ = cycle;
  progressWall_ = now;
}

void ExecUnit::run() {
  for (;;) {
    while (queue->empty()) sc_core::wait(queue->changed());
    waitUntil(queue->headVisibleAt());
    const size_t index = queue->head();
    const isa::Instruction &inst = context_.program.instructions[index];
    const sim::TokenUse use = sim::tokenUse(inst);
    InstructionRecord &record = context_.records[index];
    record.ready = nowCycle();
    for (;;) {
      uint64_t cycle = nowCycle();
      std::string blocker = startBlocker(index, use, cycle);
      if (blocker.empty()) break;
      blocked_ = strCat("instruction ", index, " (", isa::opcodeName(inst.opcode), ") ", blocker);
      waitForChange(use, inst.opcode == Opcode::finish, cycle);
    }
    blocked_.clear();
    record.start = nowCycle();
    popTokens(use, record.start);
    busyUntil_ = kNever;
    queue->pop(record.start);
    occupy(inst, record);
    if (!complete(index, use)) return;
  }
}

} // namespace tessera::systemc
