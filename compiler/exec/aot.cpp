//===- aot.cpp - Writes and loads ahead-of-time compiled model libraries -----------------===//
#include "compiler/exec/aot.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include "compiler/codegen/llvm_codegen.h"
#include "compiler/codegen/thread_pool.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"

namespace tessera::exec {
namespace {

constexpr const char *kManifest = "tessera_model_manifest";
constexpr const char *kGraph = "tessera_model_graph";
constexpr const char *kWeights = "tessera_model_weights";
constexpr const char *kWeightsSize = "tessera_model_weights_size";

const char *kindName(StepKind kind) {
  return kind == StepKind::Kernel ? "kernel" : kind == StepKind::Alias ? "alias" : "reference";
}

/// The graph with constants detached: their data goes to `weights`, their names to
/// the manifest, and they become inputs so the text form stays small.
std::string detachConstants(const graph::Graph &graph, const std::map<std::string, Tensor> &extra,
                            nlohmann::json &manifest, std::vector<uint8_t> &weights) {
  graph::Graph copy = graph;
  for (const auto &[name, tensor] : extra)
    copy.setValue(name, graph::TensorType(tensor.dtype(), tensor.shape())).constant = tensor;
  std::vector<std::string> names;
  for (const auto &[name, value] : copy.values())
    if (value.constant) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string &name : names) {
    graph::Value *value = copy.findValue(name);
    const Tensor &t = *value->constant;
    weights.resize((weights.size() + 63) / 64 * 64);
    manifest["weights"].push_back({{"name", name}, {"offset", weights.size()}, {"dtype", dtypeName(t.dtype())},
                                   {"shape", t.shape()}});
    weights.insert(weights.end(), t.storage().begin(), t.storage().end());
    value->constant.reset();
    copy.inputs.push_back(name);
  }
  manifest["inputs"] = graph.inputs;
  return graph::printGraph(copy);
}

nlohmann::json planJson(const ExecutionPlan &plan) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step &s : plan.steps)
    steps.push_back({{"kind", kindName(s.kind)}, {"nodes", s.nodes}, {"kernel", s.kernel}, {"params", s.params},
                     {"reason", s.reason}});
  return steps;
}

void addBytes(llvm::Module &module, const std::string &name, const void *data, size_t size) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *init = llvm::ConstantDataArray::getRaw(llvm::StringRef(static_cast<const char *>(data), size), size,
                                               llvm::Type::getInt8Ty(ctx));
  auto *global = new llvm::GlobalVariable(module, init->getType(), true, llvm::GlobalValue::ExternalLinkage, init, name);
  global->setAlignment(llvm::Align(64));
}

Status emitObject(llvm::Module &module, llvm::TargetMachine &tm, const std::string &path) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error, llvm::sys::fs::OF_None);
  if (error) return invalidInput("cannot write '%s': %s", path, error.message());
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile))
    return absl::InternalError("the target cannot emit object files");
  pm.run(module);
  out.flush();
  return absl::OkStatus();
}

StatusOr<Step> stepFromJson(const nlohmann::json &j) {
  Step s;
  std::string kind = j.at("kind");
  s.kind = kind == "kernel" ? StepKind::Kernel : kind == "alias" ? StepKind::Alias : StepKind::Reference;
  s.nodes = j.at("nodes").get<std::vector<size_t>>();
  s.kernel = j.at("kernel");
  s.params = j.at("params").get<std::vector<std::string>>();
  s.reason = j.at("reason");
  return s;
}

} // namespace

Status writeSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan, const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::TargetMachine> tm, codegen::hostTargetMachine());
  llvm::LLVMContext context;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::Module> module, codegen::emitLlvmModule(plan.module, context, path));
  codegen::optimizeForHost(*module, *tm);
  nlohmann::json manifest;
  std::vector<uint8_t> weights;
  std::string text = detachConstants(graph, plan.constants, manifest, weights);
  manifest["steps"] = planJson(plan);
  manifest["cpu"] = tm->getTargetCPU().str();
  std::string manifestText = manifest.dump();
  addBytes(*module, kManifest, manifestText.c_str(), manifestText.size() + 1);
  addBytes(*module, kGraph, text.c_str(), text.size() + 1);
  addBytes(*module, kWeights, weights.data(), weights.size());
  uint64_t size = weights.size();
  addBytes(*module, kWeightsSize, &size, sizeof size);
  std::string object = strCat(path, ".", getpid(), ".o");
  TS_RETURN_IF_ERROR(emitObject(*module, *tm, object));
  std::string command = strCat("cc -shared -o '", path, "' '", object, "'");
  int rc = std::system(command.c_str());
  std::filesystem::remove(object);
  if (rc != 0) return absl::InternalError(strCat("linking failed: ", command));
  return absl::OkStatus();
}

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
  auto *manifestText = static_cast<const char *>(symbol(kManifest));
  auto *text = static_cast<const char *>(symbol(kGraph));
  auto *weights = static_cast<const uint8_t *>(symbol(kWeights));
  auto *parallelFor = static_cast<codegen::ParallelForFn *>(symbol(codegen::kParallelForGlobal));
  if (!manifestText || !text || !weights || !parallelFor)
    return invalidInput("'%s' is not a tessera model library (missing %s)", path, kManifest);
  *parallelFor = &codegen::parallelFor;
  nlohmann::json manifest = nlohmann::json::parse(manifestText);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, graph::parseGraph(text));
  for (const nlohmann::json &w : manifest["weights"]) {
    TS_ASSIGN_OR_RETURN(DType dtype, parseDType(w["dtype"].get<std::string>()));
    Tensor t(dtype, w["shape"].get<Shape>());
    std::memcpy(t.bytes(), weights + w["offset"].get<size_t>(), t.byteSize());
    graph.findValue(w["name"].get<std::string>())->constant = std::move(t);
  }
  graph.inputs = manifest["inputs"].get<std::vector<std::string>>();
  ExecutionPlan plan;
  for (const nlohmann::json &j : manifest["steps"]) {
    TS_ASSIGN_OR_RETURN(Step step, stepFromJson(j));
    plan.steps.push_back(std::move(step));
  }
  void *handle = model->handle_;
  TS_ASSIGN_OR_RETURN(model->executor_,
                      GraphExecutor::create(std::move(graph), std::move(plan),
                                            [handle, &path](const std::string &name) -> StatusOr<codegen::KernelFn> {
                                              void *fn = dlsym(handle, name.c_str());
                                              if (!fn) return invalidInput("'%s' lacks kernel %s", path, name);
                                              return reinterpret_cast<codegen::KernelFn>(fn);
                                            }));
  return model;
}

} // namespace tessera::exec
