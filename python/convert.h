//===- convert.h - Between the C++ library and Python: errors, arrays, JSON --------===//
//
// The bindings' shared helpers: a failed Status becomes the Python exception
// tessera.Error carrying the C++ message; numpy arrays and tessera::Tensor convert both
// ways by copy (dtype from the numpy descriptor, e.g. "<f4" is f32); JSON reaches
// Python as plain dicts and lists through the json module.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "support/status.h"
#include "support/tensor.h"

namespace tessera::python {

namespace py = pybind11;

/// Thrown by the bindings; registered as tessera.Error.
class Error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws Error with the status's message when it is not OK.
void check(const Status &status);

/// The value of `result`, or Error with its message.
template <typename T> T unwrap(StatusOr<T> result) {
  check(result.status());
  return std::move(*result);
}

/// A copy of `array` (any numpy array, or what numpy.asarray accepts); `name` names it in errors.
Tensor tensorFromArray(const py::handle &array, const std::string &name);
/// A numpy array holding a copy of `tensor`.
py::array arrayFromTensor(const Tensor &tensor);

/// {name: Tensor} from a dict of arrays.
std::map<std::string, Tensor> tensorsFromDict(const py::dict &inputs);
/// A dict of arrays from {name: Tensor}.
py::dict dictFromTensors(const std::map<std::string, Tensor> &tensors);

/// `json` as Python objects (dict, list, str, int, float, bool, None).
py::object pythonFromJson(const nlohmann::json &json);

} // namespace tessera::python
