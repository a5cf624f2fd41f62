//===- model_library.cpp - Loading a model library written by the cpu target --------===//
#include "runtime/model/model_library.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/thread_pool.h"
#include "compiler/exec/aot.h"
#include "compiler/graph/parser.h"

namespace tessera::runtime {
namespace {

/// The graph with its weights attached again and its real inputs restored (a graph
/// without constants has no `weights` key).
StatusOr<graph::Graph> graphOf(const char *text, const nlohmann::json &manifest, const uint8_t *weights) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, graph::parseGraph(text));
  for (const nlohmann::json &w : manifest.value("weights", nlohmann::json::array())) {
    TS_ASSIGN_OR_RETURN(DType dtype, parseDType(w.at("dtype").get<std::string>()));
    Tensor t(dtype, w.at("shape").get<Shape>());
    graph::Value *value = graph.findValue(w.at("name").get<std::string>());
    if (!value) return invalidInput("its manifest names weight '%s', which its graph lacks", w.at("name").get<std::string>());
    std::memcpy(t.bytes(), weights + w.at("offset").get<size_t>(), t.byteSize());
    value->constant = std::move(t);
  }
  graph.inputs = manifest.at("inputs").get<std::vector<std::string>>();
  return graph;
}

StatusOr<exec::ExecutionPlan> planOf(const nlohmann::json &manifest) {
  exec::ExecutionPlan plan;
  for (const nlohmann::json &j : manifest.at("steps")) {
    TS_ASSIGN_OR_RETURN(exec::Step step, exec::stepFromJson(j));
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

} // namespace

LoadedModel::~LoadedModel() {
  executor_.reset();
  if (handle_) dlclose(handle_);
  if (memoryFile_ >= 0) close(memoryFile_);
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
  nlohmann::json manifest = nlohmann::json::parse(manifestText, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded() || !manifest.is_object()) return invalidInput("'%s': its manifest is not a JSON object", path);
  if (manifest.contains("cpu") && manifest["cpu"].is_string())
    TS_RETURN_IF_ERROR(annotate(codegen::checkHostRuns(manifest["cpu"].get<std::string>()), strCat("'", path, "'")));
  graph::Graph graph;
  exec::ExecutionPlan plan;
  try {
    auto loaded = graphOf(text, manifest, weights);
    if (!loaded.ok()) return annotate(loaded.status(), strCat("'", path, "'"));
    graph = std::move(*loaded);
    auto steps = planOf(manifest);
    if (!steps.ok()) return annotate(steps.status(), strCat("'", path, "'"));
    plan = std::move(*steps);
  } catch (const nlohmann::json::exception &e) {
    return invalidInput("'%s': malformed manifest: %s", path, e.what());
  }
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

StatusOr<std::unique_ptr<LoadedModel>> LoadedModel::loadBytes(const uint8_t *bytes, size_t size,
                                                               const std::string &name) {
  int fd = memfd_create("tessera-host-code", MFD_CLOEXEC);
  if (fd < 0) return absl::InternalError(strCat(name, ": cannot create an in-memory file: ", std::strerror(errno)));
  size_t written = 0;
  while (written < size) {
    ssize_t n = write(fd, bytes + written, size - written);
    if (n <= 0) {
      close(fd);
      return absl::InternalError(strCat(name, ": cannot fill an in-memory file: ", std::strerror(errno)));
    }
    written += size_t(n);
  }
  auto model = load(strCat("/proc/self/fd/", fd));
  if (!model.ok()) {
    close(fd);
    return annotate(model.status(), name);
  }
  (*model)->memoryFile_ = fd;
  return model;
}

} // namespace tessera::runtime
