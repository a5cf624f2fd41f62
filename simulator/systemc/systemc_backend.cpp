//===- systemc_backend.cpp - The `systemc` backend ------------------------------------===//
#include "simulator/systemc/systemc_backend.h"

#include "simulator/systemc/child_runner.h"
#include "simulator/systemc/report.h"
#include "simulator/systemc/trace_writer.h"
#include "simulator/systemc/vcd_writer.h"

namespace tessera::systemc {
namespace {

Status writeOutputs(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome,
                    const runtime::RunOptions &options) {
  if (!options.tracePath.empty()) TS_RETURN_IF_ERROR(writeTrace(options.tracePath, program, config, outcome));
  if (!options.vcdPath.empty()) TS_RETURN_IF_ERROR(writeVcd(options.vcdPath, program, config, outcome));
  return absl::OkStatus();
}

class SystemcBackend final : public runtime::Backend {
public:
  explicit SystemcBackend(const isa::HardwareConfig &config) : config_(config) {}
  std::string_view name() const override { return "systemc"; }
  StatusOr<runtime::RunResult> run(const isa::Program &program, std::vector<uint8_t> &dram,
                                   const runtime::RunOptions &options) override {
    TS_ASSIGN_OR_RETURN(SystemcRun run, runSystemc(program, config_, dram, options));
    return std::move(run.result);
  }

private:
  isa::HardwareConfig config_;
};

} // namespace

StatusOr<SystemcRun> runSystemc(const isa::Program &program, const isa::HardwareConfig &config,
                                std::vector<uint8_t> &dram, const runtime::RunOptions &options) {
  TS_RETURN_IF_ERROR(isa::verifyProgram(program, config));
  if (dram.size() < program.dramBytes)
    return invalidInput("DRAM holds %d bytes but the program needs %d", dram.size(), program.dramBytes);
  SimulateOptions simulateOptions{options.maxCycles, options.progress};
  TS_ASSIGN_OR_RETURN(SimulationOutcome outcome, simulateInChild(program, config, dram, simulateOptions));
  TS_RETURN_IF_ERROR(writeOutputs(program, config, outcome, options));
  if (!outcome.ok) return Status(absl::StatusCode(outcome.errorCode), outcome.errorMessage);
  SystemcRun run;
  run.result.counters = outcome.counters;
  run.result.totalCycles = outcome.totalCycles;
  run.result.details = buildReport(program, config, outcome);
  run.outcome = std::move(outcome);
  return run;
}

} // namespace tessera::systemc

namespace tessera::runtime {
StatusOr<std::unique_ptr<Backend>> createSystemcBackend(const isa::HardwareConfig &config) {
  return std::unique_ptr<Backend>(new systemc::SystemcBackend(config));
}
} // namespace tessera::runtime
