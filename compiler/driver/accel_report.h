//===- accel_report.h - Text forms of the accel pipeline's partition and layers ----===//
#pragma once

#include <string>

#include "compiler/accel/model_compiler.h"

namespace tessera::driver {

/// The partition plan: which ops run where and why, then each region in order: a host
/// region's graph, an accelerator region's instruction range and the values crossing.
std::string partitionPlan(const accel::CompiledModel &model);

/// One line per accelerator layer: name, op, multiply-accumulates, estimated cycles.
std::string layerTable(const accel::CompiledModel &model);

} // namespace tessera::driver
