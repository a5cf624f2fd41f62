//===- cmd_run.cpp - tessera run: run a binary on a backend ---------------------------===//
//
// tessera run prog.(tsb|s) --backend functional [--config cfg.json] [--input n=f.npy ...]
//   [--random-inputs SEED] [--output-dir dir] [--report r.json] [--report-csv r.csv]
//   [--trace t.json] [--vcd w.vcd] [--roofline r.svg] [--max-cycles N]
//
// A binary compiled from a model (`tessera compile --target accel`) carries its host
// side; it runs as a whole model (tools/accel_model.h): --input names model inputs and
// --reference q.tg checks the outputs against the interpreter.
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <iostream>
#include <map>

#include <unistd.h>

#include "runtime/device.h"
#include "runtime/roofline.h"
#include "support/file_io.h"
#include "support/npy.h"
#include "tools/command.h"
#include "tools/program_input.h"
#ifdef TESSERA_HAVE_COMPILER
#include "tools/accel_model.h"
#include "tools/cpu_model.h"
#endif

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct RunArgs {
  std::string program, backend = "functional", outputDir, reportPath, csvPath, rooflinePath, referencePath;
  std::optional<std::string> configPath;
  std::vector<std::string> inputs;
  std::optional<uint64_t> randomSeed;
  runtime::RunOptions options;
};

StatusOr<std::map<std::string, std::string>> parseInputs(const std::vector<std::string> &inputs) {
  std::map<std::string, std::string> files;
  for (const std::string &input : inputs) {
    auto [name, path] = splitOnce(input, '=');
    if (name.empty() || path.empty()) return invalidInput("--input '%s' must be NAME=FILE", input);
    files[std::string(name)] = std::string(path);
  }
  return files;
}

Status writeInputs(runtime::Device &device, const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(auto files, parseInputs(args.inputs));
  std::vector<std::string> missing;
  uint64_t index = 0;
  for (const isa::TensorInfo &tensor : device.program().tensors) {
    if (tensor.kind != isa::TensorKind::input) continue;
    ++index;
    auto file = files.find(tensor.name);
    if (file != files.end()) {
      TS_ASSIGN_OR_RETURN(Tensor value, readTensorFile(file->second));
      TS_RETURN_IF_ERROR(annotate(device.writeTensor(tensor.name, value), file->second));
      files.erase(file);
    } else if (args.randomSeed) {
      TS_RETURN_IF_ERROR(device.writeTensor(tensor.name, randomTensor(tensor.dtype, tensor.shape, *args.randomSeed + index)));
    } else {
      missing.push_back(strCat(tensor.name, " (", dtypeName(tensor.dtype), " ", shapeToString(tensor.shape), ")"));
    }
  }
  if (!files.empty()) return invalidInput("--input names '%s', which is not an input of the program", files.begin()->first);
  if (!missing.empty())
    return invalidInput("no value for input(s) %s: give --input NAME=FILE.npy or --random-inputs SEED", joinStrings(missing, ", "));
  return absl::OkStatus();
}

Status writeOutputs(const runtime::Device &device, const std::string &dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalidInput("cannot create output directory '%s': %s", dir, error.message());
  for (const isa::TensorInfo &tensor : device.program().tensors) {
    if (tensor.kind != isa::TensorKind::output) continue;
    TS_ASSIGN_OR_RETURN(Tensor value, device.readTensor(tensor.name));
    TS_RETURN_IF_ERROR(writeNpyFile(dir + "/" + tensor.name + ".npy", value));
  }
  return absl::OkStatus();
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
}

/// The per-layer table of a cycle-level run: one row per segment.
void printSegmentTable(const nlohmann::json &report) {
  if (!report.contains("segments") || !report.contains("total_cycles") || report["segments"].size() < 2) return;
  std::cout << absl::StrFormat("%-28s %-15s %10s %6s %12s %10s %10s %10s %8s\n", "layer", "op", "cycles", "util", "macs",
                               "stall_tok", "stall_dram", "dram_kB", "bound");
  for (const nlohmann::json &row : report["segments"]) {
    std::string name = row["name"].get<std::string>();
    if (name.size() > 28) name = "..." + name.substr(name.size() - 25);
    double kB = double(row["dram_bytes_read"].get<uint64_t>() + row["dram_bytes_written"].get<uint64_t>()) / 1024.0;
    std::cout << absl::StrFormat("%-28s %-15s %10d %5.1f%% %12d %10d %10d %10.1f %8s\n", name, row["op"].get<std::string>(),
                                 row["cycles"].get<uint64_t>(), 100.0 * row["gemm_utilization"].get<double>(),
                                 row["macs"].get<uint64_t>(), row["stall_token_cycles"].get<uint64_t>(),
                                 row["stall_dram_cycles"].get<uint64_t>(), kB, row.value("roofline_bound", std::string()));
  }
}

