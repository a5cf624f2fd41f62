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

/// Targets generated CPU code at `cpu`, an LLVM CPU name ("x86-64-v3": AVX2,
/// "x86-64-v4": AVX-512, or a name such as "znver4"), instead of the host's own CPU and
/// features: hostTargetMachine(), hostVectorRegisters() and hostCpuDescription() follow
/// it from then on. The host must run the code: a CPU with a vector feature the host
/// lacks is an error, as is a name LLVM does not know. Empty: the host again.
Status setTargetCpu(const std::string &cpu);
/// OK when this host can run code generated for the LLVM CPU `cpu`: LLVM knows the name
/// and the host has every vector feature (SSE4.2 ... AVX-512) the CPU has.
Status checkHostRuns(const std::string &cpu);

/// The target machine of generated CPU code: the host's CPU name and features, or the
/// CPU setTargetCpu chose.
StatusOr<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine();

/// Vector registers the host's code can use: 32 with AVX-512 (zmm0-31, and ymm16-31
/// for 8-lane code), else 16.
int hostVectorRegisters();
/// "znver4, 32 vector registers": what generated code is tuned for on this host (the CPU
/// name LLVM detects and the register file the schedules assume).
std::string hostCpuDescription();
/// Runs O3 for `tm` over `module` (after setting its triple and data layout, and
/// rewriting NaN-propagating vector min/max for x86: x86_min_max.h).
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
