//===- host_code.h - A compiled accelerator model's host regions as machine code ------===//
//
// The accel pipeline's last stage before the binary is written: each host region of the
// model (compiler/accel/host_model.h) goes through the cpu target's planner and AOT
// writer (compiler/exec/aot.h) into a shared library, and the libraries are stored back
// to back in the program's HOST_CODE section, the region's metadata naming its bytes.
// Opening the binary then loads that code instead of compiling the regions again; the
// regions' graphs stay in the metadata (the reference, and a JIT fallback on a host that
// cannot run the stored code).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/model_compiler.h"

namespace tessera::driver {

/// Compiles every host region of `model` ahead of time into its HOST_CODE section.
Status attachHostCode(accel::CompiledModel &model);

} // namespace tessera::driver
