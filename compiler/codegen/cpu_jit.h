//===- cpu_jit.h - Compiles loop IR for the host CPU with ORC LLJIT ------------------===//
//
// The `cpu` backend's compiler: loop IR -> LLVM IR (llvm_codegen.h) -> the new pass
// manager's O3 pipeline for the host CPU (its name and features detected at run
// time: AVX2/FMA here, AVX-512 where present) -> machine code in this process.
// optimizeForHost is shared with ahead-of-time emission.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::codegen {

/// A packed kernel entry: `void f(void **args)`.
using KernelFn = void (*)(void **args);

/// The host's target machine (CPU name and features detected now).
StatusOr<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine();

/// Vector registers the host's code can use: 32 with AVX-512 (zmm0-31, and ymm16-31
/// for 8-lane code), else 16.
int hostVectorRegisters();
/// "znver4, 32 vector registers": what generated code is tuned for on this host (the CPU
/// name LLVM detects and the register file the schedules assume).
std::string hostCpuDescription();
/// Runs O3 for `tm` over `module` (after setting its triple and data layout).
void optimizeForHost(llvm::Module &module, llvm::TargetMachine &tm);

class CpuJit {
public:
  /// Compiles every func of `module` (run the `unroll-loops` pass on it first).
  static StatusOr<std::unique_ptr<CpuJit>> compile(const loop::Module &module);
  /// The entry of func `name`, or an error naming it.
  StatusOr<KernelFn> lookup(const std::string &name);

private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

} // namespace tessera::codegen
