//===- coverage.h - How much of a model the accelerator runs --------------------------===//
//
// Every report of a model compiled for the accelerator says how much of it the
// accelerator covers, so a config on which layers fall to the host cannot pass for a
// fast one: layers on each side, the host's op names, and the multiply-accumulates of
// the accelerator's layers against those of the whole model (graph::nodeMacs, the host
// part included), and how many accelerator and host regions the partition cut the
// model into (each accelerator region costs a launch and its transfers). A layer is a
// node that computes: views and Concats written in place
// by their producers are not counted.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/status.h"

namespace tessera::accel {

struct Coverage {
  int64_t accelLayers = 0, hostLayers = 0;
  std::vector<std::string> hostOps; ///< distinct, sorted
  int64_t accelMacs = 0, totalMacs = 0;
  int64_t accelRegions = 0, hostRegions = 0; ///< the partition's regions that hold nodes (partition.h)

  /// accel_macs / total_macs (1 for a model without MACs).
  double macFraction() const;
  /// "accelerator: 29 of 31 layers, 99.9% of MACs; host: DequantizeLinear, QuantizeLinear;
  /// regions: 1 accelerator, 2 host".
  std::string describe() const;
  /// The report's `coverage` object (docs/reports.md).
  nlohmann::json toJson() const;
  static StatusOr<Coverage> fromJson(const nlohmann::json &json);
};

} // namespace tessera::accel
