//===- cmd_quantize.cpp - `tessera quantize`: int8 post-training quantization ---===//
//
//   tessera quantize model.onnx --calibrate random:8 -o model.q.tg
//   tessera quantize model.onnx --calibrate samples/ --method entropy -o model.q.tg
//
// Imports the model (ONNX or graph IR text), calibrates it on the reference
// interpreter over the samples --calibrate names (a folder of .npy inputs, or
// random:N seeded standard-normal inputs), rewrites it into the accelerator's int8
// ops (docs/quantization.md) and writes the graph IR text. Prints which ops run in
// int8 and which stay fp32.
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "compiler/driver/cpu_calibration.h"
#include "compiler/driver/model_import.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

constexpr const char *kUsage =
    "<model.onnx|model.tg> --calibrate <folder of .npy | random:N> -o out.tg "
    "[--method minmax|percentile|entropy] [--percentile P] [--seed S] [--input-shape name:1x3x224x224]";

Status quantizeFile(const po::variables_map &vm) {
  quant::QuantizeModelOptions options;
  options.calibrate = vm["calibrate"].as<std::string>();
  options.seed = vm["seed"].as<uint64_t>();
  TS_ASSIGN_OR_RETURN(options.quant.method, quant::parseCalibrationMethod(vm["method"].as<std::string>()));
  options.quant.percentile = vm["percentile"].as<double>();
  if (!(options.quant.percentile > 0 && options.quant.percentile <= 100))
    return invalidInput("--percentile must be in (0, 100], got %g", options.quant.percentile);
  std::vector<std::string> shapes;
  if (vm.count("input-shape")) shapes = vm["input-shape"].as<std::vector<std::string>>();
  TS_ASSIGN_OR_RETURN(graph::Graph graph, driver::readGraphFile(vm["model"].as<std::string>(), shapes));
  options.runner = driver::runSamplesOnCpu;
  TS_ASSIGN_OR_RETURN(quant::QuantizeReport report, quant::quantizeModel(graph, options));
  TS_RETURN_IF_ERROR(writeTextFile(vm["output"].as<std::string>(), graph::printGraph(graph)));
  std::cout << report.summary();
  return absl::OkStatus();
}

} // namespace

int runQuantizeCommand(const std::vector<std::string> &args) {
  po::options_description options("options");
  options.add_options()("model", po::value<std::string>(), "the fp32 model (.onnx or graph IR text)")(
      "calibrate", po::value<std::string>(), "calibration inputs: a folder of .npy files, or random:N")(
      "output,o", po::value<std::string>(), "where to write the int8 graph IR text")(
      "method", po::value<std::string>()->default_value("percentile"), "activation range: minmax, percentile or entropy")(
      "percentile", po::value<double>()->default_value(99.99), "for --method percentile: % of |x| kept unclipped")(
      "seed", po::value<uint64_t>()->default_value(0), "seed of random:N calibration inputs")(
      "input-shape", po::value<std::vector<std::string>>(), "override an ONNX input's shape (name:1x3x224x224)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("quantize", kUsage, args, options, positional, vm, exitCode)) return exitCode;
  for (const char *required : {"model", "calibrate", "output"})
    if (!vm.count(required)) return reportError("quantize", invalidInput("missing --%s (usage: %s)", required, kUsage));
  Status status = quantizeFile(vm);
  return status.ok() ? 0 : reportError("quantize", status);
}

} // namespace tessera::cli
