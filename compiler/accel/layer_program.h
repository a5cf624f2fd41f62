//===- layer_program.h - One accelerator layer alone in its own program ---------------===//
//
// A tuner measures a mapping by running the layer by itself: layerProgram emits the
// layer with the mapping into a fresh program whose DRAM holds just the layer's tensors
// (its inputs in the blocked layout, or the window-packed one when the mapping packs
// the first layer's input, and its output), the layer first in the program. The cycles
// of that program on a cycle-level backend are the mapping's measured cost.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/mapping_space.h"
#include "isa/program.h"

namespace tessera::accel {

/// The program that runs `layer` alone with `mapping` (checked: an illegal mapping is
/// an error naming the layer). Inputs are named "in0", "in1", the output "out".
StatusOr<isa::Program> layerProgram(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config);

} // namespace tessera::accel
