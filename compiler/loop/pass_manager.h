//===- pass_manager.h - Runs named loop IR passes in order ---------------------------===//
//
// Passes are registered once in passes.def; a pipeline is a comma-separated string.
// As in MLIR, the verifier runs after every pass (unless turned off), and the IR can
// be printed after each pass that changed it, with the time each pass took.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

struct PassOptions {
  bool verifyEach = true;
  /// Print the func after each pass that changed it (to `log`).
  bool printAfterChange = false;
  /// Print each pass's wall time (to `log`).
  bool timing = false;
  std::ostream *log = nullptr;
};

/// The names of the registered passes.
std::vector<std::string> loopPassNames();
/// Runs the pipeline on one func; unknown pass names are reported before anything runs.
Status runLoopPipeline(Func &func, const std::string &pipeline, const PassOptions &options = {});
Status runLoopPipeline(Module &module, const std::string &pipeline, const PassOptions &options = {});

} // namespace tessera::loop
