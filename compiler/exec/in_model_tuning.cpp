//===- in_model_tuning.cpp - Kernels' schedules timed inside the whole model ---------===//
#include "compiler/exec/in_model_tuning.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "compiler/codegen/thread_pool.h"
#include "compiler/exec/graph_executor.h"
#include "compiler/interp/layer_compare.h"

namespace tessera::exec {
namespace {

using Ranking = std::map<std::string, std::vector<lower::ScheduleCandidate>>;

/// Every kernel on its r-th ranked schedule (its last when it has fewer); kernels
/// without a ranking keep the configured schedule, which all their candidates lower
/// alike.
ScheduleChooser roundChooser(const Ranking &ranking, size_t round) {
  return [&ranking, round](const KernelTuneRequest &request) -> StatusOr<std::optional<lower::CpuScheduleParams>> {
    auto it = ranking.find(request.name);
    if (it == ranking.end()) return std::nullopt;
    return it->second[std::min(round, it->second.size() - 1)].params;
  };
}

/// Step times of every run: times[thread count][round][step] lists one per run.
using StepSamples = std::vector<std::vector<std::vector<std::vector<double>>>>;

/// Runs the compiled rounds in turn, `runs` times each on every thread count (after
/// two warm-up runs each), and records each step's time.
StatusOr<StepSamples> timeRounds(const std::vector<CompiledModel> &models, const interp::TensorMap &inputs,
                                 const std::vector<int> &threadCounts, int runs) {
  size_t steps = models[0].executor->plan().steps.size();
  StepSamples samples(threadCounts.size(),
                      std::vector<std::vector<std::vector<double>>>(
                          models.size(), std::vector<std::vector<double>>(steps)));
  int saved = codegen::parallelThreads();
  Status status = absl::OkStatus();
  for (size_t t = 0; t < threadCounts.size() && status.ok(); ++t) {
    codegen::setParallelThreads(std::max(1, threadCounts[t]));
    for (int run = -2; run < runs && status.ok(); ++run)
      for (size_t r = 0; r < models.size() && status.ok(); ++r) {
        std::vector<double> stepMs;
        auto outputs = models[r].executor->run(inputs, &stepMs);
        if (!outputs.ok()) status = outputs.status();
        for (size_t s = 0; run >= 0 && s < stepMs.size(); ++s) samples[t][r][s].push_back(stepMs[s]);
      }
  }
  codegen::setParallelThreads(saved);
  TS_RETURN_IF_ERROR(status);
  return samples;
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + long(values.size() / 2), values.end());
  return values[values.size() / 2];
}

/// Below this many ms on every thread count a kernel's time is the timer's noise (a
/// concat written in place by its producers): it keeps its first schedule.
constexpr double kMinMeasurableMs = 0.002;

/// One kernel's choice among its first ranked schedules from its median step times,
/// summed over the steps that call it; logs "in-model k4_conv: default 0.372/0.247 ms,
/// ... -> ...".
size_t chooseInModel(const std::string &kernel, const std::vector<lower::ScheduleCandidate> &ranked,
                     const std::vector<size_t> &steps, const StepSamples &samples, const PlanOptions &options,
                     double margin) {
  size_t rounds = std::min(ranked.size(), samples[0].size());
  std::vector<std::vector<double>> ms(samples.size(), std::vector<double>(rounds, 0.0));
  bool measurable = false;
  for (size_t t = 0; t < samples.size(); ++t) {
    for (size_t r = 0; r < rounds; ++r)
      for (size_t step : steps) ms[t][r] += median(samples[t][r][step]);
    measurable |= ms[t][0] >= kMinMeasurableMs;
  }
  size_t best = 0;
  double bestRelative = 1;
  std::vector<std::string> parts;
  for (size_t r = 0; r < rounds; ++r) {
    double logSum = 0;
    std::vector<std::string> perThreads;
    for (const std::vector<double> &times : ms) {
      logSum += std::log(std::max(times[r], 1e-6) / std::max(times[0], 1e-6));
      perThreads.push_back(absl::StrFormat("%.3f", times[r]));
    }
    double relative = std::exp(logSum / double(ms.size()));
    if (measurable && r > 0 && relative < bestRelative && relative < 1 - margin) best = r, bestRelative = relative;
    parts.push_back(absl::StrFormat("%s %s ms", ranked[r].label, absl::StrJoin(perThreads, "/")));
  }
  // As the `tune` lines: the thread counts named when there are several.
  std::string threads = ms.size() > 1 ? strCat(" (threads ", absl::StrJoin(options.tuneThreads, "/"), ")") : "";
  if (options.tuneLog)
    *options.tuneLog << absl::StrFormat("in-model %s: %s -> %s%s\n", kernel, absl::StrJoin(parts, ", "),
                                        ranked[best].label, threads);
  return best;
}

/// The chooser of the kept schedules: each kernel's by name.
ScheduleChooser chooserOf(std::map<std::string, lower::CpuScheduleParams> chosen) {
  return [chosen = std::move(chosen)](
             const KernelTuneRequest &request) -> StatusOr<std::optional<lower::CpuScheduleParams>> {
    auto it = chosen.find(request.name);
    if (it == chosen.end()) return std::nullopt;
    return it->second;
  };
}

/// Rounds 1 to rounds - 1 compiled after `first` (round 0), each kernel on its r-th
/// ranked schedule; every round plans the same steps.
StatusOr<std::vector<CompiledModel>> compileRounds(const graph::Graph &graph, PlanOptions options,
                                                   const Ranking &ranking, size_t rounds, CompiledModel first) {
  options.tune = false;
  options.tuneRanking = nullptr;
  options.tuneLog = nullptr;
  std::vector<CompiledModel> models;
  models.push_back(std::move(first));
  for (size_t r = 1; r < rounds; ++r) {
    options.chooseSchedule = roundChooser(ranking, r);
    TS_ASSIGN_OR_RETURN(CompiledModel model, compileForCpu(graph, options));
    models.push_back(std::move(model));
  }
  const std::vector<Step> &steps = models[0].executor->plan().steps;
  for (const CompiledModel &model : models) {
    const std::vector<Step> &other = model.executor->plan().steps;
    bool same = other.size() == steps.size();
    for (size_t s = 0; same && s < steps.size(); ++s) same = other[s].kernel == steps[s].kernel;
    if (!same) return absl::InternalError("in-model tuning: the compiled rounds planned different steps");
  }
  return models;
}

/// The steps of each ranked kernel, kernels in plan order (identical kernel groups
/// share one kernel).
std::vector<std::pair<std::string, std::vector<size_t>>> stepsByKernel(const std::vector<Step> &steps,
                                                                       const Ranking &ranking) {
  std::vector<std::pair<std::string, std::vector<size_t>>> stepsOf;
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s].kind != StepKind::Kernel || !ranking.count(steps[s].kernel)) continue;
    auto it = std::find_if(stepsOf.begin(), stepsOf.end(), [&](const auto &e) { return e.first == steps[s].kernel; });
    if (it == stepsOf.end()) it = stepsOf.insert(stepsOf.end(), {steps[s].kernel, {}});
    it->second.push_back(s);
  }
  return stepsOf;
}

} // namespace

