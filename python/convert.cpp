//===- convert.cpp - Errors, numpy arrays and JSON between C++ and Python ----------===//
#include "python/convert.h"

#include <cstring>

namespace tessera::python {

void check(const Status &status) {
  if (!status.ok()) throw Error(std::string(status.message()));
}

Tensor tensorFromArray(const py::handle &object, const std::string &name) {
  py::array array = py::array::ensure(object, py::array::c_style);
  if (!array) throw Error("input '" + name + "' is not an array");
  std::string descr = py::str(array.dtype().attr("str"));
  auto dtype = dtypeFromNumpyDescr(descr);
  if (!dtype.ok()) throw Error("input '" + name + "': " + std::string(dtype.status().message()));
  Shape shape(array.shape(), array.shape() + array.ndim());
  Tensor tensor(*dtype, shape);
  if (tensor.byteSize()) std::memcpy(tensor.bytes(), array.data(), tensor.byteSize());
  return tensor;
}

py::array arrayFromTensor(const Tensor &tensor) {
  py::dtype dtype(std::string(dtypeNumpyDescr(tensor.dtype())));
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  py::array array(dtype, shape);
  if (tensor.byteSize()) std::memcpy(array.mutable_data(), tensor.bytes(), tensor.byteSize());
  return array;
}

std::map<std::string, Tensor> tensorsFromDict(const py::dict &inputs) {
  std::map<std::string, Tensor> tensors;
  for (const auto &[key, value] : inputs) {
    std::string name = py::str(key);
    tensors[name] = tensorFromArray(value, name);
  }
  return tensors;
}

py::dict dictFromTensors(const std::map<std::string, Tensor> &tensors) {
  py::dict result;
  for (const auto &[name, tensor] : tensors) result[py::str(name)] = arrayFromTensor(tensor);
  return result;
}

py::object pythonFromJson(const nlohmann::json &json) {
  return py::module_::import("json").attr("loads")(json.dump());
}

} // namespace tessera::python
