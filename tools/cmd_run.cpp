//===- cmd_run.cpp - tessera run: run a binary on a backend ---------------------------===//
//
// tessera run prog.(tsb|s) --backend functional [--config cfg.json] [--input n=f.npy ...]
//   [--random-inputs SEED] [--output-dir dir] [--report r.json] [--report-csv r.csv]
//   [--trace t.json] [--vcd w.vcd] [--roofline r.svg] [--max-cycles N]
//
// A binary compiled from a model (`tessera compile --target accel`) carries its host
// side; it runs as a whole model (runtime/model/accel_model_runner.h): --input names
// model inputs and --reference q.tg checks the outputs against the interpreter.
// `--backend cpu` runs a model on the host CPU (runtime/model/cpu_model_runner.h).
//
//===----------------------------------------------------------------------===//
#include <iostream>
#include <thread>

#include <unistd.h>

#include "runtime/device.h"
#include "runtime/energy_report.h"
#include "runtime/roofline.h"
#include "support/file_io.h"
#include "tools/command.h"
#include "tools/program_file.h"
#include "tools/tensor_io.h"
#ifdef TESSERA_HAVE_COMPILER
#include "compiler/driver/cpu_model.h"
#include "compiler/driver/model_import.h"
#include "runtime/model/accel_model_runner.h"
#include "runtime/model/cpu_model_runner.h"
#endif

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct RunArgs {
  std::string program, backend = "functional", outputDir, reportPath, csvPath, rooflinePath, referencePath;
  std::string energyPath; ///< --energy: an energy table (default: the compiled-in default-45nm)
  std::optional<std::string> configPath;
  std::vector<std::string> inputs;
  std::optional<uint64_t> randomSeed;
  runtime::RunOptions options;
  isa::LoadOptions load; ///< --no-verify: skip the binary's section checksums
};

std::vector<TensorSpec> programInputs(const isa::Program &program) {
  std::vector<TensorSpec> specs;
  for (const isa::TensorInfo &tensor : program.tensors)
    if (tensor.kind == isa::TensorKind::input) specs.push_back(TensorSpec{tensor.name, tensor.dtype, tensor.shape});
  return specs;
}

Status writeInputs(runtime::Device &device, const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(TensorMap inputs, readInputTensors(programInputs(device.program()), args.inputs, args.randomSeed));
  for (const auto &[name, value] : inputs) TS_RETURN_IF_ERROR(annotate(device.writeTensor(name, value), strCat("input ", name)));
  return absl::OkStatus();
}

StatusOr<TensorMap> readOutputs(const runtime::Device &device) {
  TensorMap outputs;
  for (const isa::TensorInfo &tensor : device.program().tensors) {
    if (tensor.kind != isa::TensorKind::output) continue;
    TS_ASSIGN_OR_RETURN(outputs[tensor.name], device.readTensor(tensor.name));
  }
  return outputs;
}

std::string csvCell(const nlohmann::json &value) {
  if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
  return value.dump();
}

Status writeSegmentsCsv(const nlohmann::json &report, const std::string &path) {
  if (!report.contains("segments") || !report["segments"].is_array())
    return invalidInput("--report-csv: backend '%s' reports no per-segment rows", report["backend"].get<std::string>());
  std::string csv;
  const nlohmann::json &rows = report["segments"];
  std::vector<std::string> columns;
  if (!rows.empty())
    for (const auto &item : rows[0].items())
      if (!item.value().is_object() && !item.value().is_array()) columns.push_back(item.key());
  csv += joinStrings(columns, ",") + "\n";
  for (const nlohmann::json &row : rows) {
    std::vector<std::string> cells;
    for (const std::string &column : columns) cells.push_back(row.contains(column) ? csvCell(row[column]) : "");
    csv += joinStrings(cells, ",") + "\n";
  }
  return writeTextFile(path, csv);
}

