//===- cmd_compile.cpp - tessera compile: a model to a target's binary ---------------===//
//
//   tessera compile model.onnx --target cpu -o model.so [--input-shape NAME:1x3x224x224]
//       [--print-plan] [--dump-loop-ir kernels.tl]
//
// --target cpu writes a shared library (compiler/exec/aot.h) that
// `tessera run model.so --backend cpu` loads.
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "compiler/exec/aot.h"
#include "compiler/loop/printer.h"
#include "runtime/support/file_io.h"
#include "tools/command.h"
#include "tools/cpu_model.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct CompileArgs {
  std::string model, target, output, loopIrPath;
  std::vector<std::string> inputShapes;
  bool printPlan = false;
};

Status compileForCpuTarget(const CompileArgs &args) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, loadGraphForCpu(args.model, args.inputShapes));
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, exec::planGraph(graph));
  if (args.printPlan) std::cout << "plan: " << plan.summary(graph) << "\n";
  if (!args.loopIrPath.empty()) TS_RETURN_IF_ERROR(writeTextFile(args.loopIrPath, loop::printModule(plan.module)));
  TS_RETURN_IF_ERROR(exec::writeSharedLibrary(graph, plan, args.output));
  std::cout << "wrote " << args.output << " (" << plan.count(exec::StepKind::Kernel) << " kernels, "
            << plan.count(exec::StepKind::Reference) << " ref fallbacks)\n";
  return absl::OkStatus();
}

} // namespace

int runCompileCommand(const std::vector<std::string> &args) {
  CompileArgs compile;
  po::options_description options("options");
  options.add_options()("model", po::value(&compile.model)->required(), "ONNX model or graph IR text")(
      "target,t", po::value(&compile.target)->default_value("cpu"), "cpu (host CPU through LLVM)")(
      "output,o", po::value(&compile.output)->required(), "the output file (model.so for cpu)")(
      "input-shape", po::value(&compile.inputShapes)->composing(), "NAME:1x3x224x224 for dynamic inputs")(
      "print-plan", po::bool_switch(&compile.printPlan), "print the kernels, aliases and ref fallbacks")(
      "dump-loop-ir", po::value(&compile.loopIrPath), "write every kernel's loop IR to this file");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("compile", "model.onnx --target cpu -o model.so [options]", args, options, positional, vm,
                        exitCode))
    return exitCode;
  if (compile.target != "cpu")
    return reportError("compile", invalidInput("unknown target '%s' (available: cpu)", compile.target));
  Status status = compileForCpuTarget(compile);
  return status.ok() ? 0 : reportError("compile", status);
}

} // namespace tessera::cli
