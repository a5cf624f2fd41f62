//===- int8_source.cpp - Where the accel pipeline's int8 graph comes from -----------===//
#include "compiler/driver/int8_source.h"

namespace tessera::driver {
namespace {

bool isQdqOp(const std::string &op) { return op == "DequantizeLinear" || op.starts_with("QLinear"); }

} // namespace

bool hasInt8Ops(const graph::Graph &graph) {
  for (const graph::Node &node : graph.nodes)
    if (node.op.starts_with("Q") && node.op != "QuantizeLinear" && !isQdqOp(node.op)) return true;
  return false;
}

bool hasQdqOps(const graph::Graph &graph) {
  for (const graph::Node &node : graph.nodes)
    if (isQdqOp(node.op)) return true;
  return false;
}

StatusOr<Int8Source> int8SourceOf(const graph::Graph &graph, const AccelOptions &options, const std::string &modelName) {
  if (options.calibrate) return Int8Source::calibrate;
  if (hasInt8Ops(graph)) return Int8Source::asIs;
  if (hasQdqOps(graph)) return Int8Source::qdqImport;
  return invalidInput("'%s' is an fp32 model: give --calibrate <folder of .npy | random:N> to quantize it", modelName);
}

} // namespace tessera::driver
