//===- cmd_tune.cpp - tessera tune: search each accelerator layer's mappings -----------===//
//
//   tessera tune model.onnx --target accel --config configs/default.json
//       [--calibrate <folder of .npy | random:N>] --trials N
//       --cost-model analytical|measure|xgb --records r.jsonl [-j N] [--resume]
//       [--curve curve.svg]
//   tessera tune model.onnx --target cpu --trials N --records r.jsonl [--resume]
//
// --target cpu tunes each kernel's schedule through the CPU space on this machine
// (compiler/tune/cpu_tuner.h); `tessera compile --target cpu --records r.jsonl` applies it.
//
// The model goes through the accel pipeline of `tessera compile` (the driver's
// compileAccelModel: import, quantization or QDQ import, partition, lowering), then
// compiler/tune tunes its layers (docs/tuning.md). A terminal gets a progress line;
// the end is a per-layer table. `tessera compile --records r.jsonl` applies the result.
//
//===----------------------------------------------------------------------===//
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include <filesystem>
#include <set>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/driver/cpu_model.h"
#include "compiler/driver/driver.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/tune/cpu_tuner.h"
#include "compiler/tune/cost_model.h"
#include "compiler/tune/curve.h"
#include "compiler/tune/tuner.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct TuneArgs {
  std::string model, target = "accel", configPath, curvePath;
  std::vector<std::string> inputShapes;
  driver::CompileOptions compile;
  tune::TuneOptions tune;
};

/// "\rtune: 40/200 trials  best 12345 cycles (untuned 15000, -17.7%)  ETA 12s" on stderr.
class ProgressLine {
public:
  void operator()(int64_t trials, int64_t budget, double best, double untuned) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double eta = trials > 0 ? elapsed / double(trials) * double(std::max<int64_t>(0, budget - trials)) : 0;
    double gain = untuned > 0 ? 100.0 * (untuned - best) / untuned : 0;
    std::cerr << absl::StrFormat("\rtune: %d/%d trials  best %.0f cycles (untuned %.0f, -%.1f%%)  ETA %.0fs   ", trials,
                                 budget, best, untuned, gain, eta)
              << std::flush;
    shown_ = true;
  }
  ~ProgressLine() {
    if (shown_) std::cerr << "\n";
  }

private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  bool shown_ = false;
};

/// The records of this host a --resume run starts from (none without --resume).
StatusOr<std::vector<tune::TuneRecord>> resumedCpuRecords(const TuneArgs &args) {
  if (!args.tune.resume || args.tune.recordsPath.empty()) return std::vector<tune::TuneRecord>{};
  if (!std::filesystem::exists(args.tune.recordsPath)) return std::vector<tune::TuneRecord>{};
  TS_ASSIGN_OR_RETURN(std::vector<tune::TuneRecord> all, tune::readRecords(args.tune.recordsPath));
  tune::RecordSet set = tune::selectRecords(std::move(all), "cpu", tune::hostConfigHash());
  if (set.skipped() > 0) std::cerr << "tune: " << args.tune.recordsPath << ": " << set.describeSkipped() << "\n";
  return set.records;
}

/// The per-kernel table of a CPU tuning run: untuned -> tuned ms, gain.
std::string cpuTable(const std::vector<tune::CpuKernelOutcome> &outcomes) {
  std::string table = absl::StrFormat("%-22s %6s %10s %10s %7s  %s\n", "kernel", "timed", "untuned_ms", "tuned_ms", "gain",
                                      "workload");
  double untuned = 0, tuned = 0;
  for (const tune::CpuKernelOutcome &o : outcomes) {
    untuned += o.untunedMs;
    tuned += o.tunedMs;
    std::string workload = o.workload.size() > 70 ? o.workload.substr(0, 67) + "..." : o.workload;
    table += absl::StrFormat("%-22s %6d %10.4f %10.4f %6.1f%%  %s\n", o.name, o.timed, o.untunedMs, o.tunedMs,
                             100.0 * (o.untunedMs - o.tunedMs) / std::max(o.untunedMs, 1e-12), workload);
  }
  return table + absl::StrFormat("%-22s %6s %10.4f %10.4f %6.1f%%\n", "total", "", untuned, tuned,
                                 100.0 * (untuned - tuned) / std::max(untuned, 1e-12));
}

