//===- cmd_compile.cpp - tessera compile: a model to a target's binary ---------------===//
//
//   tessera compile model.onnx --target cpu -o model.so [--input-shape NAME:1x3x224x224]
//       [--print-plan] [--dump-loop-ir kernels.tl] [--schedule NAME=VALUE ...]
//
//   tessera compile model.onnx --target accel --config configs/default.json
//       --calibrate <folder of .npy | random:N> -o model.tsb [--emit-quantized q.tg]
//
//   tessera compile model.onnx --target nvptx --gpu-arch sm_80 -o model.ptx
//
// --target nvptx writes the kernels as one PTX module (tools/gpu_model.h).
// --target cpu writes a shared library (compiler/exec/aot.h) that
// `tessera run model.so --backend cpu` loads. --target accel writes an accelerator
// binary with the model's host side (tools/accel_model.h).
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "compiler/exec/aot.h"
#include "compiler/loop/printer.h"
#include "support/file_io.h"
#include "tools/accel_model.h"
#include "tools/command.h"
#include "tools/cpu_model.h"
#include "tools/gpu_model.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct CompileArgs {
  std::string model, target, output, loopIrPath;
  std::vector<std::string> inputShapes;
  std::vector<std::string> schedule;  ///< cpu: NAME=VALUE schedule parameters
  bool printPlan = false;
  bool tune = false;  ///< cpu: time each kernel's candidate schedules, keep the fastest
};

Status compileForCpuTarget(const CompileArgs &args) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, loadGraphForCpu(args.model, args.inputShapes));
  exec::PlanOptions options;
  for (const std::string &assignment : args.schedule)
    TS_RETURN_IF_ERROR(lower::setScheduleParam(options.schedule, assignment));
  options.tune = args.tune;
  options.tuneLog = &std::cout;
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, exec::planGraph(graph, options));
  if (args.printPlan) std::cout << "plan: " << plan.summary(graph) << "\n";
  if (!args.loopIrPath.empty()) TS_RETURN_IF_ERROR(writeTextFile(args.loopIrPath, loop::printModule(plan.module)));
  TS_RETURN_IF_ERROR(exec::writeSharedLibrary(graph, plan, args.output));
  std::cout << "wrote " << args.output << " (" << plan.count(exec::StepKind::Kernel) << " kernels, "
            << plan.count(exec::StepKind::Reference) << " ref fallbacks)\n";
  return absl::OkStatus();
}

Status compileForNvptx(const CompileArgs &args, NvptxCompileArgs gpu) {
  gpu.model = args.model, gpu.output = args.output, gpu.inputShapes = args.inputShapes;
  gpu.printPlan = args.printPlan, gpu.loopIrPath = args.loopIrPath;
  return compileForNvptxTarget(gpu);
}

} // namespace

int runCompileCommand(const std::vector<std::string> &args) {
  CompileArgs compile;
  NvptxCompileArgs gpu;
  AccelCompileArgs accel;
  std::string calibrate;
  po::options_description options("options");
  options.add_options()("model", po::value(&compile.model)->required(), "ONNX model or graph IR text")(
      "target,t", po::value(&compile.target)->default_value("cpu"), "cpu (host CPU through LLVM) | accel (the accelerator) | nvptx (PTX for NVIDIA GPUs)")(
      "output,o", po::value(&compile.output)->required(), "the output file (model.so for cpu)")(
      "input-shape", po::value(&compile.inputShapes)->composing(), "NAME:1x3x224x224 for dynamic inputs")(
      "print-plan", po::bool_switch(&compile.printPlan), "print the kernels, aliases and ref fallbacks")(
      "dump-loop-ir", po::value(&compile.loopIrPath), "write every kernel's loop IR to this file")(
      "schedule", po::value(&compile.schedule)->composing(), ("cpu: override a schedule parameter, NAME=VALUE (repeatable; e.g. winogradOutputTile=0):\n" + lower::scheduleParamsHelp()).c_str())(
      "tune", po::bool_switch(&compile.tune), "cpu: auto-tune: time each kernel under its candidate schedules on this machine and keep the fastest (prints the times)")(
      "gpu-arch", po::value(&gpu.arch)->default_value("sm_80"), "nvptx: the GPU architecture (sm_80, sm_90, ...)")(
      "gpu-block-size", po::value(&gpu.threadsPerBlock)->default_value(256), "nvptx: threads per block")(
      "config,c", po::value(&accel.configPath), "accel: the hardware config JSON")(
      "calibrate", po::value(&calibrate), "accel: quantize with these calibration inputs (folder of .npy, or random:N)")(
      "method", po::value(&accel.method)->default_value("percentile"), "accel: activation range minmax|percentile|entropy")(
      "seed", po::value(&accel.seed)->default_value(0), "accel: seed of random:N calibration inputs")(
      "emit-quantized", po::value(&accel.emitQuantized), "accel: also write the int8 graph IR text (the reference)")(
      "virtual-threads", po::value(&accel.virtualThreads)->default_value(2), "accel: virtual threads per layer (1 or 2)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("compile", "model.onnx --target cpu -o model.so [options]", args, options, positional, vm,
                        exitCode))
    return exitCode;
  Status status;
  if (compile.target == "cpu") {
    status = compileForCpuTarget(compile);
  } else if (compile.target == "accel") {
    accel.model = compile.model, accel.output = compile.output, accel.inputShapes = compile.inputShapes;
    if (vm.count("calibrate")) accel.calibrate = calibrate;
    status = compileForAccelTarget(accel);
  } else if (compile.target == "nvptx") {
    status = compileForNvptx(compile, gpu);
  } else {
    status = invalidInput("unknown target '%s' (available: cpu, accel, nvptx)", compile.target);
  }
  return status.ok() ? 0 : reportError("compile", status);
}

} // namespace tessera::cli
