//===- compute.cpp - Stage helpers ----------------------------------------------------===//
#include "compiler/loop/compute.h"

#include <cassert>
#include <limits>

namespace tessera::loop {

Expr Stage::accumulated() const {
  std::vector<Expr> indices;
  for (const std::string &axis : axes) indices.push_back(var(axis));
  return load(output.name, output.dtype, indices);
}

const Buffer *ComputeFunc::findBuffer(const std::string &buffer) const {
  for (const Buffer &b : params)
    if (b.name == buffer) return &b;
  for (const Buffer &b : temps)
    if (b.name == buffer) return &b;
  return nullptr;
}

Stage *ComputeFunc::findStage(const std::string &output) {
  for (Stage &s : stages)
    if (s.output.name == output) return &s;
  return nullptr;
}

Expr combine(Combiner combiner, Expr acc, Expr term) {
  // Max/min reductions propagate NaN (a NaN anywhere in a MaxPool window gives NaN, as
  // ONNX and NumPy define it): BinOp::Max/Min propagate NaN in code generation.
  switch (combiner) {
  case Combiner::Sum: return acc + term;
  case Combiner::Max: return maxExpr(acc, term);
  case Combiner::Min: return minExpr(acc, term);
  case Combiner::Prod: return acc * term;
  case Combiner::None: break;
  }
  assert(false && "combine() needs a reduction");
  return term;
}

Expr combinerIdentity(Combiner combiner, DType type) {
  double inf = std::numeric_limits<double>::infinity();
  switch (combiner) {
  case Combiner::Max: return floatImm(-inf, type);
  case Combiner::Min: return floatImm(inf, type);
  case Combiner::Prod: return floatImm(1.0, type);
  default: return floatImm(0.0, type);
  }
}

} // namespace tessera::loop
