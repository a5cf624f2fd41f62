//===- cpu_jit.cpp - ORC LLJIT for compiled kernels -------------------------------------===//
#include "compiler/codegen/cpu_jit.h"

#include <mutex>

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>

#include "compiler/codegen/llvm_codegen.h"
#include "compiler/codegen/x86_min_max.h"
#include "compiler/codegen/thread_pool.h"

namespace tessera::codegen {
namespace {

void initializeTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

Status fromLlvm(llvm::Error error, const std::string &what) {
  std::string message = llvm::toString(std::move(error));
  return absl::InternalError(strCat(what, ": ", message));
}

/// The CPU generated code targets when not the host's own (setTargetCpu); empty: the host.
std::string &targetCpuOverride() {
  static std::string name;
  return name;
}

/// The subtarget of an LLVM CPU name on the host's triple (null if LLVM has no target).
std::unique_ptr<llvm::MCSubtargetInfo> subtargetOf(const std::string &cpu) {
  initializeTargets();
  std::string triple = llvm::sys::getProcessTriple(), error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  return std::unique_ptr<llvm::MCSubtargetInfo>(target->createMCSubtargetInfo(triple, cpu, ""));
}

bool hostHasFeature(const std::string &feature) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto it = features.find(feature);
  return it != features.end() && it->second;
}

/// The vector features whose absence on the host makes code for another CPU fault.
constexpr const char *kVectorFeatures[] = {"sse4.2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"};

} // namespace

Status checkHostRuns(const std::string &cpu) {
  std::unique_ptr<llvm::MCSubtargetInfo> generic = subtargetOf("");
  if (!generic || !generic->isCPUStringValid(cpu))
    return absl::InvalidArgumentError(strCat("CPU '", cpu, "' is not one LLVM knows for ", llvm::sys::getProcessTriple(),
                                             " (e.g. x86-64-v3 for AVX2, x86-64-v4 for AVX-512, or a name such as znver4)"));
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget = subtargetOf(cpu);
  for (const char *feature : kVectorFeatures)
    if (subtarget->checkFeatures(strCat("+", feature)) && !hostHasFeature(feature))
      return absl::InvalidArgumentError(strCat("code for CPU '", cpu, "' uses ", feature, ", which this host (",
                                               llvm::sys::getHostCPUName().str(), ") lacks"));
  return absl::OkStatus();
}

Status setTargetCpu(const std::string &cpu) {
  if (!cpu.empty()) TS_RETURN_IF_ERROR(annotate(checkHostRuns(cpu), "--cpu"));
  targetCpuOverride() = cpu;
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine() {
  initializeTargets();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return fromLlvm(builder.takeError(), "detecting the host CPU");
  if (!targetCpuOverride().empty()) {
    builder->setCPU(targetCpuOverride());
    builder->getFeatures() = llvm::SubtargetFeatures();
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  builder->setRelocationModel(llvm::Reloc::PIC_);
  auto tm = builder->createTargetMachine();
  if (!tm) return fromLlvm(tm.takeError(), "creating the target machine");
  return std::move(*tm);
}

int hostVectorRegisters() {
  if (!targetCpuOverride().empty()) {
    std::unique_ptr<llvm::MCSubtargetInfo> subtarget = subtargetOf(targetCpuOverride());
    return subtarget && subtarget->checkFeatures("+avx512f") ? 32 : 16;
  }
  static const int registers = hostHasFeature("avx512f") ? 32 : 16;
  return registers;
}

std::string hostCpuDescription() {
  std::string cpu = targetCpuOverride().empty() ? llvm::sys::getHostCPUName().str() : targetCpuOverride();
  return strCat(cpu, ", ", hostVectorRegisters(), " vector registers");
}

void optimizeForHost(llvm::Module &module, llvm::TargetMachine &tm) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());
  for (llvm::Function &f : module) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", tm.getTargetCPU());
    f.addFnAttr("target-features", tm.getTargetFeatureString());
  }
  useX86MinMax(module, tm);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(module, mam);
}

StatusOr<std::unique_ptr<CpuJit>> CpuJit::compile(const loop::Module &module) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::TargetMachine> tm, hostTargetMachine());
  auto context = std::make_unique<llvm::LLVMContext>();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::Module> llvmModule, emitLlvmModule(module, *context, "tessera"));
  optimizeForHost(*llvmModule, *tm);
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return fromLlvm(builder.takeError(), "detecting the host CPU");
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!jit) return fromLlvm(jit.takeError(), "creating the JIT");
  auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!generator) return fromLlvm(generator.takeError(), "exposing process symbols to the JIT");
  (*jit)->getMainJITDylib().addGenerator(std::move(*generator));
  if (llvm::Error error = (*jit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(llvmModule), std::move(context))))
    return fromLlvm(std::move(error), "adding the module to the JIT");
  auto result = std::unique_ptr<CpuJit>(new CpuJit());
  result->jit_ = std::move(*jit);
  auto global = result->jit_->lookup(kParallelForGlobal);
  if (!global) return fromLlvm(global.takeError(), "linking the parallel runtime");
  *global->toPtr<ParallelForFn *>() = &parallelFor;
  return result;
}

StatusOr<KernelFn> CpuJit::lookup(const std::string &name) {
  auto symbol = jit_->lookup(name);
  if (!symbol) return fromLlvm(symbol.takeError(), strCat("looking up kernel '", name, "'"));
  return symbol->toPtr<KernelFn>();
}

} // namespace tessera::codegen
