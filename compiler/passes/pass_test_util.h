//===- pass_test_util.h - Text-in/text-out pass tests -------------------------===//
//
// `runPipelineOnText("cse", input)` parses the input, verifies it, runs the pipeline
// with the verifier after every pass, and returns the printed result (or "error: "
// and the message). `checkSameResults` runs the interpreter on both graphs with
// seeded random inputs and compares every output.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "compiler/graph/graph.h"
#include "compiler/passes/pass.h"

namespace tessera::passes {

std::string runPipelineOnText(const std::string &pipeline, const std::string &text, const PassOptions &options = {});

/// Empty when both graphs compute the same outputs (within rtol 1e-5) on seeded
/// random inputs; otherwise what differs.
std::string checkSameResults(const std::string &textBefore, const std::string &textAfter);

} // namespace tessera::passes
