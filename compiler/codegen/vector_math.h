//===- vector_math.h - f32 transcendental functions as inline LLVM IR ------------------===//
//
// exp, sigmoid, tanh, erf and atan on f32 scalars or vectors, emitted as straight-line IR
// (range reduction, a polynomial, exponent bits) so a vector loop stays vector code:
// LLVM scalarizes llvm.exp and libm calls on vectors into one call per lane.
// Each function propagates NaN; exp overflows to +inf above ~88.72 and underflows
// through the denormals to +0 below ~-103.97. Relative error stays near 1e-7 for
// normal results (see vector_math_test.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/IR/IRBuilder.h>

namespace tessera::codegen {

/// e^x: Cody-Waite reduction x = n ln2 + r (|r| <= ln2 / 2), Cephes' degree-6
/// polynomial for e^r, then two exact power-of-two scalings (so results in the
/// denormal range round once more, and n = 128 does not overflow the exponent field).
llvm::Value *expF32(llvm::IRBuilder<> &b, llvm::Value *x);

/// The logistic function 1 / (1 + e^-x), cheaper than through expF32: x is clamped to
/// [-88, 87], so e^-x needs one power-of-two scaling, r comes from one fma with ln 2
/// and e^r from a degree-5 polynomial (relative error below 1e-6 for results of at
/// least FLT_MIN; results below it, for x under about -87.3, are within FLT_MIN).
/// NaN propagates.
llvm::Value *sigmoidF32(llvm::IRBuilder<> &b, llvm::Value *x);

/// tanh: the odd Taylor series below |x| = 1/8, else 1 - 2 / (e^{2|x|} + 1) with
/// the sign of x.
llvm::Value *tanhF32(llvm::IRBuilder<> &b, llvm::Value *x);

/// erf: the odd Taylor series below |x| = 1/2, else Abramowitz and Stegun 7.1.26
/// (absolute error below 1.5e-7), with the sign of x.
llvm::Value *erfF32(llvm::IRBuilder<> &b, llvm::Value *x);

/// atan: Cephes' atanf (reduction by tan(pi/8) and tan(3pi/8), an odd polynomial)
/// with the sign of x.
llvm::Value *atanF32(llvm::IRBuilder<> &b, llvm::Value *x);

} // namespace tessera::codegen
