//===- cpu_model.cpp - Models on the `cpu` backend: load, compile, run, time ------------===//
#include "tools/cpu_model.h"
#include "tools/model_input.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "compiler/codegen/thread_pool.h"
#include "compiler/exec/aot.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"
#include "compiler/onnx/importer.h"
#include "compiler/passes/pass_manager.h"
#include "support/file_io.h"
#include "support/npy.h"
#include "tools/command.h"
#include "tools/program_input.h"

namespace tessera::cli {
namespace {

bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The model to run: a loaded library or a JIT-compiled graph.
struct RunnableModel {
  std::unique_ptr<exec::LoadedModel> library;
  exec::CompiledModel jit;
  const exec::GraphExecutor &executor() const { return library ? library->executor() : *jit.executor; }
};

StatusOr<RunnableModel> openModel(const CpuRunArgs &args) {
  RunnableModel model;
  if (endsWith(args.model, ".so")) {
    TS_ASSIGN_OR_RETURN(model.library, exec::LoadedModel::load(args.model));
    return model;
  }
  TS_ASSIGN_OR_RETURN(graph::Graph graph, loadGraphForCpu(args.model, args.inputShapes));
  TS_ASSIGN_OR_RETURN(model.jit, exec::compileForCpu(graph));
  return model;
}

StatusOr<interp::TensorMap> readInputs(const graph::Graph &graph, const CpuRunArgs &args) {
  return readInputTensors(inputSpecsOf(graph), args.inputs, args.randomSeed);
}

/// Largest |got - want| / max(1, |want|) over every output.
double maxRelativeError(const interp::TensorMap &got, const interp::TensorMap &want) {
  double worst = 0;
  for (const auto &[name, w] : want) {
    const Tensor &g = got.at(name);
    if (w.dtype() != DType::F32) continue;
    for (int64_t k = 0; k < w.elementCount(); ++k) {
      double a = g.data<float>()[k], b = w.data<float>()[k];
      worst = std::max(worst, std::fabs(a - b) / std::max(1.0, std::fabs(b)));
    }
  }
  return worst;
}

Status writeOutputs(const interp::TensorMap &outputs, const std::string &dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalidInput("cannot create output directory '%s': %s", dir, error.message());
  for (const auto &[name, tensor] : outputs) TS_RETURN_IF_ERROR(writeNpyFile(dir + "/" + name + ".npy", tensor));
  return absl::OkStatus();
}

/// "Conv+Relu [1,64,56,56]": the ops a step covers and its output's shape.
std::string describeStep(const exec::GraphExecutor &executor, const exec::Step &step) {
  const graph::Graph &graph = executor.graph();
  std::string ops;
  for (size_t n : step.nodes) ops += (ops.empty() ? "" : "+") + graph.nodes[n].op;
  const std::string &out = graph.nodes[step.nodes.back()].outputs[0];
  return strCat(ops, " ", shapeToString(graph.typeOf(out).shape));
}

/// Multiply-accumulates of a Conv, Gemm or MatMul anchor (0 for other ops): how fast
/// a kernel runs against the machine's peak, as `--profile` prints it.
double anchorMacs(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "Conv" && node.op != "Gemm" && node.op != "MatMul") return 0;
  const graph::TensorType &out = graph.typeOf(node.outputs[0]), &w = graph.typeOf(node.input(1));
  const graph::TensorType &a = graph.typeOf(node.input(0));
  if (!out.isStatic() || !w.isStatic() || !a.isStatic() || w.shape.size() < 2) return 0;
  double outputs = static_cast<double>(out.elementCount());
  if (node.op == "Conv") return outputs * static_cast<double>(w.elementCount() / w.shape[0]);
  bool transA = node.op == "Gemm" && node.attrs.getInt("transA", 0);
  return outputs * static_cast<double>(transA ? a.shape[a.shape.size() - 2] : a.shape.back());
}

/// The per-step profile: the slowest steps (with GMAC/s for convolutions and matrix
/// products), then the time by op type.
void printProfile(const exec::GraphExecutor &executor, const std::vector<double> &totalMs, int runs) {
  const std::vector<exec::Step> &steps = executor.plan().steps;
  std::vector<size_t> order(steps.size());
  for (size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return totalMs[a] > totalMs[b]; });
  double total = 0;
  for (double ms : totalMs) total += ms;
  total /= runs;
  std::cout << absl::StrFormat("profile: mean of %d runs, %.3f ms in %d steps (slowest first)\n", runs, total,
                               static_cast<int>(steps.size()));
  std::map<std::string, double> byOp;
  for (size_t s : order) {
    double ms = totalMs[s] / runs;
    std::string what = describeStep(executor, steps[s]);
    byOp[what.substr(0, what.find(' '))] += ms;
    double macs = anchorMacs(executor.graph(), executor.graph().nodes[steps[s].nodes[0]]);
    std::string rate = macs > 0 && ms > 0 ? absl::StrFormat("  %.1f GMAC/s", macs / ms / 1e6) : "";
    std::cout << absl::StrFormat("  %4d %8.3f ms %5.1f%%  %-10s %s%s\n", static_cast<int>(s), ms,
                                 total > 0 ? 100 * ms / total : 0.0, steps[s].kernel.empty() ? "-" : steps[s].kernel, what,
                                 rate);
  }
  std::cout << "profile by op:\n";
  for (const auto &[op, ms] : byOp)
    std::cout << absl::StrFormat("  %-40s %8.3f ms %5.1f%%\n", op, ms, total > 0 ? 100 * ms / total : 0.0);
}

