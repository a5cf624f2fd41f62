//===- workload.h - What a tuner tunes: one layer shape, shared by equal layers -------===//
//
// Two layers whose shapes are equal (every number the emitter reads: channels, image,
// kernel, strides, padding, groups, the epilogue's form, whether the host writes the
// input) get the same instructions from the same mapping and so the same cycles: they
// are one workload, tuned once. Its key is a line of text, e.g.
//
//   conv2d c=16 h=8 w=8 o=32 oh=8 ow=8 k=3x3 s=1x1 d=1x1 p=1,1 g=1 host=0 bias=row requant=row clip=1
//
// and is what the records database stores as `workload`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/accel/model_compiler.h"

namespace tessera::tune {

/// The shape key of a layer (see above).
std::string workloadKey(const accel::AccelLayer &layer);

/// A workload of a model: the layers with one key.
struct Workload {
  std::string key;
  accel::AccelLayer layer;         ///< the first layer with the key
  std::vector<std::string> layers; ///< names of every layer with the key, in program order
  accel::Mapping untuned;          ///< the compiler's (analytical) choice
  double estimatedCycles = 0;      ///< the cost model's cycles of `untuned`, for one layer
};

/// The model's workloads, in the program order of their first layer.
std::vector<Workload> workloadsOf(const accel::CompiledModel &model);

} // namespace tessera::tune
