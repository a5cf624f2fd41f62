//===- cpu_model_runner.cpp - Models on the `cpu` backend: open, run, time, check ---===//
#include "runtime/model/cpu_model_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "compiler/codegen/thread_pool.h"
#include "compiler/graph/macs.h"

namespace tessera::runtime {
namespace {

/// The largest, over every float output, of max |got - want| / max(1, max |want|): the
/// difference relative to the output's scale. Float kernels sum in another order than
/// the interpreter, so an element near a cancellation (a logit of 2 among logits of 200)
/// differs by the rounding of its large terms; scaling by the element itself would call
/// that a large error. A NaN on one side only is an infinite error.
double maxRelativeError(const interp::TensorMap &got, const interp::TensorMap &want) {
  double worst = 0;
  for (const auto &[name, w] : want) {
    const Tensor &g = got.at(name);
    if (w.dtype() != DType::F32) continue;
    double difference = 0, scale = 1;
    for (int64_t k = 0; k < w.elementCount(); ++k) {
      double a = g.data<float>()[k], b = w.data<float>()[k];
      if (std::isnan(a) != std::isnan(b)) return std::numeric_limits<double>::infinity();
      if (std::isnan(a)) continue;
      difference = std::max(difference, a == b ? 0.0 : std::fabs(a - b));
      scale = std::max(scale, std::fabs(b));
    }
    worst = std::max(worst, difference / scale);
  }
  return worst;
}

/// "Conv+Relu [1,64,56,56]": the ops a step covers and its output's shape.
std::string describeStep(const exec::GraphExecutor &executor, const exec::Step &step) {
  const graph::Graph &graph = executor.graph();
  std::string ops;
  for (size_t n : step.nodes) ops += (ops.empty() ? "" : "+") + graph.nodes[n].op;
  const std::string &out = graph.nodes[step.nodes.back()].outputs[0];
  return strCat(ops, " ", shapeToString(graph.typeOf(out).shape));
}

/// The per-step profile: the slowest steps (with GMAC/s for convolutions and matrix
/// products), then the time by op type.
void printProfile(const exec::GraphExecutor &executor, const std::vector<double> &totalMs, int runs, std::ostream &out) {
  const std::vector<exec::Step> &steps = executor.plan().steps;
  std::vector<size_t> order(steps.size());
  for (size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return totalMs[a] > totalMs[b]; });
  double total = 0;
  for (double ms : totalMs) total += ms;
  total /= runs;
  out << absl::StrFormat("profile: mean of %d runs, %.3f ms in %d steps (slowest first)\n", runs, total,
                         static_cast<int>(steps.size()));
  std::map<std::string, double> byOp;
  for (size_t s : order) {
    double ms = totalMs[s] / runs;
    std::string what = describeStep(executor, steps[s]);
    byOp[what.substr(0, what.find(' '))] += ms;
    double macs = double(graph::nodeMacs(executor.graph(), executor.graph().nodes[steps[s].nodes[0]]));
    std::string rate = macs > 0 && ms > 0 ? absl::StrFormat("  %.1f GMAC/s", macs / ms / 1e6) : "";
    out << absl::StrFormat("  %4d %8.3f ms %5.1f%%  %-10s %s%s\n", static_cast<int>(s), ms,
                           total > 0 ? 100 * ms / total : 0.0, steps[s].kernel.empty() ? "-" : steps[s].kernel, what, rate);
  }
  out << "profile by op:\n";
  for (const auto &[op, ms] : byOp)
    out << absl::StrFormat("  %-40s %8.3f ms %5.1f%%\n", op, ms, total > 0 ? 100 * ms / total : 0.0);
}

void printLatency(std::vector<double> times, int threads, std::ostream &out) {
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  out << absl::StrFormat("latency_ms: median=%.3f min=%.3f max=%.3f runs=%d threads=%d\n", median, times.front(),
                         times.back(), static_cast<int>(n), threads);
}

} // namespace

StatusOr<interp::TensorMap> runCpuModel(const exec::GraphExecutor &executor, const interp::TensorMap &inputs,
                                        const CpuRunOptions &options) {
  codegen::setParallelThreads(options.threads);
  if (options.out) *options.out << "plan: " << executor.plan().summary(executor.graph()) << "\n";
  for (int w = 0; w < options.warmup; ++w) TS_RETURN_IF_ERROR(executor.run(inputs).status());
  std::vector<double> times, stepMs;
  interp::TensorMap outputs;
  int runs = std::max(1, options.repeat);
  for (int r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    TS_ASSIGN_OR_RETURN(outputs, executor.run(inputs, options.profile ? &stepMs : nullptr));
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  if (options.out && options.printTime) printLatency(times, options.threads, *options.out);
  if (options.out && options.profile) printProfile(executor, stepMs, runs, *options.out);
  return outputs;
}

Status checkAgainstInterpreter(const exec::GraphExecutor &executor, const interp::TensorMap &inputs,
                               const interp::TensorMap &outputs, double tolerance, std::ostream &out) {
  TS_ASSIGN_OR_RETURN(interp::TensorMap want, interp::runGraph(executor.graph(), inputs));
  double error = maxRelativeError(outputs, want);
  out << absl::StrFormat("check: max difference from the reference interpreter relative to the output's scale %.3g (tolerance %.3g)\n", error, tolerance);
  if (!(error <= tolerance)) return invalidInput("outputs differ from the reference interpreter by %g (relative)", error);
  return absl::OkStatus();
}

} // namespace tessera::runtime
