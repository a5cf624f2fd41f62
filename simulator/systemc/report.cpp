//===- report.cpp - Cycle classes, utilization, DRAM traffic, segments ----------------===//
#include "simulator/systemc/report.h"

#include <algorithm>

#include "isa/timing/durations.h"

namespace tessera::systemc {
namespace {

using isa::Unit;
using nlohmann::json;

struct Interval {
  uint64_t begin, end;
};

bool ran(const InstructionRecord &record) { return record.start != kNever && record.end != kNever; }

/// The [start, end) intervals of a unit's instructions, in time order (no overlaps).
std::vector<Interval> activeIntervals(const isa::Program &program, const SimulationOutcome &outcome, Unit unit) {
  std::vector<Interval> intervals;
  for (size_t i = 0; i < program.instructions.size(); ++i)
    if (isa::unitOf(program.instructions[i]) == unit && ran(outcome.records[i]))
      intervals.push_back({outcome.records[i].start, outcome.records[i].end});
  return intervals;
}

std::vector<Interval> intersect(const std::vector<Interval> &a, const std::vector<Interval> &b) {
  std::vector<Interval> out;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    uint64_t begin = std::max(a[i].begin, b[j].begin), end = std::min(a[i].end, b[j].end);
    if (begin < end) out.push_back({begin, end});
    (a[i].end < b[j].end) ? ++i : ++j;
  }
  return out;
}

uint64_t length(const std::vector<Interval> &intervals) {
  uint64_t total = 0;
  for (const Interval &interval : intervals) total += interval.end - interval.begin;
  return total;
}

json unitReport(const isa::Program &program, const SimulationOutcome &outcome, Unit unit) {
  uint64_t busy = 0, stallToken = 0, stallDram = 0, count = 0;
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionRecord &record = outcome.records[i];
    if (isa::unitOf(program.instructions[i]) != unit || !ran(record)) continue;
    busy += record.end - record.start - record.dramStall;
    stallToken += record.start - record.ready;
    stallDram += record.dramStall;
    ++count;
  }
  uint64_t accounted = busy + stallToken + stallDram;
  return {{"busy_cycles", busy},
          {"stall_token_cycles", stallToken},
          {"stall_dram_cycles", stallDram},
          {"idle_cycles", outcome.totalCycles > accounted ? outcome.totalCycles - accounted : 0},
          {"instructions", count}};
}

json fetchReport(const SimulationOutcome &outcome) {
  const FetchStats &fetch = outcome.fetch;
  uint64_t accounted = fetch.busy + fetch.stallDram + fetch.stallQueue;
  return {{"busy_cycles", fetch.busy},
          {"stall_token_cycles", 0},
          {"stall_dram_cycles", fetch.stallDram},
          {"stall_queue_cycles", fetch.stallQueue},
          {"idle_cycles", outcome.totalCycles > accounted ? outcome.totalCycles - accounted : 0},
          {"instructions", fetch.busy}};
}

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

json dramReport(const isa::HardwareConfig &config, const SimulationOutcome &outcome) {
  const sim::Counters &counters = outcome.counters;
  json read = {{"instructions", outcome.fetch.bytes}};
  uint64_t total = outcome.fetch.bytes + counters.bytesStored;
  for (int b = 0; b < isa::kBufferCount; ++b) {
    if (isa::Buffer(b) == isa::Buffer::out) continue;
    read[std::string(isa::bufferName(isa::Buffer(b)))] = counters.bytesLoaded[size_t(b)];
    total += counters.bytesLoaded[size_t(b)];
  }
  double perCycle = ratio(double(total), double(outcome.totalCycles));
  return {{"bytes_read", read},
          {"bytes_written", {{"out", counters.bytesStored}}},
          {"bytes_total", total},
          {"bandwidth_bytes_per_cycle", perCycle},
          {"bandwidth_gb_per_s", perCycle * config.clock_mhz * 1e6 / 1e9},
          {"peak_bytes_per_cycle", config.dram_bytes_per_cycle},
          {"bus_busy_cycles", outcome.dramBusyBeats},
          {"bus_utilization", ratio(double(outcome.dramBusyBeats), double(outcome.totalCycles))}};
}

