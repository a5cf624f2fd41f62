//===- interpreter.cpp - The reference interpreter for the graph IR ------------===//
#include "compiler/interp/interpreter.h"

#include <unordered_map>

#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

const std::unordered_map<std::string_view, KernelFn> &kernelTable() {
  static const std::unordered_map<std::string_view, KernelFn> table = {
#define TESSERA_OP(name, infer, kernel, traits) {#name, &kernel},
#include "compiler/graph/ops.def"
  };
  return table;
}

Status checkInput(const graph::Graph &graph, const std::string &name, const Tensor &tensor) {
  const graph::TensorType &type = graph.typeOf(name);
  if (type.dtype != tensor.dtype())
    return invalidInput("input %%%s is %s but the graph expects %s", name, std::string(dtypeName(tensor.dtype())),
                        std::string(dtypeName(type.dtype)));
  if (!graph::typesCompatible(graph::TensorType(type.dtype, type.shape), graph::typeOf(tensor)) && type.ranked)
    return invalidInput("input %%%s has shape %s but the graph expects %s", name, shapeToString(tensor.shape()),
                        graph::typeToString(type));
  return absl::OkStatus();
}

} // namespace

KernelFn findKernel(std::string_view op) {
  auto it = kernelTable().find(op);
  return it == kernelTable().end() ? nullptr : it->second;
}

StatusOr<std::vector<Tensor>> evaluateNode(const graph::Node &node, const std::vector<const Tensor *> &inputs) {
  KernelFn kernel = findKernel(node.op);
  if (!kernel) return invalidInput("%s: the reference interpreter has no kernel for '%s'", node.describe(), node.op);
  TS_ASSIGN_OR_RETURN(std::vector<Tensor> results, kernel(KernelContext{node, inputs}));
  if (results.size() < node.outputs.size())
    return invalidInput("%s: kernel produced %d results, node has %d", node.describe(), results.size(), node.outputs.size());
  return results;
}

StatusOr<TensorMap> runGraph(const graph::Graph &graph, const TensorMap &inputs, const NodeObserver &observer) {
  std::unordered_map<std::string, Tensor> live;
  for (const std::string &name : graph.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) return invalidInput("no tensor given for graph input %%%s", name);
    TS_RETURN_IF_ERROR(checkInput(graph, name, it->second));
    live[name] = it->second;
  }
  std::unordered_map<std::string, int> remaining = graph.useCounts();
  auto lookup = [&](const std::string &name) -> const Tensor * {
    auto it = live.find(name);
    if (it != live.end()) return &it->second;
    return graph.constantOf(name);
  };
  for (const graph::Node &node : graph.nodes) {
    std::vector<const Tensor *> args;
    for (const std::string &input : node.inputs) {
      const Tensor *tensor = input.empty() ? nullptr : lookup(input);
      if (!input.empty() && !tensor) return invalidInput("%s: input %%%s has no value", node.describe(), input);
      args.push_back(tensor);
    }
    TS_ASSIGN_OR_RETURN(std::vector<Tensor> results, evaluateNode(node, args));
    if (observer) observer(node, results);
    for (const std::string &input : node.inputs)
      if (!input.empty() && --remaining[input] == 0 && !graph.isGraphOutput(input)) live.erase(input);
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) live[node.outputs[i]] = std::move(results[i]);
  }
  TensorMap outputs;
  for (const std::string &name : graph.outputs) {
    const Tensor *tensor = lookup(name);
    if (!tensor) return invalidInput("graph output %%%s was not computed", name);
    outputs[name] = *tensor;
  }
  return outputs;
}

} // namespace tessera::interp
