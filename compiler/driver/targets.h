//===- targets.h - The per-target pipelines of targets.def -------------------------===//
#pragma once

#include "compiler/driver/driver.h"

namespace tessera::driver {

// StatusOr<CompiledArtifact> cpuPipeline(...), accelPipeline(...), nvptxPipeline(...).
#define TARGET(NAME, EXTENSION, DESCRIPTION) \
  StatusOr<CompiledArtifact> NAME##Pipeline(const ModelSource &model, const CompileOptions &options);
#include "compiler/driver/targets.def"

} // namespace tessera::driver
