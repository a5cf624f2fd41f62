//===- vector_math.cpp - f32 transcendental functions as inline LLVM IR ----------------===//
#include "compiler/codegen/vector_math.h"

#include <cmath>
#include <initializer_list>

#include <llvm/IR/Intrinsics.h>

namespace tessera::codegen {
namespace {

using Builder = llvm::IRBuilder<>;

/// The f32 constant `v`, splatted to the shape of `like` (scalar or vector).
llvm::Value *f32(llvm::Value *like, double v) { return llvm::ConstantFP::get(like->getType(), v); }

/// The i32 constant `v` in the shape of the integer value `like`.
llvm::Value *i32(llvm::Value *like, int64_t v) { return llvm::ConstantInt::get(like->getType(), v, true); }

/// The integer type with the shape of the f32 value `x`.
llvm::Type *intShape(Builder &b, llvm::Value *x) {
  if (auto *vector = llvm::dyn_cast<llvm::FixedVectorType>(x->getType()))
    return llvm::FixedVectorType::get(b.getInt32Ty(), vector->getNumElements());
  return b.getInt32Ty();
}

llvm::Value *fabs(Builder &b, llvm::Value *x) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x); }

/// a * c + d, one fma where the target has it.
llvm::Value *fma(Builder &b, llvm::Value *a, llvm::Value *c, llvm::Value *d) {
  return b.CreateIntrinsic(llvm::Intrinsic::fmuladd, {a->getType()}, {a, c, d});
}

/// `negative ? -v : v`.
llvm::Value *withSign(Builder &b, llvm::Value *negative, llvm::Value *v) {
  return b.CreateSelect(negative, b.CreateFNeg(v), v);
}

/// Horner evaluation of `coefficients` (highest power first) at x, with fma.
llvm::Value *polynomial(Builder &b, llvm::Value *x, std::initializer_list<double> coefficients) {
  llvm::Value *acc = nullptr;
  for (double c : coefficients) acc = acc ? fma(b, acc, x, f32(x, c)) : f32(x, c);
  return acc;
}

/// `x < bound ? bound : x` (and the mirror for `above`): a clamp that keeps NaN.
llvm::Value *clampBelow(Builder &b, llvm::Value *x, double bound) {
  return b.CreateSelect(b.CreateFCmpOLT(x, f32(x, bound)), f32(x, bound), x);
}
llvm::Value *clampAbove(Builder &b, llvm::Value *x, double bound) {
  return b.CreateSelect(b.CreateFCmpOGT(x, f32(x, bound)), f32(x, bound), x);
}

/// 2^k as f32 for integer k in [-126, 127]: k + 127 in the exponent field.
llvm::Value *powerOfTwo(Builder &b, llvm::Value *k, llvm::Type *floatShape) {
  return b.CreateBitCast(b.CreateShl(b.CreateAdd(k, i32(k, 127)), i32(k, 23)), floatShape);
}

} // namespace

llvm::Value *expF32(Builder &b, llvm::Value *x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 0.693359375, kLn2Lo = -2.12194440e-4;
  // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
  constexpr double kRoundingShift = 12582912.0;
  constexpr int64_t kRoundingShiftBits = 0x4B400000;
  // Beyond these e^x is +inf or +0 in f32; the clamp keeps n within [-150, 128].
  llvm::Value *clamped = clampAbove(b, clampBelow(b, x, -104.0), 89.0);
  llvm::Value *shifted = fma(b, clamped, f32(x, kLog2e), f32(x, kRoundingShift));
  llvm::Value *n = b.CreateFSub(shifted, f32(x, kRoundingShift));
  llvm::Value *r = fma(b, n, f32(x, -kLn2Hi), clamped);
  r = fma(b, n, f32(x, -kLn2Lo), r);
  llvm::Value *p = polynomial(b, r, {1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                                     1.6666665459e-1, 5.0000001201e-1});
  llvm::Value *er = fma(b, b.CreateFMul(p, r), r, b.CreateFAdd(r, f32(x, 1.0)));
  // n = half + rest, each within the normal exponent range.
  llvm::Type *ints = intShape(b, x);
  llvm::Value *k = b.CreateSub(b.CreateBitCast(shifted, ints), llvm::ConstantInt::get(ints, kRoundingShiftBits));
  llvm::Value *half = b.CreateAShr(k, i32(k, 1));
  llvm::Value *rest = b.CreateSub(k, half);
  return b.CreateFMul(b.CreateFMul(er, powerOfTwo(b, half, x->getType())), powerOfTwo(b, rest, x->getType()));
}

