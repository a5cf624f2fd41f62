//===- module.cpp - The _tessera extension module ------------------------------------===//
//
// The compiled half of the `tessera` Python package (python/tessera/__init__.py is the
// other): tessera.Error, Config, compile, Artifact with its runs, Report, sweep and tune, each a thin call
// into the C++ driver, runners and sweep library (docs/python.md).
//
//===----------------------------------------------------------------------===//
#include <malloc.h>

#include "compiler/quant/register_passes.h"
#include "python/bindings.h"
#include "python/convert.h"

namespace {

/// The functional backend builds its scratchpads (about 1 MiB with configs/default.json)
/// for every run (sim::runFunctional) and frees them after it. At the top of the heap,
/// glibc returns that memory to the kernel after each run and takes it back with fresh
/// zeroed pages on the next: 1.9 ms per digits CNN run instead of 0.2 ms. Keeping 4 MiB of
/// padding at the heap top stops the churn for a loop of artifact.run calls.
void keepHeapTopForRepeatedRuns() { mallopt(M_TOP_PAD, 4 << 20); }

} // namespace

PYBIND11_MODULE(_tessera, module) {
  namespace py = pybind11;
  keepHeapTopForRepeatedRuns();
  module.doc() = "tessera: compile models for the accelerator and run them on its simulators";
  py::register_exception<tessera::python::Error>(module, "Error");
  tessera::quant::registerQuantPasses();
  tessera::python::bindConfig(module);
  tessera::python::bindArtifact(module);
  tessera::python::bindSweep(module);
  tessera::python::bindTune(module);
}
