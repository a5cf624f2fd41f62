//===- kernels.h - Reference kernels, one per op of ops.def --------------------===//
//
// A kernel computes a node's results from its input tensors. Kernels are plain and
// obviously correct first, fast second: the interpreter is the golden model for
// constant folding, the tests and per-layer comparison of back ends. Errors (bad
// attribute values, shapes that do not fit) name the node.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::interp {

using graph::Node;

/// What a kernel sees of one node.
struct KernelContext {
  const Node &node;
  /// Input tensors; null for absent optional inputs.
  std::vector<const Tensor *> inputs;

  bool has(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  const Tensor &in(size_t i) const { return *inputs[i]; }
  const graph::AttributeMap &attrs() const { return node.attrs; }
  template <typename... Args>
  Status error(const absl::FormatSpec<Args...> &format, const Args &...args) const {
    return invalidInput("%s: %s", node.describe(), absl::StrFormat(format, args...));
  }
  /// Error unless inputs [0, count) are present.
  Status require(size_t count) const;
};

using KernelResult = StatusOr<std::vector<Tensor>>;
using KernelFn = KernelResult (*)(const KernelContext &);

#define TESSERA_OP(name, infer, kernel, traits) KernelResult kernel(const KernelContext &context);
#include "compiler/graph/ops.def"

/// The op's kernel, or null.
KernelFn findKernel(std::string_view op);

} // namespace tessera::interp