void printSummary(const nlohmann::json &report) {
  const nlohmann::json &counters = report["counters"];
  std::cout << "backend: " << report["backend"].get<std::string>() << "  config: " << report["config"]["name"].get<std::string>()
            << " (" << report["config_hash"].get<std::string>() << ")\n";
  if (report.contains("total_cycles"))
    std::cout << "total_cycles: " << report["total_cycles"] << "  time_us: " << report["time_us"] << "\n";
  std::cout << "instructions: " << counters["instructions"].dump() << "\n"
            << "gemm_uops: " << counters["gemm_uops"] << "  gemm_macs: " << counters["gemm_macs"]
            << "  alu_uops: " << counters["alu_uops"] << "\n"
            << "bytes_loaded: " << counters["bytes_loaded"].dump() << "  bytes_stored: " << counters["bytes_stored"] << "\n";
  if (!report.contains("energy")) return;
  const nlohmann::json &energy = report["energy"];
  std::cout << absl::StrFormat("energy_uj: %.4g  pj_per_mac: %.4g", energy["total_uj"].get<double>(),
                               energy["pj_per_mac"].get<double>());
  if (energy.contains("avg_power_mw")) std::cout << absl::StrFormat("  avg_power_mw: %.4g", energy["avg_power_mw"].get<double>());
  std::cout << absl::StrFormat("  area_mm2: %.4g\n", report["area_mm2"]["total"].get<double>());
}

/// `name` in at most `width` characters: cut in the middle, so that names sharing a
/// prefix or a suffix ("/layer1/layer1.0/downsample/downsample.0/Conv") stay apart.
std::string fitName(const std::string &name, size_t width) {
  if (name.size() <= width) return name;
  size_t head = (width - 3) / 2, tail = width - 3 - head;
  return name.substr(0, head) + "..." + name.substr(name.size() - tail);
}

/// The per-layer table of a cycle-level run: one row per segment, the name column as
/// wide as the longest name (up to 64 characters).
void printSegmentTable(const nlohmann::json &report) {
  if (!report.contains("segments") || !report.contains("total_cycles") || report["segments"].empty()) return;
  size_t width = 5;
  for (const nlohmann::json &row : report["segments"]) width = std::max(width, row["name"].get<std::string>().size());
  width = std::min<size_t>(width, 64);
  std::cout << absl::StrFormat("%-*s %-15s %10s %6s %12s %10s %10s %10s %8s\n", width, "layer", "op", "cycles", "util",
                               "macs", "stall_tok", "stall_dram", "dram_kB", "bound");
  for (const nlohmann::json &row : report["segments"]) {
    std::string name = fitName(row["name"].get<std::string>(), width);
    double kB = double(row["dram_bytes_read"].get<uint64_t>() + row["dram_bytes_written"].get<uint64_t>()) / 1024.0;
    std::cout << absl::StrFormat("%-*s %-15s %10d %5.1f%% %12d %10d %10d %10.1f %8s\n", width, name,
                                 row["op"].get<std::string>(), row["cycles"].get<uint64_t>(),
                                 100.0 * row["gemm_utilization"].get<double>(), row["macs"].get<uint64_t>(),
                                 row["stall_token_cycles"].get<uint64_t>(), row["stall_dram_cycles"].get<uint64_t>(), kB,
                                 row.value("roofline_bound", std::string()));
  }
}

/// The host rows of the per-layer table: each host executor step with its measured time.
void printHostLayers(const nlohmann::json &report) {
  if (!report.contains("host_layers") || report["host_layers"].empty()) return;
  size_t width = 10;
  for (const nlohmann::json &row : report["host_layers"]) width = std::max(width, row["name"].get<std::string>().size());
  width = std::min<size_t>(width, 64);
  std::cout << absl::StrFormat("%-*s %-30s %6s %-9s %10s\n", width, "host layer", "op", "region", "path", "host_ms");
  for (const nlohmann::json &row : report["host_layers"])
    std::cout << absl::StrFormat("%-*s %-30s %6d %-9s %10.4f\n", width, fitName(row["name"].get<std::string>(), width),
                                 row["op"].get<std::string>(), row["region"].get<int>(),
                                 row["path"].get<std::string>(), row["host_ms"].get<double>());
}

/// The whole model's time: the accelerator at its clock, the host measured.
void printEndToEnd(const nlohmann::json &report) {
  if (!report.contains("end_to_end")) return;
  const nlohmann::json &e = report["end_to_end"];
  std::cout << absl::StrFormat("end_to_end: total_ms=%.4f accel_ms=%.4f (%.0f cycles, %s) host_ms=%.4f transfer_ms=%.4f "
                               "transfer_bytes=%d partitions=%d (%d accelerator, %d host) host_code=%s\n",
                               e["total_ms"].get<double>(), e["accel_ms"].get<double>(), e["accel_cycles"].get<double>(),
                               e["accel_cycles_source"].get<std::string>(), e["host_ms"].get<double>(),
                               e["transfer_ms"].get<double>(), e["transfer_bytes"].get<int64_t>(),
                               e["partitions"].get<int>(), e["accel_partitions"].get<int>(), e["host_partitions"].get<int>(),
                               e.value("host_code", std::string("jit")));
}

