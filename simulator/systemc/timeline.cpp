//===- timeline.cpp - Signals from per-instruction records ----------------------------===//
#include "simulator/systemc/timeline.h"

#include <algorithm>
#include <bit>
#include <map>

#include "simulator/golden/token_queues.h"

namespace tessera::systemc {
namespace {

/// Accumulates +/- steps and turns them into a value series.
class StepSeries {
public:
  void add(uint64_t cycle, int64_t delta) { steps_[cycle] += delta; }
  Signal finish(std::string name, int width) const {
    Signal signal{std::move(name), width, {{0, 0}}};
    int64_t value = 0;
    for (const auto &[cycle, delta] : steps_) {
      if (delta == 0) continue;
      value += delta;
      if (signal.changes.back().first == cycle) signal.changes.back().second = value;
      else signal.changes.push_back({cycle, value});
    }
    return signal;
  }

private:
  std::map<uint64_t, int64_t> steps_;
};

int bitsFor(int64_t maxValue) { return std::max(1, int(std::bit_width(uint64_t(maxValue)))); }

} // namespace

std::vector<Signal> buildTimeline(const isa::Program &program, const isa::HardwareConfig &config,
                                  const SimulationOutcome &outcome) {
  std::vector<StepSeries> queues(isa::kUnitCount), tokens(sim::kTokenQueueCount), active(isa::kUnitCount);
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionRecord &record = outcome.records[i];
    const isa::Instruction &inst = program.instructions[i];
    size_t unit = size_t(isa::unitOf(inst));
    if (record.dispatch == kNever) continue;
    queues[unit].add(record.dispatch + 1, +1);
    if (record.start == kNever) continue;
    queues[unit].add(record.start + 1, -1);
    sim::TokenUse use = sim::tokenUse(inst);
    for (sim::TokenQueue q : use.pops) tokens[size_t(q)].add(record.start + 1, -1);
    if (record.end == kNever) continue;
    active[unit].add(record.start, +1);
    active[unit].add(record.end, -1);
    if (inst.opcode != isa::Opcode::finish)
      for (sim::TokenQueue q : use.pushes) tokens[size_t(q)].add(record.end, +1);
  }
  std::vector<Signal> signals;
  for (int u = 0; u < isa::kUnitCount; ++u)
    signals.push_back(queues[size_t(u)].finish(strCat("queue.", isa::unitName(isa::Unit(u))),
                                               bitsFor(config.instruction_queue_depth)));
  for (int q = 0; q < sim::kTokenQueueCount; ++q)
    signals.push_back(tokens[size_t(q)].finish(strCat("tokens.", sim::tokenQueueName(sim::TokenQueue(q))),
                                               bitsFor(config.token_queue_depth)));
  for (int u = 0; u < isa::kUnitCount; ++u)
    signals.push_back(active[size_t(u)].finish(strCat("active.", isa::unitName(isa::Unit(u))), 1));
  return signals;
}

} // namespace tessera::systemc
