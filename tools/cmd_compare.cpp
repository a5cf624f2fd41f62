//===- cmd_compare.cpp - `tessera compare`: per-layer comparison with the reference ===//
//
//   tessera compare model.onnx|model.tg [--passes=a,b | --against other.tg]
//                   [--input name=x.npy] [--rtol 1e-4] [--atol 1e-4]
//
// Runs the model on the reference interpreter and a candidate (the model after a pass
// pipeline, the default one unless --passes is given, or another graph given with
// --against) on the same inputs (from .npy files, or seeded random ones), compares
// every value both computed, and names the first layer whose output diverges. Exits
// 0 when everything matches.
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "compiler/driver/model_import.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"
#include "compiler/interp/layer_compare.h"
#include "compiler/onnx/importer.h"
#include "compiler/passes/pass_manager.h"
#include "support/file_io.h"
#include "support/npy.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

constexpr const char *kUsage = "<model.onnx|model.tg> [--passes=a,b | --against other.tg] [--input name=x.npy]";

StatusOr<interp::TensorMap> loadInputs(const graph::Graph &graph, const std::vector<std::string> &specs) {
  TS_ASSIGN_OR_RETURN(interp::TensorMap inputs, interp::randomInputs(graph, 0));
  for (const std::string &spec : specs) {
    size_t equals = spec.find('=');
    if (equals == std::string::npos) return invalidInput("bad --input '%s': expected name=file.npy", spec);
    TS_ASSIGN_OR_RETURN(Tensor tensor, readNpyFile(spec.substr(equals + 1)));
    inputs[spec.substr(0, equals)] = std::move(tensor);
  }
  return inputs;
}

StatusOr<graph::Graph> candidateGraph(const po::variables_map &vm, const graph::Graph &reference,
                                      const std::vector<std::string> &shapes) {
  if (vm.count("against")) {
    const std::string &path = vm["against"].as<std::string>();
    return driver::readGraphFile(path, path.ends_with(".onnx") ? shapes : std::vector<std::string>{});
  }
  graph::Graph candidate = reference;
  passes::PassManager manager;
  TS_RETURN_IF_ERROR(manager.addPipeline(vm.count("passes") ? vm["passes"].as<std::string>() : passes::kDefaultPipeline));
  TS_RETURN_IF_ERROR(manager.run(candidate));
  return candidate;
}

} // namespace

int runCompareCommand(const std::vector<std::string> &args) {
  po::options_description options("options");
  options.add_options()("model", po::value<std::string>(), "the reference: an ONNX model or graph IR text")(
      "passes", po::value<std::string>(), "candidate = the model after this pipeline (default pipeline)")(
      "against", po::value<std::string>(), "candidate = this graph IR text instead")(
      "input", po::value<std::vector<std::string>>()->composing(), "name=x.npy (other inputs are seeded random)")(
      "input-shape", po::value<std::vector<std::string>>()->composing(), "name:1x3x224x224 for dynamic ONNX inputs")(
      "rtol", po::value<double>()->default_value(1e-4), "relative tolerance")(
      "atol", po::value<double>()->default_value(1e-4), "absolute tolerance");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("compare", kUsage, args, options, positional, vm, exitCode)) return exitCode;
  if (!vm.count("model")) return reportError("compare", invalidInput("no model (usage: tessera compare %s)", kUsage));
  auto list = [&](const char *name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  auto reference = driver::readGraphFile(vm["model"].as<std::string>(), list("input-shape"));
  if (!reference.ok()) return reportError("compare", reference.status());
  auto candidate = candidateGraph(vm, *reference, list("input-shape"));
  if (!candidate.ok()) return reportError("compare", candidate.status());
  auto inputs = loadInputs(*reference, list("input"));
  if (!inputs.ok()) return reportError("compare", inputs.status());
  auto values = interp::recordAllValues(*candidate, *inputs);
  if (!values.ok()) return reportError("compare", annotate(values.status(), "candidate"));
  interp::Tolerance tolerance{vm["rtol"].as<double>(), vm["atol"].as<double>()};
  auto comparison = interp::compareLayers(*reference, *inputs, *values, tolerance);
  if (!comparison.ok()) return reportError("compare", annotate(comparison.status(), "reference"));
  std::cout << "compared " << comparison->compared << " values present in both graphs\n";
  if (comparison->firstDivergentValue.empty()) {
    std::cout << "all match within rtol " << tolerance.rtol << ", atol " << tolerance.atol << "\n";
    return 0;
  }
  std::cout << "first divergent layer: " << comparison->firstDivergentLayer << " (%" << comparison->firstDivergentValue
            << "): " << comparison->message << "\n";
  return 1;
}

} // namespace tessera::cli