StatusOr<nlohmann::json> runPlainProgram(isa::LoadedBinary binary, const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(auto device, runtime::Device::open(args.backend, binary.config));
  TS_RETURN_IF_ERROR(device->load(std::move(binary.program)));
  TS_RETURN_IF_ERROR(writeInputs(*device, args));
  TS_ASSIGN_OR_RETURN(runtime::RunResult result, device->run(args.options));
  if (!args.outputDir.empty()) {
    TS_ASSIGN_OR_RETURN(TensorMap outputs, readOutputs(*device));
    TS_RETURN_IF_ERROR(writeOutputTensors(outputs, args.outputDir));
  }
  return device->report(result);
}

#ifdef TESSERA_HAVE_COMPILER
/// A binary compiled from a model: the whole model, its outputs printed.
StatusOr<nlohmann::json> runModelBinary(isa::LoadedBinary binary, const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(auto runner, runtime::AccelModelRunner::open(std::move(binary), args.backend));
  std::vector<TensorSpec> specs;
  for (const accel::HostInput &input : runner.model().inputs) specs.push_back(TensorSpec{input.name, input.dtype, input.shape});
  TS_ASSIGN_OR_RETURN(TensorMap inputs, readInputTensors(specs, args.inputs, args.randomSeed));
  TS_ASSIGN_OR_RETURN(TensorMap outputs, runner.run(inputs, args.options));
  for (const auto &[name, tensor] : outputs) std::cout << runtime::describeOutput(name, tensor) << "\n";
  if (runner.model().coverage) std::cout << runner.model().coverage->describe() << "\n";
  if (!args.outputDir.empty()) TS_RETURN_IF_ERROR(writeOutputTensors(outputs, args.outputDir));
  if (!args.referencePath.empty()) {
    TS_ASSIGN_OR_RETURN(graph::Graph reference, driver::readGraphFile(args.referencePath));
    TS_RETURN_IF_ERROR(runner.checkAgainstReference(reference, args.referencePath, inputs, outputs));
    std::cout << "reference: every output is bit-identical to the interpreter running " << args.referencePath << "\n";
  }
  return runner.report();
}

struct CpuArgs {
  std::vector<std::string> inputShapes; ///< NAME:1x3x224x224 (ONNX models)
  std::optional<double> checkTolerance;
  runtime::CpuRunOptions options;
};

/// A model library written by `tessera compile --target cpu` (.so), or a model file
/// the driver compiles in process.
StatusOr<runtime::CpuModel> openCpuModel(const std::string &path, const std::vector<std::string> &inputShapes) {
  runtime::CpuModel model;
  if (path.ends_with(".so")) {
    TS_ASSIGN_OR_RETURN(model.library, runtime::LoadedModel::load(path));
    return model;
  }
  TS_ASSIGN_OR_RETURN(model.jit, driver::compileInProcessForCpu(driver::ModelSource(path, inputShapes)));
  return model;
}

/// The graph's non-constant inputs.
std::vector<TensorSpec> graphInputs(const graph::Graph &graph) {
  std::vector<TensorSpec> specs;
  for (const std::string &name : graph.inputs)
    if (!graph.constantOf(name)) specs.push_back(TensorSpec{name, graph.typeOf(name).dtype, graph.typeOf(name).shape});
  return specs;
}

/// `--backend cpu`: a model library, or a model compiled in process.
Status runOnCpu(const RunArgs &args, const CpuArgs &cpu) {
  TS_ASSIGN_OR_RETURN(runtime::CpuModel model, openCpuModel(args.program, cpu.inputShapes));
  const exec::GraphExecutor &executor = model.executor();
  TS_ASSIGN_OR_RETURN(TensorMap inputs, readInputTensors(graphInputs(executor.graph()), args.inputs, args.randomSeed));
  TS_ASSIGN_OR_RETURN(TensorMap outputs, runtime::runCpuModel(executor, inputs, cpu.options));
  if (!args.outputDir.empty()) TS_RETURN_IF_ERROR(writeOutputTensors(outputs, args.outputDir));
  if (cpu.checkTolerance)
    TS_RETURN_IF_ERROR(runtime::checkAgainstInterpreter(executor, inputs, outputs, *cpu.checkTolerance, std::cout));
  return absl::OkStatus();
}
#endif