Status runModel(const CpuRunArgs &args) {
  codegen::setParallelThreads(args.threads);
  TS_ASSIGN_OR_RETURN(RunnableModel model, openModel(args));
  const exec::GraphExecutor &executor = model.executor();
  TS_ASSIGN_OR_RETURN(interp::TensorMap inputs, readInputs(executor.graph(), args));
  std::cout << "plan: " << executor.plan().summary(executor.graph()) << "\n";
  for (int w = 0; w < args.warmup; ++w) TS_RETURN_IF_ERROR(executor.run(inputs).status());
  std::vector<double> times, stepMs;
  interp::TensorMap outputs;
  for (int r = 0; r < std::max(1, args.repeat); ++r) {
    auto start = std::chrono::steady_clock::now();
    TS_ASSIGN_OR_RETURN(outputs, executor.run(inputs, args.profile ? &stepMs : nullptr));
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  if (args.printTime) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                      : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    std::cout << absl::StrFormat("latency_ms: median=%.3f min=%.3f max=%.3f runs=%d threads=%d\n", median,
                                 sorted.front(), sorted.back(), static_cast<int>(sorted.size()), args.threads);
  }
  if (args.profile) printProfile(executor, stepMs, std::max(1, args.repeat));
  if (!args.outputDir.empty()) TS_RETURN_IF_ERROR(writeOutputs(outputs, args.outputDir));
  if (args.checkTolerance) {
    TS_ASSIGN_OR_RETURN(interp::TensorMap want, interp::runGraph(executor.graph(), inputs));
    double error = maxRelativeError(outputs, want);
    std::cout << absl::StrFormat("check: max relative error vs reference interpreter %.3g (tolerance %.3g)\n", error,
                                 *args.checkTolerance);
    if (!(error <= *args.checkTolerance))
      return invalidInput("outputs differ from the reference interpreter by %g (relative)", error);
  }
  return absl::OkStatus();
}

} // namespace

StatusOr<graph::Graph> loadGraphForCpu(const std::string &path, const std::vector<std::string> &inputShapes) {
  graph::Graph graph;
  if (endsWith(path, ".onnx")) {
    TS_ASSIGN_OR_RETURN(auto shapes, onnx_import::parseInputShapes(inputShapes));
    TS_ASSIGN_OR_RETURN(graph, onnx_import::importOnnxFile(path, {shapes}));
  } else {
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    TS_ASSIGN_OR_RETURN(graph, graph::parseGraph(text));
    TS_RETURN_IF_ERROR(graph::verifyGraph(graph));
  }
  return cleanGraphForCpu(std::move(graph));
}

StatusOr<graph::Graph> cleanGraphForCpu(graph::Graph graph) {
  passes::PassManager manager;
  TS_RETURN_IF_ERROR(manager.addPipeline(kCpuGraphPipeline));
  TS_RETURN_IF_ERROR(manager.run(graph));
  return graph;
}

onnx_import::CaseTarget cpuCaseTarget() {
  onnx_import::CaseTarget target;
  // Cases go through the same graph clean-up as `tessera compile --target cpu`.
  target.run = [](const graph::Graph &graph, const interp::TensorMap &inputs) -> StatusOr<interp::TensorMap> {
    TS_ASSIGN_OR_RETURN(graph::Graph cleaned, cleanGraphForCpu(graph));
    TS_ASSIGN_OR_RETURN(exec::CompiledModel model, exec::compileForCpu(cleaned));
    return model.executor->run(inputs);
  };
  target.fallbackCount = [](const graph::Graph &graph) -> StatusOr<int> {
    TS_ASSIGN_OR_RETURN(graph::Graph cleaned, cleanGraphForCpu(graph));
    TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, exec::planGraph(cleaned));
    return plan.count(exec::StepKind::Reference);
  };
  return target;
}

int runCpuModel(const CpuRunArgs &args) {
  Status status = runModel(args);
  return status.ok() ? 0 : reportError("run", status);
}

} // namespace tessera::cli
