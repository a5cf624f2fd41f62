//===- printer.cpp - The graph IR's text form (writing) ------------------------===//
#include "compiler/graph/printer.h"

#include <absl/strings/str_join.h>

#include <algorithm>
#include <cstdio>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/float_format.h"

namespace tessera::graph {
namespace {

constexpr int64_t kMaxListedElements = 16;

bool isPlainNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$';
}

std::string elementToString(const Tensor &tensor, int64_t i) {
  DType dtype = tensor.dtype();
  if (dtype == DType::F32) return formatFloat(tensor.data<float>()[i]);
  if (dtype == DType::F64) return formatDouble(tensor.data<double>()[i]);
  if (dtype == DType::U64) return std::to_string(tensor.data<uint64_t>()[i]);
  return std::to_string(loadAsInt(dtype, tensor.bytes(), i));
}

std::string hexBytes(const Tensor &tensor) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string text = "0x";
  text.reserve(2 + tensor.byteSize() * 2);
  for (uint8_t byte : tensor.storage()) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 15];
  }
  return text;
}

template <typename T, typename F> std::string listToString(const std::vector<T> &values, F format) {
  std::vector<std::string> parts;
  for (const T &value : values) parts.push_back(format(value));
  return "[" + absl::StrJoin(parts, ", ") + "]";
}

void printNode(std::string &out, const Node &node, const Graph &graph) {
  std::vector<std::string> results, inputs, types, attrs;
  for (const std::string &output : node.outputs) {
    results.push_back(output.empty() ? "_" : printValueName(output));
    const Value *value = output.empty() ? nullptr : graph.findValue(output);
    types.push_back(value ? typeToString(value->type) : "none");
  }
  for (const std::string &input : node.inputs)
    inputs.push_back(input.empty() ? "_" : printValueName(input));
  for (const auto &[name, value] : node.attrs.all())
    attrs.push_back(absl::StrCat(name, " = ", printAttribute(value)));
  absl::StrAppend(&out, "  ", absl::StrJoin(results, ", "), " = ", node.op, "(",
                  absl::StrJoin(inputs, ", "), ")");
  if (!attrs.empty()) absl::StrAppend(&out, " {", absl::StrJoin(attrs, ", "), "}");
  absl::StrAppend(&out, " : ", absl::StrJoin(types, ", "));
  if (!node.name.empty()) absl::StrAppend(&out, " loc(", quoteString(node.name), ")");
  out += "\n";
}

} // namespace

std::string quoteString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\x%02X", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string printValueName(const std::string &name) {
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), isPlainNameChar);
  return plain ? "%" + name : "%" + quoteString(name);
}

std::string printDense(const Tensor &tensor, bool elideLarge) {
  int64_t count = tensor.elementCount();
  if (count <= kMaxListedElements && tensor.dtype() != DType::F16) {
    std::vector<std::string> parts;
    for (int64_t i = 0; i < count; ++i) parts.push_back(elementToString(tensor, i));
    return "dense<[" + absl::StrJoin(parts, ", ") + "]>";
  }
  if (elideLarge) return "dense<...>";
  return "dense<" + hexBytes(tensor) + ">";
}

std::string printAttribute(const Attribute &value) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(float v) const { return formatFloat(v); }
    std::string operator()(const std::string &v) const { return quoteString(v); }
    std::string operator()(const Ints &v) const {
      if (v.empty()) return "ints[]";
      return listToString(v, [](int64_t x) { return std::to_string(x); });
    }
    std::string operator()(const Floats &v) const {
      if (v.empty()) return "floats[]";
      return listToString(v, formatFloat);
    }
    std::string operator()(const Strings &v) const {
      if (v.empty()) return "strings[]";
      return listToString(v, [](const std::string &s) { return quoteString(s); });
    }
    std::string operator()(const Tensor &v) const {
      return typeToString(typeOf(v)) + " " + printDense(v);
    }
  };
  return std::visit(Visitor{}, value);
}

std::string printGraph(const Graph &graph, const PrintOptions &options) {
  std::vector<std::string> params;
  for (const std::string &input : graph.inputs)
    params.push_back(printValueName(input) + ": " + typeToString(graph.typeOf(input)));
  std::string out = absl::StrCat("graph @", graph.name, "(", absl::StrJoin(params, ", "), ") {\n");
  std::vector<const Value *> constants;
  for (const auto &[name, value] : graph.values())
    if (value.constant) constants.push_back(&value);
  std::sort(constants.begin(), constants.end(),
            [](const Value *a, const Value *b) { return a->name < b->name; });
  for (const Value *value : constants)
    absl::StrAppend(&out, "  ", printValueName(value->name), " = const ", typeToString(value->type),
                    " ", printDense(*value->constant, options.elideLargeConstants), "\n");
  for (const Node &node : graph.nodes) printNode(out, node, graph);
  std::vector<std::string> results;
  for (const std::string &output : graph.outputs) results.push_back(printValueName(output));
  absl::StrAppend(&out, "  return ", absl::StrJoin(results, ", "), "\n}\n");
  return out;
}

} // namespace tessera::graph