/// Where a segment stands under the roofs: the compute roof (BATCH x BLOCK_IN x
/// BLOCK_OUT MACs per cycle) and the DRAM roof (arithmetic intensity x bytes per cycle).
json rooflineOf(const isa::HardwareConfig &config, uint64_t macs, uint64_t cycles, uint64_t dramBytes) {
  double peak = double(config.macsPerCycle());
  double intensity = dramBytes ? double(macs) / double(dramBytes) : 0.0;
  double roof = dramBytes ? std::min(peak, intensity * double(config.dram_bytes_per_cycle)) : peak;
  double achieved = ratio(double(macs), double(cycles));
  const char *bound = macs == 0 ? "no_gemm" : (roof < peak ? "dram" : "compute");
  return {{"arithmetic_intensity_macs_per_byte", intensity},
          {"achieved_macs_per_cycle", achieved},
          {"roof_macs_per_cycle", macs == 0 ? 0.0 : roof},
          {"roofline_bound", bound},
          {"fraction_of_roof", macs == 0 ? 0.0 : ratio(achieved, roof)}};
}

json segmentRow(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome,
                const isa::Segment &segment) {
  uint64_t first = kNever, last = 0, macs = 0, stallToken = 0, stallDram = 0, bytesRead = 0, bytesWritten = 0;
  for (uint32_t i = segment.firstInstruction; i < segment.firstInstruction + segment.instructionCount; ++i) {
    const InstructionRecord &record = outcome.records[i];
    const isa::Instruction &inst = program.instructions[i];
    if (!ran(record)) continue;
    first = std::min(first, record.start);
    last = std::max(last, record.end);
    macs += timing::usefulMacs(inst, config);
    stallToken += record.start - record.ready;
    stallDram += record.dramStall;
    (inst.opcode == isa::Opcode::store ? bytesWritten : bytesRead) += record.dramBytes;
  }
  uint64_t cycles = first == kNever ? 0 : last - first;
  json row = {{"name", segment.name},
          {"op", segment.op},
          {"first_instruction", segment.firstInstruction},
          {"instruction_count", segment.instructionCount},
          {"start_cycle", first == kNever ? 0 : first},
          {"end_cycle", last},
          {"cycles", cycles},
          {"stall_token_cycles", stallToken},
          {"stall_dram_cycles", stallDram},
          {"macs", macs},
          {"gemm_utilization", ratio(double(macs), double(cycles) * double(config.macsPerCycle()))},
          {"dram_bytes_read", bytesRead},
          {"dram_bytes_written", bytesWritten}};
  row.update(rooflineOf(config, macs, cycles, bytesRead + bytesWritten));
  return row;
}

json segmentRows(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome) {
  json rows = json::array();
  if (program.segments.empty()) {
    isa::Segment whole{"program", "", 0, uint32_t(program.instructions.size())};
    rows.push_back(segmentRow(program, config, outcome, whole));
    return rows;
  }
  for (const isa::Segment &segment : program.segments) rows.push_back(segmentRow(program, config, outcome, segment));
  return rows;
}

} // namespace

uint64_t overlapCycles(const isa::Program &program, const SimulationOutcome &outcome, Unit a, Unit b) {
  return length(intersect(activeIntervals(program, outcome, a), activeIntervals(program, outcome, b)));
}

json buildReport(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome) {
  const double total = double(outcome.totalCycles);
  auto loadIntervals = activeIntervals(program, outcome, Unit::load);
  auto computeIntervals = activeIntervals(program, outcome, Unit::compute);
  auto storeIntervals = activeIntervals(program, outcome, Unit::store);
  json overlap = {
      {"load_compute_cycles", length(intersect(loadIntervals, computeIntervals))},
      {"compute_store_cycles", length(intersect(computeIntervals, storeIntervals))},
      {"load_store_cycles", length(intersect(loadIntervals, storeIntervals))},
      {"all_units_cycles", length(intersect(intersect(loadIntervals, computeIntervals), storeIntervals))}};
  return {{"units",
           {{"fetch", fetchReport(outcome)},
            {"load", unitReport(program, outcome, Unit::load)},
            {"compute", unitReport(program, outcome, Unit::compute)},
            {"store", unitReport(program, outcome, Unit::store)}}},
          {"gemm_utilization", ratio(double(outcome.counters.gemmMacs), total * double(config.macsPerCycle()))},
          {"alu_utilization", ratio(double(outcome.counters.aluUops), total)},
          {"dram", dramReport(config, outcome)},
          {"overlap", overlap},
          {"segments", segmentRows(program, config, outcome)},
          {"simulation",
           {{"wall_seconds", outcome.simulateSeconds},
            {"cpu_seconds", outcome.simulateCpuSeconds},
            {"cycles_per_second", ratio(total, outcome.simulateSeconds)},
            {"cycles_per_cpu_second", ratio(total, outcome.simulateCpuSeconds)},
            {"timing_contract", "docs/microarchitecture.md"}}}};
}

} // namespace tessera::systemc
