//===- cpu_jit.cpp - ORC LLJIT for compiled kernels -------------------------------------===//
#include "compiler/codegen/cpu_jit.h"

#include <mutex>

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>

#include "compiler/codegen/llvm_codegen.h"
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

} // namespace

StatusOr<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine() {
  initializeTargets();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return fromLlvm(builder.takeError(), "detecting the host CPU");
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  builder->setRelocationModel(llvm::Reloc::PIC_);
  auto tm = builder->createTargetMachine();
  if (!tm) return fromLlvm(tm.takeError(), "creating the target machine");
  return std::move(*tm);
}

int hostVectorRegisters() {
  static const int registers = [] {
    auto features = llvm::sys::getHostCPUFeatures();
    auto it = features.find("avx512f");
    return it != features.end() && it->second ? 32 : 16;
  }();
  return registers;
}

std::string hostCpuDescription() {
  return strCat(llvm::sys::getHostCPUName().str(), ", ", hostVectorRegisters(), " vector registers");
}

void optimizeForHost(llvm::Module &module, llvm::TargetMachine &tm) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());
  for (llvm::Function &f : module) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("target-cpu", tm.getTargetCPU());
    f.addFnAttr("target-features", tm.getTargetFeatureString());
  }
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
