//===- cmd_compile.cpp - tessera compile: a model to a target's binary ---------------===//
//
//   tessera compile model.onnx --target cpu -o model.so [--input-shape NAME:1x3x224x224]
//       [--print-plan] [--dump-loop-ir kernels.tl] [--schedule NAME=VALUE ...] [--cpu x86-64-v3]
//
//   tessera compile model.onnx --target accel --config configs/default.json
//       [--calibrate <folder of .npy | random:N>] -o model.tsb [--emit-quantized q.tg]
//       [--dump-mappings m.txt] [--mappings m.txt] [--records r.jsonl]
//
//   tessera compile model.onnx --target nvptx --gpu-arch sm_80 -o model.ptx
//
//   any target: [--print-after-all] [--dump-dir DIR]
//
// The flags become driver::CompileOptions and the driver (compiler/driver/driver.h)
// runs the target's pipeline (compiler/driver/targets.def). The flags that print or
// write a stage's text (--print-plan, --dump-loop-ir, --emit-quantized,
// --dump-mappings, --print-after-all, --dump-dir) are one stage observer.
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

#include "compiler/codegen/cpu_jit.h"
#include "compiler/driver/driver.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/lower/cpu_schedule.h"
#include "compiler/tune/cpu_tuner.h"
#include "compiler/tune/records.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct CompileArgs {
  std::string model, output, configPath, mappingsPath, recordsPath;
  std::optional<tune::BestRecords> records; ///< --records: the best record of each layer's workload
  std::optional<int64_t> cpuRecordsApplied; ///< --records, --target cpu: kernels given a recorded schedule
  std::vector<std::string> inputShapes;
  std::vector<std::string> schedule; ///< cpu: NAME=VALUE schedule parameters
  std::string cpu;                   ///< cpu: the LLVM CPU name to generate code for (empty: the host)
  std::string tuneThreads;           ///< cpu: --tune-threads, comma-separated thread counts
  std::string tuneCache = "auto";    ///< cpu: --tune-cache auto|warm|cold
  driver::CompileOptions options;
  // What the stage observer prints or writes.
  bool printPlan = false, printAfterAll = false;
  std::string loopIrPath, quantizedPath, mappingsOutPath, dumpDir;

  /// The file a stage is written to besides --dump-dir ("" for none).
  const std::string &fileFor(const std::string &stage) const {
    static const std::string none;
    if (stage == "loop-ir") return loopIrPath;
    if (stage == "quantize") return quantizedPath;
    if (stage == "mappings") return mappingsOutPath;
    return none;
  }
};

/// Prints and writes the stages the flags ask for; the first failed write is kept.
class StageOutputs {
public:
  explicit StageOutputs(const CompileArgs &args) : args_(args) {}

  void operator()(const driver::Stage &stage) {
    ++count_;
    const std::string &file = args_.fileFor(stage.name);
    bool wanted = args_.printAfterAll || !args_.dumpDir.empty() || (args_.printPlan && stage.name == "plan") ||
                  !file.empty();
    if (!wanted) return;
    std::string text = stage.print();
    if (args_.printAfterAll) std::cout << "// ----- after " << stage.name << " -----\n" << text;
    else if (args_.printPlan && stage.name == "plan") std::cout << text;
    if (!args_.dumpDir.empty())
      keep(writeTextFile(absl::StrFormat("%s/%02d-%s.txt", args_.dumpDir, count_, stage.name), text));
    if (!file.empty()) keep(writeTextFile(file, text));
  }
  const Status &status() const { return status_; }

private:
  void keep(Status status) {
    if (status_.ok()) status_ = std::move(status);
  }
  const CompileArgs &args_;
  int count_ = 0;
  Status status_;
};

