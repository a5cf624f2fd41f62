//===- bindings.h - The parts of the _tessera extension module -----------------------===//
//
// module.cpp creates `_tessera` and calls each of these; each file binds one idea.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include <pybind11/pybind11.h>

namespace tessera::python {

struct Artifact;
using ArtifactClass = pybind11::class_<Artifact, std::shared_ptr<Artifact>>;

/// tessera.Config (config_bindings.cpp).
void bindConfig(pybind11::module_ &module);
/// tessera.Artifact and compile (artifact_bindings.cpp).
void bindArtifact(pybind11::module_ &module);
/// tessera.Report and the artifact's run and run_batch (runner_bindings.cpp).
void bindRunner(pybind11::module_ &module, ArtifactClass &artifact);
/// sweep (sweep_bindings.cpp).
void bindSweep(pybind11::module_ &module);
/// tune (tune_bindings.cpp).
void bindTune(pybind11::module_ &module);

} // namespace tessera::python
