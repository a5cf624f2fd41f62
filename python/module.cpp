//===- module.cpp - The _tessera extension module ------------------------------------===//
//
// The compiled half of the `tessera` Python package (python/tessera/__init__.py is the
// other): tessera.Error, Config, compile, Artifact with its runs, Report, sweep and tune, each a thin call
// into the C++ driver, runners and sweep library (docs/python.md).
//
//===----------------------------------------------------------------------===//
#include "compiler/quant/register_passes.h"
#include "python/bindings.h"
#include "python/convert.h"
#include "support/malloc_policy.h"

PYBIND11_MODULE(_tessera, module) {
  namespace py = pybind11;
  tessera::keepFreedMemoryForReuse();  // scratch and scratchpads reused across runs
  module.doc() = "tessera: compile models for the accelerator and run them on its simulators";
  py::register_exception<tessera::python::Error>(module, "Error");
  tessera::quant::registerQuantPasses();
  tessera::python::bindConfig(module);
  tessera::python::bindArtifact(module);
  tessera::python::bindSweep(module);
  tessera::python::bindTune(module);
}
