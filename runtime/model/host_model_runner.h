//===- host_model_runner.h - Running a compiled model's host side with a device ----===//
//
// A binary from `tessera compile --target accel` carries its host side
// (compiler/accel/host_model.h). Running it: the model inputs go through the `pre`
// graph on the reference interpreter, the tensors the accelerator reads are packed
// into their blocked layouts and written to DRAM, the device runs the program, the
// tensors the host needs are read back and unpacked, and the `post` graph runs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/host_model.h"
#include "runtime/device.h"

namespace tessera::runtime {

/// Runs the model on a device that has the program loaded; returns the model outputs.
/// `result` receives the device run's result (for its report).
StatusOr<accel::TensorMap> runHostModel(const accel::HostModel &model, Device &device, const accel::TensorMap &inputs,
                                        const RunOptions &options, RunResult &result);

} // namespace tessera::runtime
