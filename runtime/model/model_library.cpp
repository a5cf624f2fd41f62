//===- model_library.cpp - Loading a model library written by the cpu target --------===//
#include "runtime/model/model_library.h"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "compiler/codegen/thread_pool.h"
#include "compiler/exec/aot.h"
#include "compiler/graph/parser.h"

namespace tessera::runtime {
namespace {

/// The graph with its weights attached again and its real inputs restored.
StatusOr<graph::Graph> graphOf(const char *text, const nlohmann::json &manifest, const uint8_t *weights) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, graph::parseGraph(text));
  for (const nlohmann::json &w : manifest["weights"]) {
    TS_ASSIGN_OR_RETURN(DType dtype, parseDType(w["dtype"].get<std::string>()));
    Tensor t(dtype, w["shape"].get<Shape>());
    std::memcpy(t.bytes(), weights + w["offset"].get<size_t>(), t.byteSize());
    graph.findValue(w["name"].get<std::string>())->constant = std::move(t);
  }
  graph.inputs = manifest["inputs"].get<std::vector<std::string>>();
  return graph;
}

StatusOr<exec::ExecutionPlan> planOf(const nlohmann::json &manifest) {
  exec::ExecutionPlan plan;
  for (const nlohmann::json &j : manifest["steps"]) {
    TS_ASSIGN_OR_RETURN(exec::Step step, exec::stepFromJson(j));
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

} // namespace

LoadedModel::~LoadedModel() {
  executor_.reset();
  if (handle_) dlclose(handle_);
}

StatusOr<std::unique_ptr<LoadedModel>> LoadedModel::load(const std::string &path) {
  auto model = std::unique_ptr<LoadedModel>(new LoadedModel());
  std::string resolved = std::filesystem::absolute(path).string();
  model->handle_ = dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle_) return invalidInput("cannot load '%s': %s", path, dlerror());
  auto symbol = [&](const char *name) { return dlsym(model->handle_, name); };
  auto *manifestText = static_cast<const char *>(symbol(exec::kManifestSymbol));
  auto *text = static_cast<const char *>(symbol(exec::kGraphSymbol));
  auto *weights = static_cast<const uint8_t *>(symbol(exec::kWeightsSymbol));
  auto *parallelFor = static_cast<codegen::ParallelForFn *>(symbol(codegen::kParallelForGlobal));
  if (!manifestText || !text || !weights || !parallelFor)
    return invalidInput("'%s' is not a tessera model library (missing %s)", path, exec::kManifestSymbol);
  *parallelFor = &codegen::parallelFor;
  nlohmann::json manifest = nlohmann::json::parse(manifestText);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, graphOf(text, manifest, weights));
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, planOf(manifest));
  void *handle = model->handle_;
  TS_ASSIGN_OR_RETURN(model->executor_,
                      exec::GraphExecutor::create(std::move(graph), std::move(plan),
                                                  [handle, &path](const std::string &name) -> StatusOr<codegen::KernelFn> {
                                                    void *fn = dlsym(handle, name.c_str());
                                                    if (!fn) return invalidInput("'%s' lacks kernel %s", path, name);
                                                    return reinterpret_cast<codegen::KernelFn>(fn);
                                                  }));
  return model;
}

} // namespace tessera::runtime
