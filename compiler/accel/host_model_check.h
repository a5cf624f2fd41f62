//===- host_model_check.h - A binary's host metadata checked against its program ----===//
//
// The `host` metadata of a .tsb says how the host drives the program: which instruction
// ranges are accelerator regions, which graph values it packs into which DRAM tensors
// and reads back, in what shapes and layouts. The section checksum catches corruption;
// this check catches a file that is consistent but wrong (edited, or written by another
// tool): every region's instructions lie in the program, in order, without overlap;
// every transfer names a program tensor of the right kind (input for what the host
// writes, output or scratch for what it reads), int8, whose DRAM shape is the one the
// transfer's image and layout need; a first-layer window packing agrees with its image
// and its own geometry; and every value a region reads exists by then (a model input or
// a value an earlier region produced), as does every model output.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/host_model.h"
#include "isa/program.h"

namespace tessera::accel {

/// OK when `model` fits `program` on `config`; otherwise the error names the region,
/// transfer, tensor or value at fault.
Status checkHostModel(const HostModel &model, const isa::Program &program, const isa::HardwareConfig &config);

} // namespace tessera::accel
