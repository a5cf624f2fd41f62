//===- backend.h - Execution backends by name ---------------------------------------===//
//
// The registry of the backends listed once in runtime/backends.def: the golden
// executor (`functional`, defined here), the SystemC model and the Verilated RTL. The
// interface they implement is runtime/backend_api/backend.h, below the simulators; this
// registry names each simulator's factory, so it sits above them, with the Device.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "isa/config.h"
#include "runtime/backend_api/backend.h"

namespace tessera::runtime {

/// Creates the backend called `name`; the error lists the available ones.
StatusOr<std::unique_ptr<Backend>> createBackend(std::string_view name, const isa::HardwareConfig &config);
/// The names of the backends built into this binary.
std::vector<std::string> availableBackends();

} // namespace tessera::runtime
