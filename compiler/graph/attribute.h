//===- attribute.h - Typed op attributes ---------------------------------------===//
//
// An op's attributes are a sorted map from name to a typed value, mirroring ONNX's
// AttributeProto kinds that the graph IR supports: int, float, string, their lists,
// and tensors. Sorted storage makes printing deterministic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "support/tensor.h"

namespace tessera::graph {

using Ints = std::vector<int64_t>;
using Floats = std::vector<float>;
using Strings = std::vector<std::string>;

/// One attribute value; the alternative is its type.
using Attribute = std::variant<int64_t, float, std::string, Ints, Floats, Strings, Tensor>;

/// Name of an attribute's kind for messages ("int", "floats", "tensor", ...).
std::string_view attributeKindName(const Attribute &value);

/// A node's attributes with typed, defaulted accessors.
class AttributeMap {
public:
  bool has(const std::string &name) const { return values_.count(name) != 0; }
  void set(const std::string &name, Attribute value) { values_[name] = std::move(value); }
  void erase(const std::string &name) { values_.erase(name); }
  const Attribute *find(const std::string &name) const;

  int64_t getInt(const std::string &name, int64_t fallback) const;
  float getFloat(const std::string &name, float fallback) const;
  std::string getString(const std::string &name, const std::string &fallback) const;
  Ints getInts(const std::string &name, const Ints &fallback = {}) const;
  Floats getFloats(const std::string &name, const Floats &fallback = {}) const;
  Strings getStrings(const std::string &name) const;
  const Tensor *getTensor(const std::string &name) const;

  const std::map<std::string, Attribute> &all() const { return values_; }
  bool empty() const { return values_.empty(); }
  bool operator==(const AttributeMap &other) const = default;

private:
  std::map<std::string, Attribute> values_;
};

} // namespace tessera::graph