StatusOr<nlohmann::json> runBinary(isa::LoadedBinary binary, const RunArgs &args) {
  if (binary.program.host.empty()) {
    if (!args.referencePath.empty()) return invalidInput("--reference applies to binaries compiled from a model");
    return runPlainProgram(std::move(binary), args);
  }
#ifdef TESSERA_HAVE_COMPILER
  return runModelBinary(std::move(binary), args);
#else
  return invalidInput("'%s' was compiled from a model; running its host side needs the compiler build", args.program);
#endif
}

/// A model file given to an accelerator backend: say what runs it.
Status checkNotAModel(const RunArgs &args) {
  for (const char *extension : {".onnx", ".tg", ".so"})
    if (args.program.ends_with(extension))
      return invalidInput("'%s' is a model, not an accelerator program (.tsb or .s): run it with --backend cpu, or "
                          "compile it for the accelerator first (tessera compile %s --target accel --config CFG -o m.tsb)",
                          args.program, args.program);
  return absl::OkStatus();
}

#ifdef TESSERA_HAVE_COMPILER
/// The cpu backend's flags in range: at most 4 threads per core (more only slows a run down).
Status checkCpuFlags(const runtime::CpuRunOptions &options, const po::variables_map &vm) {
  int cores = int(std::max(1u, std::thread::hardware_concurrency())), maxThreads = 4 * cores;
  if (options.threads < 1 || options.threads > maxThreads)
    return invalidInput("--threads %d: expected 1 to %d (4 per core on this %d-core host)", options.threads, maxThreads, cores);
  if (options.repeat < 1) return invalidInput("--repeat %d: expected at least 1 timed run", options.repeat);
  if (options.warmup < 0) return invalidInput("--warmup %d: expected 0 or more untimed runs", options.warmup);
  for (const char *flag : {"trace", "vcd", "roofline", "max-cycles", "reference", "energy"})
    if (vm.count(flag)) return invalidInput("--%s applies to accelerator backends (functional, systemc, rtl), not --backend cpu", flag);
  return absl::OkStatus();
}
#endif

/// Flags of the cpu backend given to an accelerator backend are errors, not ignored.
Status checkAcceleratorFlags(const po::variables_map &vm) {
  for (const char *flag : {"repeat", "warmup", "threads", "print-time", "profile", "input-shape", "check"})
    if (vm.count(flag) && !vm[flag].defaulted()) return invalidInput("--%s applies to --backend cpu only", flag);
  return absl::OkStatus();
}

Status runProgram(const RunArgs &args) {
  TS_RETURN_IF_ERROR(checkNotAModel(args));
  isa::EnergyTable energy = isa::defaultEnergyTable();
  if (!args.energyPath.empty()) {
    TS_ASSIGN_OR_RETURN(energy, isa::loadEnergyTableFile(args.energyPath));
  }
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, loadProgram(args.program, args.configPath, args.load));
  isa::HardwareConfig config = binary.config;
  TS_ASSIGN_OR_RETURN(nlohmann::json report, runBinary(std::move(binary), args));
  TS_RETURN_IF_ERROR(runtime::addEnergyToReport(report, energy, config));
  report["program"] = args.program;
  printSummary(report);
  printSegmentTable(report);
  printHostLayers(report);
  printEndToEnd(report);
  if (!args.reportPath.empty()) TS_RETURN_IF_ERROR(writeTextFile(args.reportPath, report.dump(2) + "\n"));
  if (!args.csvPath.empty()) TS_RETURN_IF_ERROR(writeSegmentsCsv(report, args.csvPath));
  if (!args.rooflinePath.empty()) {
    TS_ASSIGN_OR_RETURN(std::string svg, runtime::rooflineSvg(report, config));
    TS_RETURN_IF_ERROR(writeTextFile(args.rooflinePath, svg));
  }
  return absl::OkStatus();
}

} // namespace

