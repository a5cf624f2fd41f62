//===- llvm_codegen.h - Loop IR to LLVM IR -------------------------------------------===//
//
// Emits each loop IR func as an LLVM function with IRBuilder. The calling convention
// every back end user sees is one entry per func, `void <name>(void **args)`, with
// one pointer per buffer parameter in order; it calls an internal body whose buffer
// arguments are `noalias`. Loops map as follows: serial loops are counted loops;
// vectorized loops carry llvm.loop vectorize metadata with their width (run the
// `unroll-loops` loop pass first for unrolled ones); parallel loops are outlined into
// `void body(ptr closure, i64 begin, i64 end)` and handed to the runtime's parallel
// for, reached through the module global `tessera.parallel_for` that the loader
// sets; virtual-thread loops run serially. Local buffers live on the stack, global
// temporaries on the heap.
//
// emitFuncBody is the shared piece other targets (NVPTX, nvptx_codegen.h) build on:
// it emits a func's statements into a function the target created, with variables
// the target bound beforehand and an override for the operations it lowers itself.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::codegen {

/// The name of the module global holding the parallel-for entry point.
inline constexpr const char *kParallelForGlobal = "tessera.parallel_for";

/// Signature of the runtime's parallel for: runs body(closure, begin, end) over
/// chunks covering [0, count).
using ParallelBody = void (*)(void *closure, int64_t begin, int64_t end);
using ParallelForFn = void (*)(ParallelBody body, void *closure, int64_t count);

/// What a target other than the host CPU changes in the emission of a func body.
struct BodyOptions {
  /// Variables bound before the body runs (GPU block and thread indices), as i64.
  std::map<std::string, llvm::Value *> vars;
  /// Emits a Math or Binary node from its operand values; nullptr selects the
  /// default lowering (LLVM intrinsics, libm calls).
  std::function<StatusOr<llvm::Value *>(llvm::IRBuilder<> &, const loop::ExprNode &,
                                        const std::vector<llvm::Value *> &)>
      op;
};

/// Emits the statements of `func` at the end of `block` (in `fn`, whose arguments
/// are the base pointers of func's buffer parameters, in order) and returns void.
Status emitFuncBody(const loop::Func &func, llvm::Function &fn, llvm::BasicBlock &block, const BodyOptions &options);

/// Emits every func of `module` into a new LLVM module.
StatusOr<std::unique_ptr<llvm::Module>> emitLlvmModule(const loop::Module &module, llvm::LLVMContext &context,
                                                       const std::string &name);

} // namespace tessera::codegen
