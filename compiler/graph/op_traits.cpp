//===- op_traits.cpp - The traits column of ops.def ---------------------------------===//
#include "compiler/graph/op_traits.h"

#include <string_view>
#include <unordered_map>

namespace tessera::graph {

uint32_t opTraits(std::string_view op) {
  using namespace op_trait;
  static const std::unordered_map<std::string_view, uint32_t> table = {
#define TESSERA_OP(name, infer, kernel, traits) {#name, traits},
#include "compiler/graph/ops.def"
  };
  auto it = table.find(op);
  return it == table.end() ? None : it->second;
}

} // namespace tessera::graph
