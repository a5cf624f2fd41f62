//===- rtl_backend.cpp - The `rtl` backend: the Verilated RTL through the runtime --===//
//
// Runs a program on the Verilated RTL (rtl_sim.h) and reports the same keys as the
// `systemc` backend: total_cycles, units (busy/stall/idle cycles per unit) and the work
// counters. When the SystemC model is built, the RTL's trace is turned into its records
// and the whole report (utilization, dram, overlap, segments, ...) comes from the same
// systemc::buildReport, with the unit cycle classes taken from the RTL's counters;
// --trace writes the same Chrome trace as systemc. The RTL has no byte or micro-op
// counters, so the work counters are derived from the instruction fields with the
// golden executor's rules (one LOAD moves
// y_size * x_size entries, a GEMM runs iter_out * iter_in * (uop_end - uop_bgn)
// micro-op iterations, ...); the co-simulation test checks them against `functional`.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <array>

#include "rtl/harness/rtl_sim.h"
#include "runtime/backend_api/backend.h"
#ifdef TESSERA_RTL_SYSTEMC_REPORT
#include "simulator/systemc/report.h"
#include "simulator/systemc/trace_writer.h"
#include "isa/timing/transfer_shape.h"
#endif

namespace tessera::runtime {
namespace {

using isa::Field;

uint64_t uopIterations(const isa::Instruction &inst) {
  int64_t range = inst[Field::uop_end] - inst[Field::uop_bgn];
  if (range <= 0) return 0;
  return uint64_t(inst[Field::iter_out] * inst[Field::iter_in] * range);
}

void countInstruction(const isa::Instruction &inst, const isa::HardwareConfig &config, sim::Counters &counters) {
  ++counters.instructions[size_t(inst.opcode)];
  switch (inst.opcode) {
  case isa::Opcode::load: {
    uint64_t entries = uint64_t(inst[Field::y_size] * inst[Field::x_size]);
    counters.bytesLoaded[size_t(inst.buffer())] += entries * uint64_t(config.entryBytes(inst.buffer()));
    return;
  }
  case isa::Opcode::store:
    counters.bytesStored += uint64_t(inst[Field::y_size] * inst[Field::x_size]) *
                            uint64_t(config.entryBytes(isa::Buffer::out));
    return;
  case isa::Opcode::gemm:
    counters.gemmUops += uopIterations(inst);
    if (!inst[Field::reset]) counters.gemmMacs += uopIterations(inst) * uint64_t(config.macsPerCycle());
    return;
  case isa::Opcode::alu:
    counters.aluUops += uopIterations(inst);
    if (inst.aluOp() == isa::AluOp::lut) counters.aluLutUops += uopIterations(inst);
    return;
  case isa::Opcode::finish: return;
  }
}

/// The `units` report of the systemc backend: cycle classes and instructions per unit.
nlohmann::json unitsJson(const isa::Program &program, const rtl::RtlRun &run) {
  static const char *const kNames[] = {"fetch", "load", "compute", "store"};
  std::array<uint64_t, rtl::kRtlUnitCount> instructions{};
  instructions[size_t(rtl::RtlUnit::fetch)] = program.instructions.size();
  for (const isa::Instruction &inst : program.instructions) ++instructions[size_t(isa::unitOf(inst)) + 1];
  nlohmann::json units = nlohmann::json::object();
  for (int unit = 0; unit < rtl::kRtlUnitCount; ++unit) {
    const rtl::UnitCycles &cycles = run.units[size_t(unit)];
    bool fetch = unit == int(rtl::RtlUnit::fetch);
    nlohmann::json &entry = units[kNames[unit]];
    entry = {{"busy_cycles", cycles.busy},
             {"stall_token_cycles", fetch ? 0 : cycles.stallToken},
             {"stall_dram_cycles", cycles.stallDram},
             {"idle_cycles", cycles.idle},
             {"instructions", instructions[size_t(unit)]}};
    if (fetch) entry["stall_queue_cycles"] = cycles.stallToken;
  }
  return units;
}

#ifdef TESSERA_RTL_SYSTEMC_REPORT
systemc::InstructionRecord recordOf(const isa::Instruction &inst, const isa::HardwareConfig &config,
                                    const rtl::InstructionTiming &timing, uint64_t unitFree) {
  systemc::InstructionRecord record;
  record.dispatch = timing.dispatch;
  record.ready = std::max(unitFree, timing.dispatch + 1);
  record.start = timing.start;
  record.end = timing.end;
  if (timing.grant == rtl::kNoCycle) return record;
  record.grant = timing.grant;
  record.firstBeat = timing.firstBeat;
  record.dramStall = (timing.grant - timing.start) +
                     (timing.firstBeat - (timing.grant + uint64_t(config.dram_latency_cycles)));
  record.dramBytes = timing::dmaShape(inst, config).bytes;
  return record;
}

/// The RTL run as the SystemC model's outcome (records.h), for systemc::buildReport.
systemc::SimulationOutcome outcomeOf(const isa::Program &program, const isa::HardwareConfig &config,
                                     const rtl::RtlRun &run, const sim::Counters &counters) {
  systemc::SimulationOutcome outcome;
  outcome.ok = true;
  outcome.totalCycles = run.totalCycles;
  outcome.counters = counters;
  const rtl::UnitCycles &fetch = run.units[size_t(rtl::RtlUnit::fetch)];
  outcome.fetch.busy = fetch.busy;
  outcome.fetch.stallDram = fetch.stallDram;
  outcome.fetch.stallQueue = fetch.stallToken;
  outcome.fetch.lastDispatch = run.instructions.back().dispatch;
  outcome.fetch.blocks = run.fetchBlocks;
  outcome.fetch.bytes = run.fetchBytes;
  outcome.dramBusyBeats = run.dramBusyBeats;
  outcome.simulateSeconds = run.seconds;
  outcome.simulateCpuSeconds = run.cpuSeconds;
  std::array<uint64_t, isa::kUnitCount> unitFree{};
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    size_t unit = size_t(isa::unitOf(program.instructions[i]));
    outcome.records.push_back(recordOf(program.instructions[i], config, run.instructions[i], unitFree[unit]));
    unitFree[unit] = run.instructions[i].end;
  }
  return outcome;
}
#endif

/// The report keys: units from the RTL's performance counters, the rest (when the SystemC
/// model is built) from systemc::buildReport over the RTL's trace, which also gives the
/// Chrome trace (--trace) the SystemC backend writes.
StatusOr<nlohmann::json> reportOf(const isa::Program &program, const isa::HardwareConfig &config,
                                  const rtl::RtlRun &run, const sim::Counters &counters, const RunOptions &options) {
  nlohmann::json details = nlohmann::json::object();
#ifdef TESSERA_RTL_SYSTEMC_REPORT
  systemc::SimulationOutcome outcome = outcomeOf(program, config, run, counters);
  if (!options.tracePath.empty()) TS_RETURN_IF_ERROR(systemc::writeTrace(options.tracePath, program, config, outcome));
  details = systemc::buildReport(program, config, outcome);
#else
  (void)config;
  (void)counters;
  if (!options.tracePath.empty()) return invalidInput("rtl: --trace needs the SystemC model built in");
#endif
  nlohmann::json units = unitsJson(program, run);
  for (auto &[unit, classes] : units.items())
    for (auto &[key, value] : classes.items()) details["units"][unit][key] = value;
  return details;
}

class RtlBackend final : public Backend {
public:
  explicit RtlBackend(const isa::HardwareConfig &config) : config_(config) {}
  std::string_view name() const override { return "rtl"; }

  StatusOr<RunResult> run(const isa::Program &program, std::vector<uint8_t> &dram,
                          const RunOptions &options) override {
    rtl::RtlOptions rtlOptions;
    rtlOptions.maxCycles = options.maxCycles;
    rtlOptions.vcdPath = options.vcdPath;
    TS_ASSIGN_OR_RETURN(rtl::RtlRun run, rtl::runRtl(program, config_, dram, rtlOptions));
    RunResult result;
    for (const isa::Instruction &inst : program.instructions) countInstruction(inst, config_, result.counters);
    result.totalCycles = run.totalCycles;
    TS_ASSIGN_OR_RETURN(result.details, reportOf(program, config_, run, result.counters, options));
    return result;
  }

private:
  isa::HardwareConfig config_;
};

} // namespace

StatusOr<std::unique_ptr<Backend>> createRtlBackend(const isa::HardwareConfig &config) {
  if (!rtl::hasRtlModel(config))
    return invalidInput("backend 'rtl' has no Verilated model for config '%s' (built for: %s)", config.name,
                        joinStrings(rtl::rtlModelConfigs(), ", "));
  return std::unique_ptr<Backend>(new RtlBackend(config));
}

} // namespace tessera::runtime
