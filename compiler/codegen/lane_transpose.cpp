//===- lane_transpose.cpp - A register tile's vectors transposed by shuffles ----------===//
#include "compiler/codegen/lane_transpose.h"

#include <llvm/IR/Constants.h>

namespace tessera::codegen {

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
