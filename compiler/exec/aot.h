//===- aot.h - Ahead-of-time shared libraries for the `cpu` backend ----------------===//
//
// `tessera compile model.onnx --target cpu -o model.so` writes one shared library
// holding everything needed to run the model with no compiler at run time beyond the
// graph executor:
//
//   <kernel>                  void(void **args), one per kernel step (LLVM, O3, host CPU)
//   tessera.parallel_for      the parallel-for entry, set by the loader
//   tessera_model_manifest    JSON: graph inputs, the plan's steps, the weights index
//   tessera_model_graph       the graph's text form, constants turned into inputs
//   tessera_model_weights     the constants' bytes (aligned, concatenated)
//
// The object file is emitted by LLVM and linked with the system C compiler driver
// (`cc -shared`). The loader dlopens the library and rebuilds the executor.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

#include "compiler/exec/graph_executor.h"

namespace tessera::exec {

/// Compiles `plan` for the host CPU and writes the shared library to `path`.
Status writeSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan, const std::string &path);

/// A loaded library and the executor running it (the library stays open while it lives).
class LoadedModel {
public:
  ~LoadedModel();
  LoadedModel(const LoadedModel &) = delete;
  LoadedModel &operator=(const LoadedModel &) = delete;
  const GraphExecutor &executor() const { return *executor_; }

  static StatusOr<std::unique_ptr<LoadedModel>> load(const std::string &path);

private:
  LoadedModel() = default;
  void *handle_ = nullptr;
  std::unique_ptr<GraphExecutor> executor_;
};

} // namespace tessera::exec
