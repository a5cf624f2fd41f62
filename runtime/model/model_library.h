//===- model_library.h - Loading a model library written by the cpu target ---------===//
//
// `tessera compile --target cpu` writes a shared library (compiler/exec/aot.h); this
// dlopens it, points its parallel-for entry at the thread pool and rebuilds the graph
// executor from its manifest, graph text, weights and kernel symbols.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

#include "compiler/exec/graph_executor.h"

namespace tessera::runtime {

/// A loaded library and the executor running it (the library stays open while it lives).
class LoadedModel {
public:
  ~LoadedModel();
  LoadedModel(const LoadedModel &) = delete;
  LoadedModel &operator=(const LoadedModel &) = delete;
  const exec::GraphExecutor &executor() const { return *executor_; }

  static StatusOr<std::unique_ptr<LoadedModel>> load(const std::string &path);

private:
  LoadedModel() = default;
  void *handle_ = nullptr;
  std::unique_ptr<exec::GraphExecutor> executor_;
};

} // namespace tessera::runtime
