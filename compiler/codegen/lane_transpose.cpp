//===- lane_transpose.cpp - A register tile's vectors stored transposed ---------------===//
#include "compiler/codegen/lane_transpose.h"

#include <optional>

#include <llvm/IR/Constants.h>

#include "compiler/codegen/flat_index.h"
#include "compiler/loop/ir_util.h"

namespace tessera::codegen {
namespace {

using loop::Expr;
using loop::ExprKind;
using loop::Stmt;
using loop::StmtKind;

/// A vectorized loop of one f32 store whose lanes lie `stride` (> 1) elements apart.
struct LaneStridedStore {
  int64_t width = 0, stride = 0;
  std::vector<Expr> laneZero;  // the indices of lane 0
  const loop::Buffer *buffer = nullptr;
};

/// Whether `e` loads from buffer `name`.
bool loadsBuffer(const Expr &e, const std::string &name) {
  bool found = false;
  loop::visitExpr(e, [&](const Expr &x) { found |= x->kind == ExprKind::Load && x->name == name; });
  return found;
}

/// `s` as a lane-strided store of 4 to 64 lanes (a power of two), when it is one whose
/// value does not read the stored buffer.
std::optional<LaneStridedStore> laneStridedStore(const Stmt &s, const BufferLookup &buffers) {
  if (s->kind != StmtKind::For || s->forKind != loop::ForKind::Vectorized || s->body->kind != StmtKind::Store)
    return std::nullopt;
  auto width = loop::asConstInt(s->extent);
  if (!width || *width < 4 || *width > 64 || (*width & (*width - 1)) != 0) return std::nullopt;
  const Stmt &store = s->body;
  const loop::Buffer *buffer = buffers(store->name);
  if (!buffer || buffer->dtype != DType::F32 || buffer->scope == loop::MemScope::Local ||
      loadsBuffer(store->value, store->name))
    return std::nullopt;
  auto stride = linearCoefficient(flatIndex(store->indices, buffer->shape), s->var);
  if (!stride || *stride < 2) return std::nullopt;
  LaneStridedStore result{*width, *stride, {}, buffer};
  for (const Expr &index : store->indices) result.laneZero.push_back(loop::substitute(index, {{s->var, s->min}}));
  return result;
}

} // namespace

size_t transposableRun(const std::vector<Stmt> &stmts, size_t first, const BufferLookup &buffers) {
  auto head = laneStridedStore(stmts[first], buffers);
  if (!head) return 0;
  size_t count = 1;
  while (first + count < stmts.size() && static_cast<int64_t>(count) < head->width) {
    auto store = laneStridedStore(stmts[first + count], buffers);
    if (!store || store->buffer != head->buffer || store->width != head->width || store->stride != head->stride ||
        constantDistance(head->laneZero, store->laneZero, head->buffer->shape) != static_cast<int64_t>(count))
      break;
    ++count;
  }
  // A partial run ends in masked stores: native with 16-lane vectors (AVX-512); with 8
  // lanes (AVX2) one is VMASKMOVPS, several micro-ops on AMD cores (not measured here),
  // so those runs keep their lane stores.
  bool masked = static_cast<int64_t>(count) < head->width;
  return count >= 2 && (!masked || head->width >= 16) ? count : 0;
}

std::vector<llvm::Value *> transposeLanes(llvm::IRBuilder<> &b, std::vector<llvm::Value *> rows) {
  auto *type = llvm::cast<llvm::FixedVectorType>(rows.front()->getType());
  int width = static_cast<int>(type->getNumElements());
  rows.resize(static_cast<size_t>(width), llvm::PoisonValue::get(type));
  // Element (r, c) moves to (r ^ bit, c ^ bit) when the two indices differ in `bit`:
  // rows r and r + bit trade the halves of each 2 * bit lanes where they differ.
  for (int bit = width / 2; bit >= 1; bit /= 2) {
    std::vector<int> low, high;
    for (int c = 0; c < width; ++c) {
      low.push_back((c & bit) ? width + c - bit : c);
      high.push_back((c & bit) ? width + c : c + bit);
    }
    for (int r = 0; r < width; ++r) {
      if (r & bit) continue;
      llvm::Value *upper = rows[static_cast<size_t>(r)], *lower = rows[static_cast<size_t>(r + bit)];
      rows[static_cast<size_t>(r)] = b.CreateShuffleVector(upper, lower, low);
      rows[static_cast<size_t>(r + bit)] = b.CreateShuffleVector(upper, lower, high);
    }
  }
  return rows;
}

} // namespace tessera::codegen
