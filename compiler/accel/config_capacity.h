//===- config_capacity.h - Does a hardware config hold the reference layers? ----------===//
//
// A config can be valid (isa/config.h: sizes, powers of two, instruction fields) and still
// too small for the layers of common models. checkConfigCapacity asks the mapping space
// (mapping_space.h, with one virtual thread: the smallest footprint the model compiler
// falls back to) for a legal mapping of each reference layer:
//
//   conv3x3_512      3x3 conv 512 -> 512 on 7x7, stride 1, pad 1 (ResNet-18's last stage)
//   stem7x7          7x7/2 conv 3 -> 64 on 224x224, pad 3 (ResNet's stem; its input comes
//                    from the host, so it may be window-packed)
//   fc512, fc1280    a 1000-way fully connected layer from 512 and 1280 inputs
//   maxpool3x3       3x3/2 max pool, pad 1, on 112x112x64
//
// Convolutions carry per-channel bias and requant rows (not immediates), as quantized
// models do. When a layer has no mapping, the error names it, why its smallest mapping
// does not fit, and the one config key to raise with the value that makes it fit (the
// smallest power-of-two multiple that also keeps the config valid), e.g.
// "raise acc_buffer_bytes 4096 -> 8192". `tessera config` runs this check.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "compiler/accel/mapping_space.h"

namespace tessera::accel {

/// The reference layers, in the order they are checked.
std::vector<AccelLayer> referenceLayers();

/// OK when every reference layer has a legal mapping on `config`; otherwise the first
/// layer that does not, with the key to raise.
Status checkConfigCapacity(const isa::HardwareConfig &config);

} // namespace tessera::accel