int runRunCommand(const std::vector<std::string> &args) {
  RunArgs run;
  std::string config;
  uint64_t seed = 0;
  int64_t maxCycles = 0;
  po::options_description options("options");
  options.add_options()("program", po::value(&run.program)->required(),
                  "accelerator binary (.tsb) or assembly (.s); with --backend cpu a model (.onnx, graph IR .tg) or a "
                  "library from `tessera compile --target cpu` (.so)")(
      "backend,b", po::value(&run.backend)->default_value("functional"),
      "functional | systemc | rtl (accelerator programs) | cpu (models: .onnx, .tg, .so)")(
      "config,c", po::value(&config), "hardware config (required for .s; checked against a .tsb)")(
      "input,i", po::value(&run.inputs)->composing(), "NAME=FILE.npy, once per input tensor")(
      "random-inputs", po::value(&seed), "fill inputs not given with --input from this seed")(
      "output-dir,d", po::value(&run.outputDir), "write each output tensor as DIR/<name>.npy")(
      "report,r", po::value(&run.reportPath), "write the JSON report here")(
      "energy", po::value(&run.energyPath), "energy/area table for the report's energy and area_mm2 (default: "
      "the built-in configs/energy/default-45nm.json)")(
      "report-csv", po::value(&run.csvPath), "write the per-segment rows as CSV here")(
      "trace", po::value(&run.options.tracePath), "Chrome Trace Event JSON (cycle-level backends)")(
      "vcd", po::value(&run.options.vcdPath), "waveform (cycle-level backends)")(
      "roofline", po::value(&run.rooflinePath), "write a roofline plot (SVG) of the segments (cycle-level backends)")(
      "reference", po::value(&run.referencePath), "compiled models: check outputs against this quantized graph on the interpreter")(
      "max-cycles", po::value(&maxCycles), "stop with an error after this many cycles")(
      "no-verify", po::bool_switch(), "skip the binary's section checksums (experiments on a damaged file)");
#ifdef TESSERA_HAVE_COMPILER
  // The `cpu` backend runs models (model.so from `tessera compile`, or .onnx/.tg JIT).
  CpuArgs cpu;
  double checkTolerance = 0;
  options.add_options()("repeat", po::value(&cpu.options.repeat)->default_value(1), "cpu: timed runs after the warm-up")(
      "warmup", po::value(&cpu.options.warmup)->default_value(1), "cpu: untimed runs first")(
      "threads", po::value(&cpu.options.threads)->default_value(1), "cpu: threads for parallel loops")(
      "print-time", po::bool_switch(&cpu.options.printTime), "cpu: print median, min and max latency in ms")(
      "profile", po::bool_switch(&cpu.options.profile), "cpu: print each kernel's mean time (and GMAC/s), slowest first, and time by op")(
      "input-shape", po::value(&cpu.inputShapes)->composing(), "cpu: NAME:1x3x224x224 for dynamic ONNX inputs")(
      "check", po::value(&checkTolerance), "cpu: compare with the reference interpreter: the largest difference relative to each output's largest magnitude (at least 1) must be at most this");
#endif
  po::positional_options_description positional;
  positional.add("program", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("run", "prog.tsb|prog.s|model.onnx [--backend NAME] [--input NAME=FILE.npy ...] [options]", args, options,
                        positional, vm, exitCode))
    return exitCode;
#ifdef TESSERA_HAVE_COMPILER
  if (vm.count("random-inputs")) run.randomSeed = seed;
  if (run.backend == "cpu") {
    if (vm.count("check")) cpu.checkTolerance = checkTolerance;
    cpu.options.out = &std::cout;
    Status status = checkCpuFlags(cpu.options, vm);
    if (status.ok()) status = runOnCpu(run, cpu);
    return status.ok() ? 0 : reportError("run", status);
  }
#else
  if (vm.count("random-inputs")) run.randomSeed = seed;
#endif
  if (vm.count("config")) run.configPath = config;
  run.load.verifyChecksums = !vm["no-verify"].as<bool>();
  if (maxCycles < 0) return reportError("run", invalidInput("--max-cycles %d: expected a cycle count >= 0 (0: no limit)", maxCycles));
  run.options.maxCycles = uint64_t(maxCycles);
  run.options.progress = isatty(2);
  Status status = checkAcceleratorFlags(vm);
  if (status.ok()) status = runProgram(run);
  return status.ok() ? 0 : reportError("run", status);
}

} // namespace tessera::cli
