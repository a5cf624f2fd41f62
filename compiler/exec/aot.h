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
// (`cc -shared`). The loader (runtime/model/model_library.h) dlopens the library and
// rebuilds the executor from the symbols named here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "compiler/exec/graph_executor.h"

namespace tessera::exec {

/// Compiles `plan` for the host CPU and writes the shared library to `path`.
Status writeSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan, const std::string &path);
/// The same library as bytes (built in a temporary folder), for a container that
/// carries it (an accelerator binary's HOST_CODE section).
StatusOr<std::vector<uint8_t>> buildSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan);

/// The library's data symbols (the loader's side of the contract).
inline constexpr const char *kManifestSymbol = "tessera_model_manifest";
inline constexpr const char *kGraphSymbol = "tessera_model_graph";
inline constexpr const char *kWeightsSymbol = "tessera_model_weights";
inline constexpr const char *kWeightsSizeSymbol = "tessera_model_weights_size";

/// The plan's steps as the manifest's "steps" array, and back.
nlohmann::json stepsToJson(const ExecutionPlan &plan);
StatusOr<Step> stepFromJson(const nlohmann::json &step);

} // namespace tessera::exec
