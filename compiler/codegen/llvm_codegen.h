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
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/loop/ir.h"
#include "runtime/support/status.h"

namespace tessera::codegen {

/// The name of the module global holding the parallel-for entry point.
inline constexpr const char *kParallelForGlobal = "tessera.parallel_for";

/// Signature of the runtime's parallel for: runs body(closure, begin, end) over
/// chunks covering [0, count).
using ParallelBody = void (*)(void *closure, int64_t begin, int64_t end);
using ParallelForFn = void (*)(ParallelBody body, void *closure, int64_t count);

/// Emits every func of `module` into a new LLVM module.
StatusOr<std::unique_ptr<llvm::Module>> emitLlvmModule(const loop::Module &module, llvm::LLVMContext &context,
                                                       const std::string &name);

} // namespace tessera::codegen
