//===- ptq_lut.cpp - Post-training quantization of unary activations as tables ---===//
//
// An fp32 unary activation whose input has an int8 twin becomes QLut: its 256-entry
// table (compiler/quant/arith/lut_table.h) maps the int8 input at its scale to the int8
// output at the output's calibrated scale, so the int8 graph computes the activation
// with one table lookup per element, as the ALU's `lut` operation does. Handled:
// Sigmoid, Tanh, HardSigmoid (alpha, beta), HardSwish, SiLU written as Mul(x, Sigmoid(x))
// (either operand order), which becomes one table and absorbs the Mul, and GELU as ONNX
// exporters write it before opset 20, Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5),
// one table absorbing the chain after the Div.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cmath>

#include "compiler/interp/kernel_util.h"
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

/// True when `name` is a constant holding one value within 1e-4 of `value`.
bool isScalar(PtqRewriter &r, const std::string &name, double value) {
  const Tensor *constant = r.graph().constantOf(name);
  if (!constant || constant->elementCount() != 1) return false;
  return std::fabs(interp::toDoubles(*constant)[0] - value) < 1e-4;
}

/// The node `op` that is the only consumer of `value` and reads it together with
/// `other` (a value name, or a constant equal to `scalar` when `other` is empty).
std::optional<size_t> nextInChain(PtqRewriter &r, const std::string &value, const char *op, const std::string &other,
                                  double scalar) {
  std::optional<size_t> next = r.onlyConsumer(value);
  if (!next) return std::nullopt;
  const Node &node = r.graph().nodes[*next];
  if (node.op != op || node.outputs.size() != 1) return std::nullopt;
  size_t inputs = std::string(op) == "Erf" ? 1 : 2;
  if (node.inputs.size() != inputs) return std::nullopt;
  if (inputs == 1) return node.input(0) == value ? next : std::nullopt;
  if (node.input(0) != value && node.input(1) != value) return std::nullopt;
  const std::string &second = node.input(0) == value ? node.input(1) : node.input(0);
  bool matches = other.empty() ? isScalar(r, second, scalar) : second == other;
  return matches ? next : std::nullopt;
}

/// The Erf, Add, Mul, Mul after GELU's Div(x, sqrt 2) at `index`, in order.
std::optional<std::vector<size_t>> geluChain(PtqRewriter &r, size_t index) {
  const Node &div = r.graph().nodes[index];
  if (div.op != "Div" || div.inputs.size() != 2 || !isScalar(r, div.input(1), std::sqrt(2.0))) return std::nullopt;
  const std::string &x = div.input(0);
  std::vector<size_t> chain;
  std::string value = div.outputs[0];
  struct Step {
    const char *op;
    std::string other;
    double scalar;
  };
  for (const Step &step : {Step{"Erf", "", 0}, Step{"Add", "", 1.0}, Step{"Mul", x, 0}, Step{"Mul", "", 0.5}}) {
    std::optional<size_t> next = nextInChain(r, value, step.op, step.other, step.scalar);
    if (!next) return std::nullopt;
    chain.push_back(*next);
    value = r.graph().nodes[*next].outputs[0];
  }
  return chain;
}

float gelu(float x) { return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f))); }

/// GELU's chain starting at Div node `index` as one QLut.
StatusOr<bool> quantizeGelu(PtqRewriter &r, size_t index) {
  std::optional<std::vector<size_t>> chain = geluChain(r, index);
  const Node &div = r.graph().nodes[index];
  if (!chain || !r.hasInt8(div.input(0))) return false;
  const std::string &result = r.graph().nodes[chain->back()].outputs[0];
  if (!r.hasScale(result)) return false;
  TS_ASSIGN_OR_RETURN(float sx, r.scale(div.input(0)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  StatusOr<isa::LutTable> table = buildLutTable(gelu, {sx, 0}, {sy, 0});
  if (!table.ok()) return annotate(table.status(), div.describe());
  TS_ASSIGN_OR_RETURN(std::string x, r.int8(div.input(0)));
  Node qnode{"QLut", div.name, {x}, {}, {}};
  qnode.attrs.set("table", graph::Ints(table->begin(), table->end()));
  r.emitInt8(std::move(qnode), result, sy, std::nullopt);
  for (size_t node : *chain) r.absorb(node);
  return true;
}

} // namespace

StatusOr<bool> quantizeLut(PtqRewriter &r, size_t index) {
  if (r.graph().nodes[index].op == "Div") return quantizeGelu(r, index);
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
