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
  /// Loads a library held in memory (an accelerator binary's HOST_CODE bytes) through
  /// an anonymous in-memory file; `name` stands for it in messages.
  static StatusOr<std::unique_ptr<LoadedModel>> loadBytes(const uint8_t *bytes, size_t size, const std::string &name);

private:
  LoadedModel() = default;
  void *handle_ = nullptr;
  /// The in-memory file of a library from loadBytes, open while the library is loaded:
  /// the dynamic loader knows a library by its path (/proc/self/fd/N), so N must not be
  /// reused for another library meanwhile.
  int memoryFile_ = -1;
  std::unique_ptr<exec::GraphExecutor> executor_;
};

} // namespace tessera::runtime