llvm::Value *sigmoidF32(Builder &b, llvm::Value *x) {
  constexpr double kLog2e = 1.4426950408889634, kLn2 = 0.6931471805599453;
  constexpr double kRoundingShift = 12582912.0;  // 1.5 * 2^23, as in expF32
  constexpr int64_t kRoundingShiftBits = 0x4B400000;
  // e^-x for x in [-88, 87]: e^-x = 2^n e^r with n in [-126, 127], |r| <= ln2 / 2.
  llvm::Value *clamped = clampAbove(b, clampBelow(b, x, -88.0), 87.0);
  llvm::Value *shifted = fma(b, clamped, f32(x, -kLog2e), f32(x, kRoundingShift));
  llvm::Value *n = b.CreateFSub(shifted, f32(x, kRoundingShift));
  llvm::Value *r = fma(b, n, f32(x, -kLn2), b.CreateFNeg(clamped));
  // e^r = 1 + r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3), fitted for relative error over
  // |r| <= ln2 / 2 (1.8e-7 evaluated in f32).
  llvm::Value *p = polynomial(b, r, {8.312551741148456e-3, 4.1890146934139436e-2, 1.666711427399632e-1,
                                     4.999923146843063e-1, 1.0, 1.0});
  llvm::Type *ints = intShape(b, x);
  llvm::Value *k = b.CreateSub(b.CreateBitCast(shifted, ints), llvm::ConstantInt::get(ints, kRoundingShiftBits));
  llvm::Value *e = b.CreateFMul(p, powerOfTwo(b, k, x->getType()));
  return b.CreateFDiv(f32(x, 1.0), b.CreateFAdd(f32(x, 1.0), e));
}

llvm::Value *tanhF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *e = expF32(b, b.CreateFMul(a, f32(x, 2.0)));
  llvm::Value *large = b.CreateFSub(f32(x, 1), b.CreateFDiv(f32(x, 2), b.CreateFAdd(e, f32(x, 1))));
  llvm::Value *x2 = b.CreateFMul(x, x);
  llvm::Value *small = b.CreateFMul(x, polynomial(b, x2, {-17.0 / 315, 2.0 / 15, -1.0 / 3, 1.0}));
  return b.CreateSelect(b.CreateFCmpOLT(a, f32(x, 0.125)), small,
                        withSign(b, b.CreateFCmpOLT(x, f32(x, 0)), large));
}

llvm::Value *erfF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *t = b.CreateFDiv(f32(x, 1), fma(b, a, f32(x, 0.3275911), f32(x, 1)));
  llvm::Value *p = b.CreateFMul(t, polynomial(b, t, {1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592}));
  llvm::Value *large = b.CreateFSub(f32(x, 1), b.CreateFMul(p, expF32(b, b.CreateFNeg(b.CreateFMul(a, a)))));
  // 2 / sqrt(pi) * (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320).
  constexpr double kTwoOverSqrtPi = 1.1283791670955126;
  llvm::Value *x2 = b.CreateFMul(x, x);
  llvm::Value *series = polynomial(b, x2, {-kTwoOverSqrtPi / 1320, kTwoOverSqrtPi / 216, -kTwoOverSqrtPi / 42,
                                           kTwoOverSqrtPi / 10, -kTwoOverSqrtPi / 3, kTwoOverSqrtPi});
  llvm::Value *small = b.CreateFMul(x, series);
  return b.CreateSelect(b.CreateFCmpOLT(a, f32(x, 0.5)), small, withSign(b, b.CreateFCmpOLT(x, f32(x, 0)), large));
}

llvm::Value *atanF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *big = b.CreateFCmpOGT(a, f32(x, 2.414213562373095));
  llvm::Value *mid = b.CreateFCmpOGT(a, f32(x, 0.4142135623730950));
  llvm::Value *reduced =
      b.CreateSelect(big, b.CreateFDiv(f32(x, -1), a),
                     b.CreateSelect(mid, b.CreateFDiv(b.CreateFSub(a, f32(x, 1)), b.CreateFAdd(a, f32(x, 1))), a));
  llvm::Value *base = b.CreateSelect(big, f32(x, M_PI / 2), b.CreateSelect(mid, f32(x, M_PI / 4), f32(x, 0)));
  llvm::Value *z = b.CreateFMul(reduced, reduced);
  llvm::Value *p = polynomial(b, z, {8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1});
  llvm::Value *y = b.CreateFAdd(base, fma(b, b.CreateFMul(p, z), reduced, reduced));
  return withSign(b, b.CreateFCmpOLT(x, f32(x, 0)), y);
}

} // namespace tessera::codegen
