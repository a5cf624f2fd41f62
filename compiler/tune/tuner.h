//===- tuner.h - Tuning every accelerator layer of a model ------------------------------===//
//
//   TuneOptions options;            // cost model, trials, -j, records file, resume
//   StatusOr<TuneResult> result = tuneModel(compiled, config, options);
//
// The model's layers become workloads (layers of one shape are tuned once). Each
// workload's analytical choices are priced first (search.h), even past the trials; the
// trials left are shared among the workloads in proportion to their part of the model's analytical cycles
// (a workload whose space is smaller gets its space, the rest goes to the others).
// Batches go round the workloads (search.h picks them), each cost is appended to the
// records file as soon as it is known, and the learned model is retrained after every
// round (one batch of each workload). With `resume`, the records of the file that apply (same format version,
// target, config and kind of cost) are priced already: they are not measured again,
// they count as known costs and they train the learned model from the start.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/tune/records.h"
#include "compiler/tune/workload.h"

namespace tessera::tune {

struct TuneOptions {
  std::string costModel = "measure"; ///< analytical | measure | xgb
  int64_t trials = 100;              ///< new prices in this run, shared by every workload (at least the analytical choices)
  int jobs = 1;                      ///< measurements in parallel (worker processes)
  std::string recordsPath;           ///< JSON lines; empty: none written
  bool resume = false;               ///< continue the records file (else it must not exist)
  uint64_t seed = 0;
  /// Called after every batch (progress lines); `bestTotal` in cycles.
  std::function<void(int64_t trials, int64_t budget, double bestTotal, double untunedTotal)> onBatch;
};

struct LayerResult {
  std::string name, op;
  double untuned = 0, tuned = 0; ///< cycles of the compiler's mapping and the best one
  std::string mapping;           ///< the best mapping's text
  int64_t space = 0, priced = 0; ///< the workload's legal mappings, and those priced (with resumed ones)
};

struct TuneResult {
  std::string costModel;
  std::vector<LayerResult> layers;
  int64_t workloads = 0, trials = 0, resumed = 0;
  RecordSet records; ///< the records file's applicable records, and the counts of those skipped
  std::vector<std::pair<int64_t, double>> curve; ///< (trials, best total) after each batch

  double untunedTotal() const;
  double tunedTotal() const;
  /// The per-layer table: layer, op, space, priced, untuned -> tuned cycles, gain %.
  std::string table() const;
};

StatusOr<TuneResult> tuneModel(const accel::CompiledModel &model, const isa::HardwareConfig &config,
                               const TuneOptions &options);

} // namespace tessera::tune
