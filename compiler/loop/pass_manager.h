//===- pass_manager.h - Runs named loop IR passes in order ---------------------------===//
//
// Passes are registered once in passes.def; a pipeline is a comma-separated string.
// The manager is support/pass_pipeline.h's, instantiated for the loop IR: as in MLIR,
// the verifier runs after every pass (unless turned off), and the IR can be printed
// after every pass or after each pass that changed it, with the time each pass took.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/loop/ir.h"
#include "support/pass_pipeline.h"
#include "support/status.h"

namespace tessera::loop {

/// verifyEach, printAfterAll, printAfterChange, timing and their `log`.
using PassOptions = PipelineOptions;

/// The names of the registered passes.
std::vector<std::string> loopPassNames();
/// Runs the pipeline on one func; unknown pass names are reported before anything runs.
Status runLoopPipeline(Func &func, const std::string &pipeline, const PassOptions &options = {});
Status runLoopPipeline(Module &module, const std::string &pipeline, const PassOptions &options = {});

} // namespace tessera::loop
