//===- gpu_model.h - `tessera compile --target nvptx`: a model's kernels as PTX -------===//
//
// The model is planned as for the cpu target (the same kernel groups: anchors with
// their fused elementwise epilogues, aliases, reference fallbacks); each kernel is
// described again without CPU layout choices, scheduled for the GPU
// (lower/gpu_schedule.h) and all kernels are compiled into one PTX module
// (codegen/nvptx_codegen.h). Nodes that get no GPU kernel (no compute description,
// or a description the GPU schedule rejects) are listed on stdout and in the PTX
// file's header comment, with the reason, next to each kernel's launch and the graph
// values its parameters take. There is no host-side runtime for models yet: the PTX
// is the product (tests assemble it with ptxas).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "support/status.h"

namespace tessera::cli {

struct NvptxCompileArgs {
  std::string model, output, arch = "sm_80";
  std::vector<std::string> inputShapes;
  int64_t threadsPerBlock = 256;
  bool printPlan = false;
  /// Write the GPU kernels' loop IR here when set.
  std::string loopIrPath;
};

Status compileForNvptxTarget(const NvptxCompileArgs &args);

} // namespace tessera::cli
