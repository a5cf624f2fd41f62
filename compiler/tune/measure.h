//===- measure.h - A mapping's cycles, measured on the SystemC model ------------------===//
//
// The black-box cost: the layer alone in its own program (compiler/accel/layer_program.h)
// run on the cycle-accurate `systemc` backend. The cost is the layer's segment cycles
// in the report (its first instruction's start to its last one's end), the number
// `tessera run --report` gives each layer of a whole model, without the program's own
// start and FINISH. Deterministic and cycle-exact; the data in DRAM (zeros) does not
// change the timing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "compiler/accel/mapping_space.h"

namespace tessera::tune {

/// The segment cycles of `layer` alone with `mapping` on the `systemc` backend.
StatusOr<uint64_t> measureLayer(const accel::AccelLayer &layer, const accel::Mapping &mapping,
                                const isa::HardwareConfig &config);

} // namespace tessera::tune
