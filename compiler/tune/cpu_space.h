//===- cpu_space.h - The space of CPU kernel schedules a tuner searches -----------------===//
//
// Each parameter of lower/schedule_params.def that shapes a kernel's loops gets a list of
// values (register-tile sizes, vector width, Winograd tile or direct, 1x1 as matrix
// products or direct, depthwise/pool row blocking, ...). The space is their cartesian
// product, on top of the host's defaults; most kernels depend on a few parameters only,
// so a search walks it one parameter at a time (cpu_tuner.h) and identical lowerings
// are timed once.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/lower/cpu_schedule.h"

namespace tessera::tune {

struct CpuParamAxis {
  std::string name;            ///< a schedule_params.def name
  std::vector<int64_t> values; ///< the values tried
};

/// The axes of the space, in search order.
const std::vector<CpuParamAxis> &cpuScheduleSpace();

/// `base` with one parameter set ("name=value"); an error for an unknown name.
StatusOr<lower::CpuScheduleParams> withParam(const lower::CpuScheduleParams &base, const std::string &name, int64_t value);

/// The schedule as one line of "name=value" pairs (a record's `schedule`), and back.
std::string scheduleText(const lower::CpuScheduleParams &params);
StatusOr<lower::CpuScheduleParams> parseScheduleText(const std::string &text, const lower::CpuScheduleParams &base);

} // namespace tessera::tune
