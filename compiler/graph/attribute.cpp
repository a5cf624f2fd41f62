//===- attribute.cpp - Typed op attributes -------------------------------------===//
#include "compiler/graph/attribute.h"

#include <cmath>
#include <limits>

namespace tessera::graph {

std::string_view attributeKindName(const Attribute &value) {
  static constexpr std::string_view kNames[] = {"int",  "float",   "string", "ints",
                                                "floats", "strings", "tensor"};
  return kNames[value.index()];
}

const Attribute *AttributeMap::find(const std::string &name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

int64_t AttributeMap::getInt(const std::string &name, int64_t fallback) const {
  const Attribute *value = find(name);
  if (!value) return fallback;
  if (auto *i = std::get_if<int64_t>(value)) return *i;
  if (auto *f = std::get_if<float>(value)) {
    // Converting NaN or a float beyond int64 is UB: NaN gives the fallback, the rest saturate.
    if (std::isnan(*f)) return fallback;
    if (*f >= 0x1p63f) return std::numeric_limits<int64_t>::max();
    if (*f < -0x1p63f) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(*f);
  }
  return fallback;
}

float AttributeMap::getFloat(const std::string &name, float fallback) const {
  const Attribute *value = find(name);
  if (!value) return fallback;
  if (auto *f = std::get_if<float>(value)) return *f;
  if (auto *i = std::get_if<int64_t>(value)) return static_cast<float>(*i);
  return fallback;
}

std::string AttributeMap::getString(const std::string &name, const std::string &fallback) const {
  const Attribute *value = find(name);
  if (auto *s = value ? std::get_if<std::string>(value) : nullptr) return *s;
  return fallback;
}

Ints AttributeMap::getInts(const std::string &name, const Ints &fallback) const {
  const Attribute *value = find(name);
  if (auto *v = value ? std::get_if<Ints>(value) : nullptr) return *v;
  return fallback;
}

Floats AttributeMap::getFloats(const std::string &name, const Floats &fallback) const {
  const Attribute *value = find(name);
  if (auto *v = value ? std::get_if<Floats>(value) : nullptr) return *v;
  return fallback;
}

Strings AttributeMap::getStrings(const std::string &name) const {
  const Attribute *value = find(name);
  if (auto *v = value ? std::get_if<Strings>(value) : nullptr) return *v;
  return {};
}

const Tensor *AttributeMap::getTensor(const std::string &name) const {
  const Attribute *value = find(name);
  return value ? std::get_if<Tensor>(value) : nullptr;
}

} // namespace tessera::graph
