//===- cpu_model.h - The cpu target's graph, and compiling it in process -----------===//
//
// `tessera run model.onnx --backend cpu` and `tessera onnx-test --target cpu` compile
// in process (JIT) instead of writing a shared library; they share the cpu pipeline's
// front: import, then kCpuGraphPipeline.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/driver/driver.h"
#include "compiler/exec/graph_executor.h"
#include "compiler/onnx/backend_test.h"

namespace tessera::driver {

/// Runs kCpuGraphPipeline on `graph`.
StatusOr<graph::Graph> cleanGraphForCpu(graph::Graph graph);

/// The graph the cpu target plans: the model imported, then cleaned.
StatusOr<graph::Graph> cpuGraph(const ModelSource &model);

/// The cpu target's kernels JIT-compiled in this process, with their executor.
StatusOr<exec::CompiledModel> compileInProcessForCpu(const ModelSource &model, const CpuOptions &options = {});

/// The `cpu` target of `tessera onnx-test`: the cleaned graph's JIT-compiled kernels,
/// with the nodes left to the reference interpreter counted (a passing case with any
/// is "ref_fallback").
onnx_import::CaseTarget cpuCaseTarget();

} // namespace tessera::driver
