//===- calibration.h - Activation ranges from running the fp32 graph -----------===//
//
// Post-training quantization needs one scale per activation tensor. Calibration runs
// the fp32 graph on the reference interpreter over sample inputs and keeps, for every
// f32 value, its min, max and a histogram of |x| (2048 bins whose width doubles, by
// merging neighbours, whenever a later sample exceeds the range). The scale of a
// symmetric int8 tensor is threshold / 127, with the threshold chosen by
//   minmax      max |x| seen;
//   percentile  the |x| below which `percentile` % of the values lie (default 99.99);
//   entropy     the threshold minimizing the KL divergence between the histogram and
//               its 128-level quantization (TensorRT's calibrator).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "compiler/interp/interpreter.h"

namespace tessera::quant {

enum class CalibrationMethod { MinMax, Percentile, Entropy };

/// Parses "minmax", "percentile" or "entropy".
StatusOr<CalibrationMethod> parseCalibrationMethod(const std::string &name);

/// The statistics of one tensor over every calibration sample.
class TensorStats {
public:
  static constexpr int kBins = 2048;

  void add(const Tensor &values);
  double min() const { return min_; }
  double max() const { return max_; }
  double maxAbs() const { return std::max(-min_, max_); }
  /// The |x| below which `fraction` of the values lie (upper edge of its bin).
  double percentile(double fraction) const;
  /// The threshold minimizing KL(P || Q) for a `levels`-level quantization of |x|.
  double entropyThreshold(int levels = 128) const;
  /// The clipping threshold the method picks.
  double threshold(CalibrationMethod method, double percentileValue) const;

private:
  void grow(double maxAbs);

  double min_ = 0, max_ = 0, binWidth_ = 0;
  int64_t count_ = 0;
  std::vector<double> bins_;
};

using CalibrationTable = std::map<std::string, TensorStats>;

/// Receives one f32 node result (its value's name) of one sample.
using ResultObserver = std::function<void(const std::string &name, const Tensor &value)>;
/// Runs `graph` on every sample and shows `observe` every f32 node result. The default
/// runs the reference interpreter; the driver passes one that runs the graph as LLVM code
/// (`driver/cpu_calibration.h`), tens of times faster.
using CalibrationRunner =
    std::function<Status(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples, const ResultObserver &observe)>;

/// The reference interpreter as a CalibrationRunner.
Status runSamplesOnInterpreter(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                               const ResultObserver &observe);

/// Runs the graph on every sample (one tensor per graph input) with `runner` (null: the
/// interpreter) and collects the statistics of every f32 graph input and node result.
StatusOr<CalibrationTable> calibrate(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                                     const CalibrationRunner &runner = nullptr);

/// `count` inputs for the graph drawn from a seeded standard normal distribution
/// (static input shapes required).
StatusOr<std::vector<interp::TensorMap>> randomSamples(const graph::Graph &graph, int count, uint64_t seed);

/// Every .npy file of `folder`, in name order, as samples of a one-input graph; an
/// array whose leading dimension is a multiple of the input's batch is split into
/// several samples.
StatusOr<std::vector<interp::TensorMap>> folderSamples(const graph::Graph &graph, const std::string &folder);

/// "random:N" or a folder path.
StatusOr<std::vector<interp::TensorMap>> samplesFromSpec(const graph::Graph &graph, const std::string &spec,
                                                         uint64_t seed);

} // namespace tessera::quant
