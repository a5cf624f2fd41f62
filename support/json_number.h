//===- json_number.h - JSON numbers read into C++ types without undefined casts ------===//
//
// nlohmann's get<T> converts any JSON number to any arithmetic T with a plain cast: a
// float (1e30) read as an integer, or a double past float's range read as a float, is
// undefined behaviour, and an integer past T's range wraps. The readers of user files
// (.tsb metadata, its host section) read numbers through these instead: an integer only
// from a JSON integer within T's range, a float within T's range.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace tessera {

/// Whether the JSON number `value` converts to the arithmetic type T without leaving
/// its range. Integers must be JSON integers (not 4.0 or 1e30).
template <typename T> bool jsonNumberFits(const nlohmann::json &value) {
  if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else if constexpr (std::is_integral_v<T>) {
    if (!value.is_number_integer()) return false;
    if (value.is_number_unsigned()) return value.template get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
    auto v = value.template get<int64_t>();
    if constexpr (std::is_signed_v<T>)
      return v >= int64_t(std::numeric_limits<T>::min()) && v <= int64_t(std::numeric_limits<T>::max());
    else
      return v >= 0;
  } else {
    static_assert(std::is_floating_point_v<T>);
    return !value.is_number_float() || std::fabs(value.template get<double>()) <= double(std::numeric_limits<T>::max());
  }
}

/// Whether every number `value` holds where get<T> reads one fits: `value` itself for
/// an arithmetic T, its elements for a container of them. Values of other JSON types are
/// left to get<T> (which throws a type error).
template <typename T> bool jsonFits(const nlohmann::json &value) {
  if constexpr (std::is_arithmetic_v<T>) {
    return !value.is_number() || jsonNumberFits<T>(value);
  } else if constexpr (requires { typename T::value_type; } && std::is_arithmetic_v<typename T::value_type>) {
    if (!value.is_array()) return true;
    return std::all_of(value.begin(), value.end(),
                       [](const nlohmann::json &e) { return !e.is_number() || jsonNumberFits<typename T::value_type>(e); });
  } else {
    return true;
  }
}

/// A JSON number that does not fit the type it is read as.
struct JsonRangeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// value.get<T>() once jsonFits<T> holds; otherwise throws JsonRangeError naming `what`
/// (the key) and the value.
template <typename T> T jsonGet(const nlohmann::json &value, const std::string &what) {
  if (!jsonFits<T>(value))
    throw JsonRangeError("'" + what + "' is " + value.dump() +
                         ": out of its type's range, or a float where an integer belongs");
  return value.template get<T>();
}

/// object.at(key) read as T (jsonGet): throws nlohmann's out_of_range when the key is
/// missing, JsonRangeError when its number does not fit.
template <typename T> T jsonAt(const nlohmann::json &object, const std::string &key) {
  return jsonGet<T>(object.at(key), key);
}

} // namespace tessera
