//===- ptxas.h - Assembles PTX with the CUDA toolkit's ptxas --------------------------===//
//
// The check that generated PTX is valid for an architecture: `ptxas -arch=sm_XX`
// assembles it into a cubin (discarded). ptxas is $TESSERA_PTXAS when that is set
// (TESSERA_PTXAS=/nonexistent disables it), else the first on PATH, else
// /usr/local/cuda/bin/ptxas; machines without the CUDA toolkit have none, and the
// tests say so when they skip.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>

#include "support/status.h"

namespace tessera::codegen {

/// The ptxas executable to use, or nullopt when none is found.
std::optional<std::string> findPtxas();

struct PtxasResult {
  int exitStatus = -1;
  /// ptxas's stdout and stderr (with `verbose`: registers and spills per kernel).
  std::string output;
};

/// Runs `ptxas -arch=<arch> [-v]` on `ptx`; an error only when ptxas cannot run.
StatusOr<PtxasResult> runPtxas(const std::string &ptxas, const std::string &ptx, const std::string &arch,
                               bool verbose = false);

} // namespace tessera::codegen