Status makeDumpDir(const std::string &dir) {
  if (dir.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalidInput("cannot create --dump-dir '%s': %s", dir, error.message());
  return absl::OkStatus();
}

/// --records with --target cpu: each kernel takes the best schedule recorded for its
/// workload on this host (`tessera tune --target cpu`).
Status loadCpuRecords(CompileArgs &args) {
  TS_ASSIGN_OR_RETURN(std::vector<tune::TuneRecord> all, tune::readRecords(args.recordsPath));
  tune::RecordSet set = tune::selectRecords(std::move(all), "cpu", tune::hostConfigHash());
  if (set.skipped() > 0) std::cerr << "compile: " << args.recordsPath << ": " << set.describeSkipped() << "\n";
  args.cpuRecordsApplied = 0;
  exec::PlanOptions &plan = args.options.cpu.plan;
  plan.chooseSchedule = tune::recordedScheduleChooser(set, plan.schedule, &*args.cpuRecordsApplied);
  return absl::OkStatus();
}

/// --records: the best legal record of each layer replaces the cost model's choice
/// (a --mappings line wins over a record). Records of another format version, target or
/// config are counted on stderr; a malformed line is an error naming file and line.
Status loadRecords(CompileArgs &args) {
  if (args.recordsPath.empty()) return absl::OkStatus();
  if (args.options.target == "cpu") return loadCpuRecords(args);
  if (args.options.target != "accel") return invalidInput("--records applies to --target accel and cpu only");
  const isa::HardwareConfig &config = *args.options.accel.config;
  TS_ASSIGN_OR_RETURN(std::vector<tune::TuneRecord> all, tune::readRecords(args.recordsPath));
  tune::RecordSet set = tune::selectRecords(std::move(all), "accel", tune::configHashOf(config));
  if (set.skipped() > 0) std::cerr << "compile: " << args.recordsPath << ": " << set.describeSkipped() << "\n";
  args.records.emplace(set, config);
  args.options.accel.lowering.mappingOf = [&records = *args.records](const accel::AccelLayer &layer) {
    return records.mappingFor(layer);
  };
  return absl::OkStatus();
}

/// The flags the parser does not fill directly: the accel config and mappings, the cpu
/// schedule.
/// --tune-threads "1,2": thread counts from 1 to 1024.
StatusOr<std::vector<int>> parseTuneThreads(const std::string &text) {
  std::vector<int> counts;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int count = 0;
    if (!absl::SimpleAtoi(part, &count) || count < 1 || count > 1024)
      return invalidInput("--tune-threads '%s': '%s' is not a thread count from 1 to 1024", text, part);
    counts.push_back(count);
  }
  return counts;
}

Status completeOptions(CompileArgs &args) {
  driver::CompileOptions &options = args.options;
  if (options.target == "accel") {
    if (args.configPath.empty()) return invalidInput("--target accel needs --config <hardware config JSON>");
    TS_ASSIGN_OR_RETURN(options.accel.config, isa::loadConfigFile(args.configPath));
  }
  if (!args.mappingsPath.empty()) {
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(args.mappingsPath));
    auto mappings = accel::parseLayerMappings(text);
    if (!mappings.ok()) return annotate(mappings.status(), args.mappingsPath);
    options.accel.lowering.mappings = std::move(*mappings);
  }
  if (!args.cpu.empty()) {
    TS_RETURN_IF_ERROR(codegen::setTargetCpu(args.cpu));
    options.cpu.plan.schedule = exec::hostScheduleParams();
  }
  if (!args.tuneThreads.empty()) {
    TS_ASSIGN_OR_RETURN(options.cpu.plan.tuneThreads, parseTuneThreads(args.tuneThreads));
  }
  if (options.cpu.inModel.candidates < 0 || options.cpu.inModel.candidates > 16)
    return invalidInput("--tune-in-model %d: expected 0 to 16 schedules per kernel", options.cpu.inModel.candidates);
  if (args.tuneCache == "cold" || args.tuneCache == "warm")
    options.cpu.plan.tuneColdConstants = args.tuneCache == "cold";
  else if (args.tuneCache != "auto")
    return invalidInput("--tune-cache '%s': expected auto, warm or cold", args.tuneCache);
  TS_RETURN_IF_ERROR(loadRecords(args));
  for (const std::string &assignment : args.schedule)
    TS_RETURN_IF_ERROR(lower::setScheduleParam(options.cpu.plan.schedule, assignment));
  options.log = &std::cout;
  return makeDumpDir(args.dumpDir);
}

Status compileModel(CompileArgs &args) {
  TS_RETURN_IF_ERROR(completeOptions(args));
  StageOutputs outputs(args);
  args.options.observer = std::ref(outputs);
  TS_ASSIGN_OR_RETURN(driver::CompiledArtifact artifact, driver::compileModel(driver::ModelSource(args.model, args.inputShapes), args.options));
  TS_RETURN_IF_ERROR(outputs.status());
  TS_RETURN_IF_ERROR(writeBinaryFile(args.output, artifact.bytes));
  std::cout << artifact.summary;
  if (args.records)
    std::cout << absl::StrFormat("records: %s: %d layers mapped from records (%d illegal records passed over)\n",
                                 args.recordsPath, args.records->applied(), args.records->illegal());
  if (args.cpuRecordsApplied)
    std::cout << absl::StrFormat("records: %s: %d kernels scheduled from records\n", args.recordsPath, *args.cpuRecordsApplied);
  std::cout << "wrote " << args.output << artifact.detail << "\n";
  return absl::OkStatus();
}

