//===- accel_model_runner.h - A binary compiled from a model, on a device ----------===//
//
//   tessera run model.tsb --backend functional|systemc|rtl --input NAME=x.npy
//       [--reference q.tg]
//
// Opens the device for the binary, compiles the host regions (host_model_runner.h),
// runs the whole model and,
// with a reference graph, checks that every output is bit-identical to the reference
// interpreter running the quantized graph; on a mismatch the error names the first
// layer whose int8 result differs from what the accelerator left in DRAM.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/accel/host_model.h"
#include "isa/binary.h"
#include "runtime/device.h"
#include "runtime/model/host_model_runner.h"

namespace tessera::runtime {

class AccelModelRunner {
public:
  /// The device `backend` with the binary's program loaded.
  static StatusOr<AccelModelRunner> open(isa::LoadedBinary binary, const std::string &backend);

  /// The model's inputs and outputs, and its host graphs.
  const accel::HostModel &model() const { return model_; }
  const Device &device() const { return *device_; }

  /// Runs the model on `inputs` (one per model input); returns the model outputs.
  StatusOr<accel::TensorMap> run(const accel::TensorMap &inputs, const RunOptions &options);
  /// The device's report of the last run (its accelerator regions' results merged,
  /// ModelRun::merged), with the model's `coverage` (how much of it the accelerator
  /// runs) when the binary records it, each segment's cost-model `estimated_cycles` when
  /// the binary records them (cycle-level backends), `host_layers` (each host executor
  /// step's measured time) and `end_to_end` (docs/reports.md).
  nlohmann::json report() const;

  /// OK when every output of `reference` (the quantized graph, named `referenceName`)
  /// run on `inputs` is bit-identical to `outputs`.
  Status checkAgainstReference(const graph::Graph &reference, const std::string &referenceName,
                               const accel::TensorMap &inputs, const accel::TensorMap &outputs) const;

private:
  nlohmann::json endToEnd() const;

  accel::HostModel model_;
  std::unique_ptr<HostRegionExecutors> host_;
  std::unique_ptr<Device> device_;
  ModelRun run_;
};

/// "logits: f32[1,10]  prediction (argmax): 7  (value 12.3)".
std::string describeOutput(const std::string &name, const Tensor &tensor);

} // namespace tessera::runtime
