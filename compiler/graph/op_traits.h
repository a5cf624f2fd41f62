//===- op_traits.h - What passes and lowerings may assume of an op ------------------===//
//
// Each op's traits are declared once, in ops.def's fourth column (which says what each
// trait means); these queries read them. Passes and lowerings ask here instead of
// keeping their own lists of op names.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::graph {

/// Trait bits, joined with `|` in ops.def.
namespace op_trait {
inline constexpr uint32_t None = 0;
inline constexpr uint32_t Unary = 1u << 0;
inline constexpr uint32_t Broadcast = 1u << 1;
inline constexpr uint32_t FloatMath = 1u << 2;
inline constexpr uint32_t Reduce = 1u << 3;
inline constexpr uint32_t ReshapeLike = 1u << 4;
} // namespace op_trait

/// The op's trait bits (None for an op ops.def does not list).
uint32_t opTraits(std::string_view op);

inline bool hasOpTrait(std::string_view op, uint32_t trait) { return (opTraits(op) & trait) == trait; }

/// Elementwise: Unary or Broadcast.
inline bool isElementwiseOp(std::string_view op) {
  return (opTraits(op) & (op_trait::Unary | op_trait::Broadcast)) != 0;
}
/// One-input plain float math (FloatMath and Unary).
inline bool isFloatMathUnary(std::string_view op) { return hasOpTrait(op, op_trait::FloatMath | op_trait::Unary); }
/// Broadcast plain float math (FloatMath and Broadcast).
inline bool isFloatMathBinary(std::string_view op) {
  return hasOpTrait(op, op_trait::FloatMath | op_trait::Broadcast);
}

} // namespace tessera::graph
