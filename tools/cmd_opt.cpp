//===- cmd_opt.cpp - `tessera opt`: run graph passes, like mlir-opt ------------===//
//
//   tessera opt in.onnx|in.tg [--passes=a,b,c] [-o out.tg] [--pass-stats]
//               [--print-ir-after-all | --print-ir-after-change] [--input-shape x:1x3x8x8]
//   tessera opt in.tl [--passes=simplify,unroll-loops] [-o out.tl] [--print-ir-after-change]
//
// Reads an ONNX model (imported and verified) or graph IR text (.tg), runs the
// pipeline (the default one when --passes is not given; --passes=none runs none), and
// writes the result as graph IR text. IR dumps and statistics go to stderr.
// Loop IR text (.tl) is parsed, verified, run through the loop passes named by
// --passes (none when not given, or `none`) and printed back, so loop passes test as text.
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "compiler/driver/model_import.h"
#include "compiler/graph/printer.h"
#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/printer.h"
#include "compiler/loop/verifier.h"
#include "compiler/passes/pass_manager.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

constexpr const char *kUsage = "<in.onnx|in.tg|in.tl> [--passes=a,b,c] [-o out.tg] [--pass-stats] [--print-ir-after-all]";

bool endsWith(const std::string &path, std::string_view suffix) {
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status writeOutput(const po::variables_map &vm, const std::string &text) {
  if (!vm.count("output")) {
    std::cout << text;
    return absl::OkStatus();
  }
  return writeTextFile(vm["output"].as<std::string>(), text);
}

/// Loop IR text: parse, verify, run the loop passes in --passes, print.
Status runLoopOpt(const std::string &path, const po::variables_map &vm) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  auto module = loop::parseModule(text);
  if (!module.ok()) return annotate(module.status(), path);
  TS_RETURN_IF_ERROR(annotate(loop::verifyModule(*module), path));
  loop::PassOptions options;
  options.verifyEach = !vm.count("no-verify");
  options.printAfterChange = vm.count("print-ir-after-change") || vm.count("print-ir-after-all");
  options.log = &std::cerr;
  std::string pipeline = vm.count("passes") ? vm["passes"].as<std::string>() : "";
  if (pipeline == "none") pipeline.clear();  // as for graph IR
  TS_RETURN_IF_ERROR(loop::runLoopPipeline(*module, pipeline, options));
  return writeOutput(vm, loop::printModule(*module));
}

void listPasses() {
  for (const passes::PassInfo &pass : passes::registeredPasses())
    std::cout << "  " << pass.name << std::string(std::max<size_t>(2, 22 - pass.name.size()), ' ') << pass.description << "\n";
  std::cout << "default pipeline: " << passes::kDefaultPipeline << "\n";
}

} // namespace

int runOptCommand(const std::vector<std::string> &args) {
  po::options_description options("options");
  options.add_options()("input", po::value<std::string>(), "an ONNX model or graph IR text")(
      "passes", po::value<std::string>(), "comma-separated pass pipeline; none for no passes (default: the default pipeline)")(
      "output,o", po::value<std::string>(), "write the graph IR here (default: stdout)")(
      "input-shape", po::value<std::vector<std::string>>()->composing(), "name:1x3x224x224, for dynamic ONNX inputs")(
      "pass-stats", "print per-pass timing and statistics to stderr")(
      "print-ir-after-all", "print the IR after every pass to stderr")(
      "print-ir-after-change", "print the IR after every pass that changed it to stderr")(
      "no-verify", "do not run the verifier after each pass")(
      "fast-math", "allow rewrites that change floating-point rounding")(
      "elide-constants", "print large constants as dense<...> (not parseable)")(
      "list-passes", "list the registered passes and exit");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("opt", kUsage, args, options, positional, vm, exitCode)) return exitCode;
  if (vm.count("list-passes")) {
    listPasses();
    return 0;
  }
  if (!vm.count("input")) return reportError("opt", invalidInput("no input file (usage: tessera opt %s)", kUsage));
  if (endsWith(vm["input"].as<std::string>(), ".tl")) {
    Status status = runLoopOpt(vm["input"].as<std::string>(), vm);
    return status.ok() ? 0 : reportError("opt", status);
  }
  std::vector<std::string> shapes = vm.count("input-shape") ? vm["input-shape"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto graph = driver::readGraphFile(vm["input"].as<std::string>(), shapes);
  if (!graph.ok()) return reportError("opt", graph.status());

  passes::PassManagerOptions managerOptions;
  managerOptions.verifyEach = !vm.count("no-verify");
  managerOptions.printAfterAll = vm.count("print-ir-after-all") != 0;
  managerOptions.printAfterChange = vm.count("print-ir-after-change") != 0;
  managerOptions.pass.fastMath = vm.count("fast-math") != 0;
  managerOptions.dump = &std::cerr;
  passes::PassManager manager(managerOptions);
  std::string pipeline = vm.count("passes") ? vm["passes"].as<std::string>() : passes::kDefaultPipeline;
  Status status = manager.addPipeline(pipeline);
  if (status.ok()) status = manager.run(*graph);
  if (vm.count("pass-stats")) std::cerr << manager.statisticsReport();
  if (!status.ok()) return reportError("opt", status);

  std::string text = graph::printGraph(*graph, {.elideLargeConstants = vm.count("elide-constants") != 0});
  status = writeOutput(vm, text);
  return status.ok() ? 0 : reportError("opt", status);
}

} // namespace tessera::cli
