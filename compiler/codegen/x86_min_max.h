//===- x86_min_max.h - NaN-propagating vector min/max as x86's MAXPS/MINPS ------------===//
//
// Generated code computes ONNX's Max, Min, Clip and MaxPool with NaN kept (as NumPy's
// maximum/minimum): `select(a < c || isnan(c), c, a)`, which x86 runs as a compare, an
// unordered compare, a mask or and a blend per operation. x86's MAXPS(c, a) is
// `c > a ? c : a` -- `a` when either is NaN -- so `isnan(c) ? c : MAXPS(c, a)` is the
// same function in three instructions, and the NaN test of `c` is shared by every
// operation that takes the same `c` (a pooling window's input loads feed several
// outputs). The rewrite runs on x86 targets before the O3 pipeline, on vectors only
// (InstCombine would fold the select form back; the MAXPS intrinsic it leaves alone).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace tessera::codegen {

/// Rewrites every NaN-propagating min/max select of `module` on 128-, 256- or 512-bit
/// vectors of f32/f64 (512 bits with AVX-512F, 256 with AVX) into
/// `select(isnan(c), c, llvm.x86.*.{max,min}.*(c, a))` when `tm` targets x86; returns how
/// many it rewrote.
int useX86MinMax(llvm::Module &module, const llvm::TargetMachine &tm);

} // namespace tessera::codegen