StatusOr<nlohmann::json> runPlainProgram(isa::LoadedBinary binary, const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(auto device, runtime::Device::open(args.backend, binary.config));
  TS_RETURN_IF_ERROR(device->load(std::move(binary.program)));
  TS_RETURN_IF_ERROR(writeInputs(*device, args));
  TS_ASSIGN_OR_RETURN(runtime::RunResult result, device->run(args.options));
  if (!args.outputDir.empty()) TS_RETURN_IF_ERROR(writeOutputs(*device, args.outputDir));
  return device->report(result);
}

StatusOr<nlohmann::json> runBinary(isa::LoadedBinary binary, const RunArgs &args) {
  if (binary.program.host.empty()) {
    if (!args.referencePath.empty()) return invalidInput("--reference applies to binaries compiled from a model");
    return runPlainProgram(std::move(binary), args);
  }
#ifdef TESSERA_HAVE_COMPILER
  AccelRunArgs model{args.backend, args.inputs, args.randomSeed, args.outputDir, args.referencePath, args.options};
  return runCompiledModel(std::move(binary), model);
#else
  return invalidInput("'%s' was compiled from a model; running its host side needs the compiler build", args.program);
#endif
}

Status runProgram(const RunArgs &args) {
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, loadProgram(args.program, args.configPath));
  isa::HardwareConfig config = binary.config;
  TS_ASSIGN_OR_RETURN(nlohmann::json report, runBinary(std::move(binary), args));
  report["program"] = args.program;
  printSummary(report);
  printSegmentTable(report);
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
  uint64_t seed = 0, maxCycles = 0;
  po::options_description options("options");
  options.add_options()("program", po::value(&run.program)->required(), "binary (.tsb) or assembly (.s)")(
      "backend,b", po::value(&run.backend)->default_value("functional"), "functional | systemc | rtl | cpu")(
      "config,c", po::value(&config), "hardware config (required for .s; checked against a .tsb)")(
      "input,i", po::value(&run.inputs)->composing(), "NAME=FILE.npy, once per input tensor")(
      "random-inputs", po::value(&seed), "fill inputs not given with --input from this seed")(
      "output-dir,d", po::value(&run.outputDir), "write each output tensor as DIR/<name>.npy")(
      "report,r", po::value(&run.reportPath), "write the JSON report here")(
      "report-csv", po::value(&run.csvPath), "write the per-segment rows as CSV here")(
      "trace", po::value(&run.options.tracePath), "Chrome Trace Event JSON (cycle-level backends)")(
      "vcd", po::value(&run.options.vcdPath), "waveform (cycle-level backends)")(
      "roofline", po::value(&run.rooflinePath), "write a roofline plot (SVG) of the segments (cycle-level backends)")(
      "reference", po::value(&run.referencePath), "compiled models: check outputs against this quantized graph on the interpreter")(
      "max-cycles", po::value(&maxCycles), "stop with an error after this many cycles");
#ifdef TESSERA_HAVE_COMPILER
  // The `cpu` backend runs models (model.so from `tessera compile`, or .onnx/.tg JIT).
  CpuRunArgs cpu;
  double checkTolerance = 0;
  options.add_options()("repeat", po::value(&cpu.repeat)->default_value(1), "cpu: timed runs after the warm-up")(
      "warmup", po::value(&cpu.warmup)->default_value(1), "cpu: untimed runs first")(
      "threads", po::value(&cpu.threads)->default_value(1), "cpu: threads for parallel loops")(
      "print-time", po::bool_switch(&cpu.printTime), "cpu: print median, min and max latency in ms")(
      "profile", po::bool_switch(&cpu.profile), "cpu: print each kernel's mean time (and GMAC/s), slowest first, and time by op")(
      "input-shape", po::value(&cpu.inputShapes)->composing(), "cpu: NAME:1x3x224x224 for dynamic ONNX inputs")(
      "check", po::value(&checkTolerance), "cpu: compare with the reference interpreter at this relative tolerance");
#endif
  po::positional_options_description positional;
  positional.add("program", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("run", "prog.tsb [--backend NAME] [--input NAME=FILE.npy ...] [options]", args, options,
                        positional, vm, exitCode))
    return exitCode;
#ifdef TESSERA_HAVE_COMPILER
  if (run.backend == "cpu") {
    cpu.model = run.program;
    cpu.inputs = run.inputs;
    cpu.outputDir = run.outputDir;
    if (vm.count("random-inputs")) cpu.randomSeed = seed;
    if (vm.count("check")) cpu.checkTolerance = checkTolerance;
    return runCpuModel(cpu);
  }
#endif
  if (vm.count("config")) run.configPath = config;
  if (vm.count("random-inputs")) run.randomSeed = seed;
  run.options.maxCycles = maxCycles;
  run.options.progress = isatty(2);
  Status status = runProgram(run);
  return status.ok() ? 0 : reportError("run", status);
}

} // namespace tessera::cli