/// --target cpu: each kernel's schedule through the CPU space, timed on this machine.
Status runTuneCpu(TuneArgs &args) {
  if (args.tune.costModel != "measure")
    return invalidInput("--target cpu tunes with --cost-model measure (kernels timed on this CPU), not '%s'",
                        args.tune.costModel);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, driver::cpuGraph(driver::ModelSource(args.model, args.inputShapes)));
  exec::PlanOptions options = args.compile.cpu.plan;
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan untuned, exec::planGraph(graph, options));
  std::optional<tune::RecordWriter> writer;
  if (!args.tune.recordsPath.empty()) {
    TS_ASSIGN_OR_RETURN(writer, tune::RecordWriter::open(args.tune.recordsPath));
  }
  TS_ASSIGN_OR_RETURN(std::vector<tune::TuneRecord> resumed, resumedCpuRecords(args));
  std::set<std::string> workloads;
  for (const exec::Step &step : untuned.steps)
    if (step.kind == exec::StepKind::Kernel) workloads.insert(exec::kernelWorkloadKey(graph, step.nodes));
  tune::CpuTuner tuner(options.schedule, args.tune.trials, int64_t(workloads.size()),
                       writer ? &*writer : nullptr, std::move(resumed), isatty(2) ? &std::cerr : nullptr);
  options.chooseSchedule = tuner.chooser();
  TS_RETURN_IF_ERROR(exec::planGraph(graph, options).status());
  std::cout << absl::StrFormat("tune: measure, %d kernels (%d distinct workloads), %d schedules timed, host %s\n",
                               untuned.count(exec::StepKind::Kernel), tuner.outcomes().size(), tuner.trialsUsed(),
                               codegen::hostCpuDescription())
            << cpuTable(tuner.outcomes());
  return absl::OkStatus();
}

Status runTune(TuneArgs &args) {
  if (args.target == "cpu") return runTuneCpu(args);
  if (args.target != "accel") return invalidInput("tune supports --target accel or cpu, not '%s'", args.target);
  if (args.configPath.empty()) return invalidInput("--target accel needs --config <hardware config JSON>");
  TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(args.configPath));
  TS_RETURN_IF_ERROR(tune::makeCostModel(args.tune.costModel, config, 1, 0).status()); // before a long calibration
  args.compile.target = "accel";
  args.compile.accel.config = config;
  args.compile.log = &std::cerr;
  TS_ASSIGN_OR_RETURN(accel::CompiledModel model,
                      driver::compileAccelModel(driver::ModelSource(args.model, args.inputShapes), args.compile));
  std::optional<ProgressLine> progress;
  if (isatty(2)) args.tune.onBatch = std::ref(progress.emplace());
  StatusOr<tune::TuneResult> tuned = tune::tuneModel(model, config, args.tune);
  progress.reset(); // ends the line before the table or the error
  TS_ASSIGN_OR_RETURN(tune::TuneResult result, std::move(tuned));
  if (result.records.skipped() > 0)
    std::cerr << "tune: " << args.tune.recordsPath << ": " << result.records.describeSkipped() << "\n";
  std::cout << absl::StrFormat("tune: %s, %d workloads of %d layers, %d trials (%d resumed from records), config %s\n",
                               result.costModel, result.workloads, result.layers.size(), result.trials, result.resumed,
                               config.name)
            << result.table();
  if (!args.curvePath.empty()) {
    std::string title = absl::StrFormat("%s: best total cycles (%s)", args.model, result.costModel);
    TS_RETURN_IF_ERROR(writeTextFile(args.curvePath, tune::curveSvg(result.curve, result.untunedTotal(), title)));
    std::cout << "wrote " << args.curvePath << "\n";
  }
  return absl::OkStatus();
}

} // namespace

int runTuneCommand(const std::vector<std::string> &args) {
  TuneArgs t;
  driver::AccelOptions &accel = t.compile.accel;
  std::string calibrate;
  po::options_description options("options");
  options.add_options()("model", po::value(&t.model)->required(), "ONNX model or int8 graph IR text")(
      "target,t", po::value(&t.target)->default_value("accel"), "accel (layer mappings) or cpu (kernel schedules)")(
      "config,c", po::value(&t.configPath), "the hardware config JSON")(
      "input-shape", po::value(&t.inputShapes)->composing(), "NAME:1x3x224x224 for dynamic inputs")(
      "calibrate", po::value(&calibrate), "quantize with these calibration inputs (folder of .npy, or random:N)")(
      "method", po::value(&accel.method)->default_value("percentile"), "activation range minmax|percentile|entropy")(
      "seed", po::value(&t.tune.seed)->default_value(0), "seed of the search, the learned model and random:N inputs")(
      "trials", po::value(&t.tune.trials)->default_value(100), "prices in this run, shared by all layers")(
      "cost-model", po::value(&t.tune.costModel)->default_value("measure"), tune::kCostModelNames)(
      "records", po::value(&t.tune.recordsPath), "append every price to this JSON-lines file")(
      "resume", po::bool_switch(&t.tune.resume), "continue the records file: what it holds is not priced again")(
      "jobs,j", po::value(&t.tune.jobs)->default_value(1), "measurements in parallel (worker processes)")(
      "curve", po::value(&t.curvePath), "write an SVG of the best total cycles against trials");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("tune", "model.onnx --target accel --config cfg.json --trials N [options]", args, options,
                        positional, vm, exitCode))
    return exitCode;
  if (vm.count("calibrate")) accel.calibrate = calibrate;
  accel.seed = t.tune.seed;
  Status status = runTune(t);
  return status.ok() ? 0 : reportError("tune", status);
}

} // namespace tessera::cli
