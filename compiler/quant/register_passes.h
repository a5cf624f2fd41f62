//===- register_passes.h - Makes compiler/quant's passes known to pipelines ------===//
//
// The pass registry (compiler/passes/pass_manager.h) lists the passes of
// tessera_passes; quant's passes (compiler/quant/passes.def) sit above it and are
// added here, so that `tessera opt --passes=qdq-import` and any pipeline string can
// name them. The tessera CLI calls this once at start; so does a test running a
// pipeline that names a quant pass.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace tessera::quant {

/// Adds every pass of compiler/quant/passes.def to the pass registry. Calling it again
/// does nothing.
void registerQuantPasses();

} // namespace tessera::quant
