//===- calibration.cpp - Activation ranges from running the fp32 graph ---------===//
#include "compiler/quant/calibration.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "compiler/interp/kernel_util.h"
#include "support/npy.h"

namespace tessera::quant {

StatusOr<CalibrationMethod> parseCalibrationMethod(const std::string &name) {
  if (name == "minmax") return CalibrationMethod::MinMax;
  if (name == "percentile") return CalibrationMethod::Percentile;
  if (name == "entropy") return CalibrationMethod::Entropy;
  return invalidInput("unknown calibration method '%s' (expected minmax, percentile or entropy)", name);
}

void TensorStats::grow(double maxAbs) {
  if (bins_.empty()) {
    bins_.assign(kBins, 0);
    binWidth_ = maxAbs / kBins;
    return;
  }
  while (maxAbs > binWidth_ * kBins) { // halve the resolution: merge neighbouring bins
    for (int i = 0; i < kBins / 2; ++i) bins_[i] = bins_[2 * i] + bins_[2 * i + 1];
    std::fill(bins_.begin() + kBins / 2, bins_.end(), 0);
    binWidth_ *= 2;
  }
}

void TensorStats::add(const Tensor &values) {
  std::vector<float> xs = interp::toFloats(values);
  if (xs.empty()) return;
  auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  min_ = count_ == 0 ? *lo : std::min<double>(min_, *lo);
  max_ = count_ == 0 ? *hi : std::max<double>(max_, *hi);
  count_ += int64_t(xs.size());
  double maxAbs = std::max(std::fabs(*lo), std::fabs(*hi));
  if (!(maxAbs > 0) || !std::isfinite(maxAbs)) {
    if (!bins_.empty()) bins_[0] += double(xs.size());
    return;
  }
  grow(maxAbs);
  for (float x : xs) {
    auto bin = static_cast<int64_t>(std::fabs(x) / binWidth_);
    bins_[std::clamp<int64_t>(bin, 0, kBins - 1)] += 1;
  }
}

double TensorStats::percentile(double fraction) const {
  if (bins_.empty()) return maxAbs();
  double total = 0, seen = 0;
  for (double c : bins_) total += c;
  for (int i = 0; i < kBins; ++i) {
    seen += bins_[i];
    if (seen >= fraction * total) return std::min(maxAbs(), (i + 1) * binWidth_);
  }
  return maxAbs();
}

namespace {

/// KL(P || Q) for a clipping threshold at bin `width`: P is the histogram's first
/// `width` bins with the clipped tail added to its last bin; Q quantizes the unclipped
/// bins into `levels` groups, each spread evenly over the group's non-empty bins of P.
/// (Built from the unclipped bins, Q does not see the tail: clipping a heavy tail costs.)
double klDivergence(const std::vector<double> &bins, int width, int levels) {
  std::vector<double> p(bins.begin(), bins.begin() + width);
  for (size_t i = width; i < bins.size(); ++i) p[width - 1] += bins[i];
  std::vector<double> q(width, 0);
  double perLevel = double(width) / levels;
  for (int level = 0; level < levels; ++level) {
    int begin = int(std::floor(level * perLevel));
    int end = level + 1 == levels ? width : int(std::floor((level + 1) * perLevel));
    double sum = 0;
    int nonEmpty = 0;
    for (int i = begin; i < end; ++i) sum += bins[i], nonEmpty += p[i] > 0;
    for (int i = begin; i < end; ++i) q[i] = p[i] > 0 ? sum / nonEmpty : 0;
  }
  double pTotal = 0, qTotal = 0, kl = 0;
  for (int i = 0; i < width; ++i) pTotal += p[i], qTotal += q[i];
  for (int i = 0; i < width; ++i) {
    if (p[i] == 0) continue;
    if (q[i] == 0) return INFINITY;
    kl += p[i] / pTotal * std::log((p[i] / pTotal) / (q[i] / qTotal));
  }
  return kl;
}

} // namespace

double TensorStats::entropyThreshold(int levels) const {
  if (bins_.empty()) return maxAbs();
  int best = kBins;
  double bestKl = INFINITY;
  for (int width = levels; width <= kBins; width += 8) {
    double kl = klDivergence(bins_, width, levels);
    if (kl < bestKl) bestKl = kl, best = width;
  }
  return std::min(maxAbs(), best * binWidth_);
}

double TensorStats::threshold(CalibrationMethod method, double percentileValue) const {
  switch (method) {
  case CalibrationMethod::MinMax: return maxAbs();
  case CalibrationMethod::Percentile: return percentile(percentileValue / 100);
  case CalibrationMethod::Entropy: return entropyThreshold();
  }
  return maxAbs();
}

Status runSamplesOnInterpreter(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                               const ResultObserver &observe) {
  for (const interp::TensorMap &sample : samples) {
    auto observer = [&](const graph::Node &node, const std::vector<Tensor> &results) {
      for (size_t i = 0; i < results.size() && i < node.outputs.size(); ++i)
        if (!node.outputs[i].empty() && results[i].dtype() == DType::F32) observe(node.outputs[i], results[i]);
    };
    TS_RETURN_IF_ERROR(interp::runGraph(graph, sample, observer).status());
  }
  return absl::OkStatus();
}

StatusOr<CalibrationTable> calibrate(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                                     const CalibrationRunner &runner) {
  if (samples.empty()) return invalidInput("calibration needs at least one sample");
  CalibrationTable table;
  for (const interp::TensorMap &sample : samples)
    for (const auto &[name, tensor] : sample)
      if (tensor.dtype() == DType::F32) table[name].add(tensor);
  auto observe = [&](const std::string &name, const Tensor &value) { table[name].add(value); };
  TS_RETURN_IF_ERROR(runner ? runner(graph, samples, observe) : runSamplesOnInterpreter(graph, samples, observe));
  return table;
}

StatusOr<std::vector<interp::TensorMap>> randomSamples(const graph::Graph &graph, int count, uint64_t seed) {
  if (count <= 0) return invalidInput("random calibration needs a positive sample count, got %d", count);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::vector<interp::TensorMap> samples(count);
  for (interp::TensorMap &sample : samples)
    for (const std::string &name : graph.inputs) {
      const graph::TensorType &type = graph.typeOf(name);
      if (type.dtype != DType::F32)
        return invalidInput("random calibration needs f32 inputs; '%s' is %s", name, graph::typeToString(type));
      if (!type.isStatic())
        return invalidInput("random calibration needs static input shapes; '%s' is %s: give its shape with "
                            "--input-shape %s:1x...",
                            name, graph::typeToString(type), name);
      Tensor tensor(DType::F32, type.shape);
      for (int64_t i = 0; i < tensor.elementCount(); ++i) tensor.data<float>()[i] = normal(rng);
      sample[name] = std::move(tensor);
    }
  return samples;
}

namespace {

/// Splits `array` along its leading dimension into tensors of `shape`.
StatusOr<std::vector<Tensor>> splitBatch(const Tensor &array, const Shape &shape, const std::string &path) {
  int64_t per = shapeElementCount(shape);
  if (array.dtype() != DType::F32 || per == 0 || array.elementCount() % per != 0)
    return invalidInput("%s: %s %s does not hold f32 samples of shape %s", path,
                        std::string(dtypeName(array.dtype())), shapeToString(array.shape()), shapeToString(shape));
  std::vector<Tensor> out;
  for (int64_t offset = 0; offset < array.elementCount(); offset += per) {
    Tensor sample(DType::F32, shape);
    std::copy_n(array.data<float>() + offset, per, sample.data<float>());
    out.push_back(std::move(sample));
  }
  return out;
}

} // namespace

StatusOr<std::vector<interp::TensorMap>> folderSamples(const graph::Graph &graph, const std::string &folder) {
  if (graph.inputs.size() != 1)
    return invalidInput("calibration from a folder needs a one-input model; this one has %d", graph.inputs.size());
  const std::string &input = graph.inputs[0];
  const graph::TensorType &type = graph.typeOf(input);
  if (!type.isStatic())
    return invalidInput("input '%s' is %s: calibration needs a static shape; give it with --input-shape %s:1x...",
                        input, graph::typeToString(type), input);
  std::error_code error;
  std::vector<std::string> files;
  for (const auto &entry : std::filesystem::directory_iterator(folder, error))
    if (entry.path().extension() == ".npy") files.push_back(entry.path().string());
  if (error) return invalidInput("cannot list calibration folder %s: %s", folder, error.message());
  if (files.empty()) return invalidInput("calibration folder %s holds no .npy files", folder);
  std::sort(files.begin(), files.end());
  std::vector<interp::TensorMap> samples;
  for (const std::string &path : files) {
    TS_ASSIGN_OR_RETURN(Tensor array, readNpyFile(path));
    TS_ASSIGN_OR_RETURN(std::vector<Tensor> parts, splitBatch(array, type.shape, path));
    for (Tensor &part : parts) samples.push_back({{input, std::move(part)}});
  }
  return samples;
}

StatusOr<std::vector<interp::TensorMap>> samplesFromSpec(const graph::Graph &graph, const std::string &spec,
                                                         uint64_t seed) {
  if (spec.rfind("random:", 0) != 0) return folderSamples(graph, spec);
  std::string count = spec.substr(7);
  if (count.empty() || count.size() > 6 || count.find_first_not_of("0123456789") != std::string::npos)
    return invalidInput("--calibrate random:N needs a sample count, got '%s'", spec);
  return randomSamples(graph, std::stoi(count), seed);
}

} // namespace tessera::quant
