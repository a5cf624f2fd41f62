//===- artifact_bindings.cpp - compile, Artifact.load / save / summary ---------------===//
//
//   _compile(path, target, config, calibrate, method, seed, input_shapes,
//            virtual_threads, gpu_arch, gpu_block_size) -> Artifact
//   Artifact.load(path)   (.tsb: accel, .so: cpu, .ptx: nvptx, by targets.def)
//   artifact.save(path), .target, .extension, .summary, .detail, .log, .bytes, .config
//
// tessera.compile (python/tessera/__init__.py) turns its keyword options into this
// call; the compile itself is driver::compileModel, with the GIL released.
//
//===----------------------------------------------------------------------===//
#include <optional>
#include <sstream>

#include <pybind11/stl.h>

#include "isa/binary.h"
#include "python/artifact.h"
#include "python/bindings.h"
#include "python/convert.h"
#include "support/file_io.h"

namespace tessera::python {
namespace {

struct CompileArgs {
  std::string path, target;
  std::optional<isa::HardwareConfig> config;
  std::optional<std::string> calibrate;
  std::string method;
  uint64_t seed = 0;
  std::vector<std::string> inputShapes;
  int virtualThreads = 2;
  std::string gpuArch;
  int64_t gpuBlockSize = 256;
};

driver::CompileOptions optionsOf(const CompileArgs &args, std::ostream &log) {
  driver::CompileOptions options;
  options.target = args.target;
  options.log = &log;
  options.accel.config = args.config;
  options.accel.calibrate = args.calibrate;
  options.accel.method = args.method;
  options.accel.seed = args.seed;
  options.accel.lowering.virtualThreads = args.virtualThreads;
  options.nvptx.arch = args.gpuArch;
  options.nvptx.threadsPerBlock = args.gpuBlockSize;
  return options;
}

std::shared_ptr<Artifact> compile(const CompileArgs &args) {
  auto artifact = std::make_shared<Artifact>();
  std::ostringstream log;
  StatusOr<driver::CompiledArtifact> compiled = [&] {
    py::gil_scoped_release release;
    return driver::compileModel(driver::ModelSource(args.path, args.inputShapes), optionsOf(args, log));
  }();
  artifact->compiled = unwrap(std::move(compiled));
  artifact->log = log.str();
  return artifact;
}

/// The target whose extension `path` ends with (targets.def).
StatusOr<driver::TargetInfo> targetOfPath(const std::string &path) {
  std::vector<std::string> extensions;
  for (const driver::TargetInfo &target : driver::targets()) {
    if (path.ends_with(target.extension)) return target;
    extensions.push_back(target.extension);
  }
  return invalidInput("'%s': expected a file ending in %s", path, joinStrings(extensions, ", "));
}

std::shared_ptr<Artifact> load(const std::string &path) {
  driver::TargetInfo target = unwrap(targetOfPath(path));
  auto artifact = std::make_shared<Artifact>();
  artifact->compiled.target = target.name;
  artifact->compiled.extension = target.extension;
  artifact->compiled.bytes = unwrap(readBinaryFile(path));
  if (target.name == "accel") check(isa::readBinary(artifact->compiled.bytes).status());
  return artifact;
}

void save(const Artifact &artifact, const std::string &path) {
  if (!path.ends_with(artifact.compiled.extension))
    throw Error("'" + path + "': an artifact of target " + artifact.compiled.target + " is saved as a " +
                artifact.compiled.extension + " file");
  check(writeBinaryFile(path, artifact.compiled.bytes));
}

/// The hardware config an accelerator binary was built for; None for other targets.
py::object configOf(const Artifact &artifact) {
  if (artifact.compiled.target != "accel") return py::none();
  return py::cast(unwrap(isa::readBinary(artifact.compiled.bytes)).config);
}

} // namespace

void bindArtifact(py::module_ &module) {
  ArtifactClass artifact(module, "Artifact", "A compiled model: a .tsb, .so or .ptx.");
  artifact.def_static("load", &load, py::arg("path"), "Reads a .tsb (accel), .so (cpu) or .ptx (nvptx) file.")
      .def("save", &save, py::arg("path"))
      .def_property_readonly("target", [](const Artifact &a) { return a.compiled.target; })
      .def_property_readonly("extension", [](const Artifact &a) { return a.compiled.extension; })
      .def_property_readonly("summary", [](const Artifact &a) { return a.compiled.summary; })
      .def_property_readonly("detail", [](const Artifact &a) { return a.compiled.detail; })
      .def_property_readonly("log", [](const Artifact &a) { return a.log; })
      .def_property_readonly("bytes", [](const Artifact &a) {
        return py::bytes(reinterpret_cast<const char *>(a.compiled.bytes.data()), a.compiled.bytes.size());
      })
      .def_property_readonly("config", &configOf)
      .def("__repr__", [](const Artifact &a) {
        return "<tessera.Artifact " + a.compiled.target + " (" + std::to_string(a.compiled.bytes.size()) + " bytes)>";
      });
  bindRunner(module, artifact);
  module.def(
      "_compile",
      [](std::string path, std::string target, std::optional<isa::HardwareConfig> config,
         std::optional<std::string> calibrate, std::string method, uint64_t seed, std::vector<std::string> inputShapes,
         int virtualThreads, std::string gpuArch, int64_t gpuBlockSize) {
        return compile(CompileArgs{path, target, config, calibrate, method, seed, inputShapes, virtualThreads, gpuArch,
                                   gpuBlockSize});
      },
      py::arg("path"), py::arg("target"), py::arg("config"), py::arg("calibrate"), py::arg("method"), py::arg("seed"),
      py::arg("input_shapes"), py::arg("virtual_threads"), py::arg("gpu_arch"), py::arg("gpu_block_size"));
  module.def("targets", [] { return driver::targetNames(); }, "The compile targets (targets.def).");
}

} // namespace tessera::python