StatusOr<ScheduleChooser> tuneInModel(const graph::Graph &graph, PlanOptions options,
                                      const InModelTuneOptions &inModel) {
  Ranking ranking;
  options.tune = true;
  options.tuneRanking = &ranking;
  options.chooseSchedule = nullptr;
  TS_ASSIGN_OR_RETURN(CompiledModel tunedAlone, compileForCpu(graph, options));
  std::map<std::string, lower::CpuScheduleParams> chosen;
  size_t rounds = 1;
  for (const auto &[kernel, ranked] : ranking) {
    chosen[kernel] = ranked[0].params;
    rounds = std::max(rounds, std::min(ranked.size(), size_t(std::max(inModel.candidates, 1))));
  }
  if (rounds < 2 || inModel.runs < 1) return chooserOf(std::move(chosen));
  auto inputs = interp::randomInputs(graph, 1);
  if (!inputs.ok()) {
    if (options.tuneLog) *options.tuneLog << "in-model tuning skipped: " << inputs.status().message() << "\n";
    return chooserOf(std::move(chosen));
  }
  if (options.tuneLog)
    *options.tuneLog << "in-model tuning: " << rounds << " compiled models (each kernel's " << rounds
                     << " fastest schedules alone), " << inModel.runs << " runs each on threads "
                     << absl::StrJoin(options.tuneThreads, "/") << "\n";
  TS_ASSIGN_OR_RETURN(std::vector<CompiledModel> models,
                      compileRounds(graph, options, ranking, rounds, std::move(tunedAlone)));
  TS_ASSIGN_OR_RETURN(StepSamples samples, timeRounds(models, *inputs, options.tuneThreads, inModel.runs));
  for (const auto &[kernel, steps] : stepsByKernel(models[0].executor->plan().steps, ranking)) {
    const std::vector<lower::ScheduleCandidate> &ranked = ranking.at(kernel);
    chosen[kernel] = ranked[chooseInModel(kernel, ranked, steps, samples, options, inModel.margin)].params;
  }
  return chooserOf(std::move(chosen));
}

} // namespace tessera::exec
