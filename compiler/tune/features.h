//===- features.h - Numbers describing (layer shape, mapping, config) for a model --===//
//
// The learned cost model sees a fixed-length vector per candidate: the layer kind
// (one-hot), the layer's shape numbers, the mapping's numbers, the analytical cost
// model's estimate (and its log) and every number of the hardware config. Numbers a
// kind lacks are 0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/accel/mapping_space.h"

namespace tessera::tune {

/// The length of every feature vector.
size_t featureCount();
/// The features' names, in order (for docs and debugging).
const std::vector<std::string> &featureNames();
/// The feature vector of one candidate.
std::vector<float> features(const accel::AccelLayer &layer, const accel::Mapping &mapping,
                            const isa::HardwareConfig &config);

} // namespace tessera::tune
