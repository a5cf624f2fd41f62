//===- batchnorm_folding.h - Fold inference BatchNorm into Conv and Gemm -------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// BatchNormalization(Conv(x, W, B)) with constant W, B and statistics becomes
/// Conv(x, W * s, (B - mean) * s + beta) with s = gamma / sqrt(var + epsilon), one
/// scale per output channel; Gemm followed by a BatchNormalization over its columns
/// folds the same way into B and C. The conv or gemm result must have no other use.
StatusOr<bool> runBatchNormFolding(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
