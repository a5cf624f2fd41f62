//===- accel_target.cpp - The accel pipeline: a model to an accelerator binary ------===//
//
// The graph becomes int8 (int8_source.h: calibrated, as is, or imported from QDQ),
// is partitioned between host and accelerator, lowered layer by layer
// (compiler/accel/model_compiler.h) and written as one .tsb whose metadata holds the
// host side, so `tessera run model.tsb` runs the whole model.
//
//===----------------------------------------------------------------------===//
#include <chrono>

#include "compiler/accel/model_compiler.h"
#include "compiler/driver/accel_report.h"
#include "compiler/driver/cpu_calibration.h"
#include "compiler/driver/graph_passes.h"
#include "compiler/driver/int8_source.h"
#include "compiler/driver/model_import.h"
#include "compiler/driver/host_code.h"
#include "compiler/driver/stage_log.h"
#include "compiler/driver/targets.h"
#include "compiler/quant/quantize_model.h"
#include "isa/assembler.h"
#include "isa/binary.h"

namespace tessera::driver {
namespace {

/// The graph passes before the int8 graph: the quantizer's preparation, or qdq-import.
const char *graphPipelineFor(Int8Source source) {
  switch (source) {
  case Int8Source::calibrate: return quant::kPrepareForQuantizationPipeline;
  case Int8Source::qdqImport: return kQdqImportPipeline;
  case Int8Source::asIs: return "";
  }
  return "";
}

/// Calibrates and quantizes `graph` in place (quantizeModel's own preparation finds
/// the graph prepared already); the report goes to `log`.
Status quantize(graph::Graph &graph, const AccelOptions &accel, std::ostream *log) {
  quant::QuantizeModelOptions options;
  options.calibrate = *accel.calibrate;
  options.seed = accel.seed;
  options.runner = runSamplesOnCpu;
  TS_ASSIGN_OR_RETURN(options.quant.method, quant::parseCalibrationMethod(accel.method));
  TS_ASSIGN_OR_RETURN(quant::QuantizeReport report, quant::quantizeModel(graph, options));
  if (log) *log << report.summary();
  return absl::OkStatus();
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The accel pipeline's first stages: import, graph passes, quantization.
StatusOr<graph::Graph> int8Graph(const ModelSource &model, const CompileOptions &options, StageLog &log) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, importModel(model));
  log.graph("import", graph);
  TS_ASSIGN_OR_RETURN(Int8Source source, int8SourceOf(graph, options.accel, model.path));
  TS_RETURN_IF_ERROR(runGraphPasses(graph, graphPipelineFor(source)));
  log.graph("graph-passes", graph);
  if (source == Int8Source::calibrate) TS_RETURN_IF_ERROR(quantize(graph, options.accel, options.log));
  log.graph("quantize", graph);
  return graph;
}

/// The int8 graph partitioned and lowered; the later stages are logged by the caller.
StatusOr<accel::CompiledModel> compileLogged(const ModelSource &model, const CompileOptions &options, StageLog &log) {
  if (!options.accel.config) return invalidInput("the accel target needs a hardware config (--config)");
  TS_ASSIGN_OR_RETURN(graph::Graph graph, int8Graph(model, options, log));
  return accel::compileForAccelerator(graph, *options.accel.config, options.accel.lowering);
}

} // namespace

StatusOr<graph::Graph> int8GraphForAccel(const ModelSource &model, const CompileOptions &options) {
  StageLog log(options.observer);
  return int8Graph(model, options, log);
}

StatusOr<accel::CompiledModel> compileAccelModel(const ModelSource &model, const CompileOptions &options) {
  StageLog log(options.observer);
  return compileLogged(model, options, log);
}

StatusOr<CompiledArtifact> accelPipeline(const ModelSource &model, const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  StageLog log(options.observer);
  TS_ASSIGN_OR_RETURN(accel::CompiledModel compiled, compileLogged(model, options, log));
  TS_RETURN_IF_ERROR(attachHostCode(compiled));
  const isa::HardwareConfig &config = *options.accel.config;
  log.record("partition", [&] { return partitionPlan(compiled); });
  log.record("layers", [&] { return layerTable(compiled); });
  log.record("mappings", [&] { return accel::printLayerMappings(compiled); });
  log.record("assembly", [&] { return isa::printAssembly(compiled.program, config); });

  CompiledArtifact artifact;
  TS_ASSIGN_OR_RETURN(artifact.bytes, isa::writeBinary(compiled.program, config));
  artifact.summary = compiled.summary(config);
  artifact.detail = absl::StrFormat(" (%d bytes) in %.2f s", artifact.bytes.size(), secondsSince(start));
  return artifact;
}

} // namespace tessera::driver