std::string targetHelp() {
  std::vector<std::string> parts;
  for (const driver::TargetInfo &target : driver::targets())
    parts.push_back(strCat(target.name, " (", target.description, ")"));
  return joinStrings(parts, " | ");
}

} // namespace

int runCompileCommand(const std::vector<std::string> &args) {
  CompileArgs compile;
  driver::CompileOptions &o = compile.options;
  std::string calibrate;
  po::options_description options("options");
  options.add_options()("model", po::value(&compile.model)->required(), "ONNX model or graph IR text")(
      "target,t", po::value(&o.target)->default_value("cpu"), targetHelp().c_str())(
      "output,o", po::value(&compile.output)->required(), "the output file (model.so for cpu)")(
      "input-shape", po::value(&compile.inputShapes)->composing(), "NAME:1x3x224x224 for dynamic inputs")(
      "print-plan", po::bool_switch(&compile.printPlan), "print the kernels, aliases and ref fallbacks")(
      "dump-loop-ir", po::value(&compile.loopIrPath), "write every kernel's loop IR to this file")(
      "print-after-all", po::bool_switch(&compile.printAfterAll), "print every stage of the pipeline (graph IR, plan, loop IR, assembly)")(
      "dump-dir", po::value(&compile.dumpDir), "write every stage of the pipeline to DIR/NN-stage.txt")(
      "schedule", po::value(&compile.schedule)->composing(), ("cpu: override a schedule parameter, NAME=VALUE (repeatable; e.g. winogradOutputTile=0):\n" + lower::scheduleParamsHelp()).c_str())(
      "cpu", po::value(&compile.cpu), "cpu: generate code for this LLVM CPU instead of the host's (x86-64-v3: AVX2, 8-lane kernels; x86-64-v4: AVX-512, 16-lane; the host must have its vector features)")(
      "tune", po::bool_switch(&o.cpu.plan.tune), "cpu: auto-tune: time each kernel under its candidate schedules on this machine and keep the fastest (prints the times)")(
      "tune-threads", po::value(&compile.tuneThreads), "cpu: --tune times each kernel on these thread counts, comma-separated (default: 1 and every hardware thread), and keeps the least geometric mean of its relative times")(
      "tune-in-model", po::value(&o.cpu.inModel.candidates)->default_value(o.cpu.inModel.candidates), "cpu: --tune then times each kernel's N fastest schedules (alone) inside the whole model -- N compiled models, run in turn -- and keeps the fastest there (0 or 1: kernels alone only)")(
      "tune-cache", po::value(&compile.tuneCache), "cpu: the cache state --tune times kernels in: cold evicts each kernel's weights before every call (as inside a model that touches more bytes per inference than the last-level cache holds), warm keeps them cached; auto (default) picks by that comparison")(
      "gpu-arch", po::value(&o.nvptx.arch)->default_value("sm_80"), "nvptx: the GPU architecture (sm_80, sm_90, ...)")(
      "gpu-block-size", po::value(&o.nvptx.threadsPerBlock)->default_value(256), "nvptx: threads per block")(
      "config,c", po::value(&compile.configPath), "accel: the hardware config JSON")(
      "calibrate", po::value(&calibrate), "accel: quantize with these calibration inputs (folder of .npy, or random:N); not needed for int8 graph IR or QDQ ONNX models")(
      "method", po::value(&o.accel.method)->default_value("percentile"), "accel: activation range minmax|percentile|entropy")(
      "seed", po::value(&o.accel.seed)->default_value(0), "accel: seed of random:N calibration inputs")(
      "emit-quantized", po::value(&compile.quantizedPath), "accel: also write the int8 graph IR text (the reference)")(
      "virtual-threads", po::value(&o.accel.lowering.virtualThreads)->default_value(2), "accel: virtual threads per layer (1 or 2)")(
      "dump-mappings", po::value(&compile.mappingsOutPath), "accel: write each layer's mapping here (NAME: MAPPING per line)")(
      "mappings", po::value(&compile.mappingsPath), "accel: use these layer mappings instead of the cost model's (a --dump-mappings file)")(
      "records", po::value(&compile.recordsPath), "accel, cpu: use each layer's (kernel's) best tuning record (a `tessera tune --records` file)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("compile", "model.onnx --target cpu -o model.so [options]", args, options, positional, vm,
                        exitCode))
    return exitCode;
  if (vm.count("calibrate")) o.accel.calibrate = calibrate;
  Status status = compileModel(compile);
  return status.ok() ? 0 : reportError("compile", status);
}

} // namespace tessera::cli
