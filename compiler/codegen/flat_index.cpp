//===- flat_index.cpp - Buffer accesses as flat element offsets ------------------------===//
#include "compiler/codegen/flat_index.h"

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"

namespace tessera::codegen {

using loop::BinOp;
using loop::Expr;
using loop::ExprKind;

Expr flatIndex(const std::vector<Expr> &indices, const Shape &shape) {
  Expr flat = indices.empty() ? loop::intImm(0) : indices[0];
  for (size_t d = 1; d < indices.size(); ++d) flat = flat * loop::intImm(shape[d]) + indices[d];
  return flat;
}

std::optional<int64_t> linearCoefficient(const Expr &e, const std::string &var) {
  if (!loop::usesVar(e, var)) return 0;
  if (e->kind == ExprKind::Var) return 1;
  if (e->kind == ExprKind::Cast) return linearCoefficient(e->operands[0], var);
  if (e->kind != ExprKind::Binary) return std::nullopt;
  auto a = linearCoefficient(e->operands[0], var), b = linearCoefficient(e->operands[1], var);
  if (!a || !b) return std::nullopt;
  if (e->op == BinOp::Add) return *a + *b;
  if (e->op == BinOp::Sub) return *a - *b;
  if (e->op == BinOp::Mul) {
    auto ca = loop::asConstInt(e->operands[0]), cb = loop::asConstInt(e->operands[1]);
    if (cb) return *a * *cb;
    if (ca) return *b * *ca;
  }
  return std::nullopt;
}

std::optional<int64_t> constantDistance(const std::vector<Expr> &a, const std::vector<Expr> &b, const Shape &shape) {
  int64_t distance = 0, step = 1;
  for (size_t d = a.size(); d-- > 0; step *= shape[d]) {
    if (loop::exprEqual(a[d], b[d])) continue;
    auto from = loop::toAffine(a[d]), to = loop::toAffine(b[d]);
    if (!from || !to) return std::nullopt;
    loop::Affine difference = *to - *from;
    if (!difference.isConstant()) return std::nullopt;
    distance += difference.constant * step;
  }
  return distance;
}

} // namespace tessera::codegen
