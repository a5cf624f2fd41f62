//===- config_bindings.cpp - tessera.Config: a hardware config -----------------------===//
//
//   Config.load(path), Config.derive(block=16, scale_buffers=1.0, name=None, **settings),
//   Config.from_dict(d); config.block_in (every key of isa/config.h, read only),
//   .name, .hash (the 16 hex digits reports show), .to_dict(), .validate().
//
// Each call is one of isa/config.h or isa/config_derive.h; errors are tessera.Error.
//
//===----------------------------------------------------------------------===//
#include "isa/config.h"
#include "isa/config_derive.h"
#include "python/bindings.h"
#include "python/convert.h"
#include "support/hash.h"

namespace tessera::python {
namespace {

using isa::HardwareConfig;

/// "key=value" text for deriveConfig: Python's str(), with bools as 0/1.
std::string settingText(const py::handle &value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "1" : "0";
  return py::str(value);
}

HardwareConfig derive(int64_t block, double scaleBuffers, const py::object &name, const py::kwargs &settings) {
  isa::DeriveOptions options;
  options.block = block;
  options.scaleBuffers = scaleBuffers;
  if (!name.is_none()) options.name = name.cast<std::string>();
  for (const auto &[key, value] : settings) options.settings.emplace_back(py::str(key), settingText(value));
  return unwrap(isa::deriveConfig(options));
}

HardwareConfig fromDict(const py::dict &object) {
  std::string text = py::str(py::module_::import("json").attr("dumps")(object));
  return unwrap(isa::parseConfigText(text));
}

std::string describe(const HardwareConfig &config) {
  return "<tessera.Config " + config.name + " (" + hashToHex(config.hash()) + ")>";
}

} // namespace

void bindConfig(py::module_ &module) {
  py::class_<HardwareConfig> config(module, "Config", "A hardware config (configs/*.json, docs/config.md).");
  config.def_static("load", [](const std::string &path) { return unwrap(isa::loadConfigFile(path)); }, py::arg("path"),
                    "Reads and validates a config file.")
      .def_static("derive", &derive, py::arg("block") = 16, py::arg("scale_buffers") = 1.0, py::arg("name") = py::none(),
                  "A config for a block x block GEMM array (tessera config --derive); keyword settings override keys.")
      .def_static("from_dict", &fromDict, py::arg("config"), "Parses and validates a config object.")
      .def_readonly("name", &HardwareConfig::name)
      .def_property_readonly("hash", [](const HardwareConfig &c) { return hashToHex(c.hash()); })
      .def("to_dict", [](const HardwareConfig &c) { return pythonFromJson(c.toJson()); })
      .def("validate", [](const HardwareConfig &c) { unwrap(isa::parseConfig(c.toJson())); },
           "Raises tessera.Error when a key is out of range.")
      .def("__repr__", &describe)
      .def("__eq__", [](const HardwareConfig &a, const HardwareConfig &b) { return a.toJson() == b.toJson(); });
#define TESSERA_PY_CONFIG_KEY(key, type, summary) config.def_readonly(#key, &HardwareConfig::key, summary);
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_PY_CONFIG_KEY)
#undef TESSERA_PY_CONFIG_KEY
}

} // namespace tessera::python
