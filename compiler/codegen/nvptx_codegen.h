//===- nvptx_codegen.h - Loop IR to PTX through LLVM's NVPTX target -------------------===//
//
// Each func becomes a kernel of an nvptx64-nvidia-cuda module: external, in the
// `ptx_kernel` calling convention and listed in `nvvm.annotations` (kernel, and
// maxntid{x,y,z} = the block size, so ptxas can budget registers), one `noalias ptr
// addrspace(1)` (global memory) per buffer parameter. GPU loops are bound first
// (gpu_bind.h): their variables read `llvm.nvvm.read.ptx.sreg.ctaid.*` / `tid.*` in
// the entry block. The statements are emitted by the shared CPU emitter
// (llvm_codegen.h, emitFuncBody) with an override for the operations the NVPTX
// target cannot select: exp, log, sin, cos from the PTX approximate instructions
// (ex2/lg2/sin/cos.approx), tanh and erf as expressions of ex2, atan as Cephes'
// polynomial, pow as ex2(b * lg2|a|) with the sign rules of C's pow. The new pass manager's O3 pipeline
// runs for the target machine (which adds NVPTX's own passes: address-space
// inference, argument lowering), then the target machine prints PTX.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/codegen/gpu_bind.h"
#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::codegen {

inline constexpr const char *kNvptxTriple = "nvptx64-nvidia-cuda";

struct PtxKernel {
  std::string name;
  LaunchDims dims;
};

struct PtxModule {
  std::string arch;
  std::string ptx;
  /// The module's kernels in the order of the loop IR funcs.
  std::vector<PtxKernel> kernels;

  const PtxKernel *findKernel(const std::string &name) const;
};

/// Emits every func of `module` as a kernel of a new NVPTX LLVM module (not yet
/// optimized; no target machine needed); appends each kernel's launch to `kernels`.
StatusOr<std::unique_ptr<llvm::Module>> emitNvptxModule(const loop::Module &module, llvm::LLVMContext &context,
                                                        const std::string &name, std::vector<PtxKernel> &kernels);

/// Emits, optimizes (O3) and compiles `module` to PTX for `arch` (sm_80, sm_90, ...:
/// any GPU the NVPTX target knows).
StatusOr<PtxModule> compileToPtx(const loop::Module &module, const std::string &arch);

} // namespace tessera::codegen
