//===- aot.cpp - Writes ahead-of-time compiled model libraries ------------------------===//
#include "compiler/exec/aot.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <nlohmann/json.hpp>

#include "compiler/codegen/llvm_codegen.h"
#include "compiler/graph/printer.h"
#include "support/file_io.h"

namespace tessera::exec {
namespace {

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

} // namespace

Status writeSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan, const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::TargetMachine> tm, codegen::hostTargetMachine());
  llvm::LLVMContext context;
  // The module is named by the file's name alone, so the library's bytes do not depend
  // on the folder it is written to.
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::Module> module,
                      codegen::emitLlvmModule(plan.module, context, std::filesystem::path(path).filename().string()));
  codegen::optimizeForHost(*module, *tm);
  nlohmann::json manifest;
  std::vector<uint8_t> weights;
  std::string text = detachConstants(graph, plan.constants, manifest, weights);
  manifest["steps"] = stepsToJson(plan);
  manifest["cpu"] = tm->getTargetCPU().str();
  std::string manifestText = manifest.dump();
  addBytes(*module, kManifestSymbol, manifestText.c_str(), manifestText.size() + 1);
  addBytes(*module, kGraphSymbol, text.c_str(), text.size() + 1);
  addBytes(*module, kWeightsSymbol, weights.data(), weights.size());
  uint64_t size = weights.size();
  addBytes(*module, kWeightsSizeSymbol, &size, sizeof size);
  std::string object = strCat(path, ".", getpid(), ".o");
  TS_RETURN_IF_ERROR(emitObject(*module, *tm, object));
  std::string command = strCat("cc -shared -o '", path, "' '", object, "'");
  int rc = std::system(command.c_str());
  std::filesystem::remove(object);
  if (rc != 0) return absl::InternalError(strCat("linking failed: ", command));
  return absl::OkStatus();
}

StatusOr<std::vector<uint8_t>> buildSharedLibrary(const graph::Graph &graph, const ExecutionPlan &plan) {
  std::error_code error;
  std::filesystem::path temp = std::filesystem::temp_directory_path(error);
  if (error) return absl::InternalError(strCat("no temporary folder for the host library: ", error.message()));
  std::string pattern = (temp / "tessera-host-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return absl::InternalError(strCat("cannot create a folder in ", temp.string()));
  std::string path = (std::filesystem::path(pattern) / "host.so").string();
  Status written = writeSharedLibrary(graph, plan, path);
  StatusOr<std::vector<uint8_t>> bytes = written.ok() ? readBinaryFile(path) : StatusOr<std::vector<uint8_t>>(written);
  std::filesystem::remove_all(pattern, error);
  return bytes;
}

nlohmann::json stepsToJson(const ExecutionPlan &plan) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step &s : plan.steps)
    steps.push_back({{"kind", kindName(s.kind)}, {"nodes", s.nodes}, {"kernel", s.kernel}, {"params", s.params},
                     {"reason", s.reason}});
  return steps;
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

} // namespace tessera::exec
