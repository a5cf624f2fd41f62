//===- ptq_lut.cpp - Post-training quantization of unary activations as tables ---===//
//
// An fp32 unary activation whose input has an int8 twin becomes QLut: its 256-entry
// table (compiler/quant/arith/lut_table.h) maps the int8 input at its scale to the int8
// output at the output's calibrated scale, so the int8 graph computes the activation
// with one table lookup per element, as the ALU's `lut` operation does. Handled:
// Sigmoid, Tanh, HardSigmoid (alpha, beta), HardSwish, and SiLU written as
// Mul(x, Sigmoid(x)) (either operand order), which becomes one table and absorbs the Mul.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cmath>

#include "compiler/quant/arith/lut_table.h"
#include "compiler/quant/ptq_rewriter.h"

namespace tessera::quant::detail {
namespace {

using graph::Node;
using UnaryFunction = std::function<float(float)>;

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

/// The real function of a unary activation node, or null when it is not one.
UnaryFunction unaryFunction(const Node &node) {
  if (node.op == "Sigmoid") return sigmoid;
  if (node.op == "Tanh") return [](float x) { return std::tanh(x); };
  if (node.op == "HardSwish") return [](float x) { return x * std::clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); };
  if (node.op != "HardSigmoid") return nullptr;
  float alpha = node.attrs.getFloat("alpha", 0.2f), beta = node.attrs.getFloat("beta", 0.5f);
  return [alpha, beta](float x) { return std::clamp(alpha * x + beta, 0.0f, 1.0f); };
}

/// The Mul that makes Sigmoid node `index` a SiLU: Mul(x, Sigmoid(x)), the Sigmoid's
/// only consumer.
std::optional<size_t> siluMul(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "Sigmoid") return std::nullopt;
  std::optional<size_t> next = r.onlyConsumer(node.outputs[0]);
  if (!next) return std::nullopt;
  const Node &mul = r.graph().nodes[*next];
  if (mul.op != "Mul" || mul.inputs.size() != 2 || mul.outputs.size() != 1) return std::nullopt;
  const std::string &x = node.input(0), &s = node.outputs[0];
  bool matches = (mul.input(0) == x && mul.input(1) == s) || (mul.input(0) == s && mul.input(1) == x);
  return matches ? next : std::nullopt;
}

} // namespace

StatusOr<bool> quantizeLut(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  UnaryFunction f = unaryFunction(node);
  if (!f || node.inputs.size() != 1 || node.outputs.size() != 1 || !r.hasInt8(node.input(0))) return false;
  std::optional<size_t> mul = siluMul(r, index);
  std::optional<FusedActivation> fused;
  if (mul) {
    f = [](float x) { return x * sigmoid(x); };
    fused = FusedActivation{*mul};
  }
  std::string result = mul ? r.graph().nodes[*mul].outputs[0] : node.outputs[0];
  if (!r.hasScale(result)) return false;
  TS_ASSIGN_OR_RETURN(float sx, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  StatusOr<isa::LutTable> table = buildLutTable(f, {sx, 0}, {sy, 0});
  if (!table.ok()) return annotate(table.status(), node.describe());
  TS_ASSIGN_OR_RETURN(std::string x, r.int8(node.input(0)));
  Node qnode{"QLut", node.name, {x}, {}, {}};
  qnode.attrs.set("table", graph::Ints(table->begin(), table->end()));
  r.emitInt8(std::move(qnode), result, sy, fused);
  return true;
}

} // namespace tessera::quant::detail
