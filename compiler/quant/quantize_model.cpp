//===- quantize_model.cpp - The whole PTQ flow: prepare, calibrate, rewrite -----===//
#include "compiler/quant/quantize_model.h"

#include "compiler/passes/pass_manager.h"

namespace tessera::quant {

StatusOr<QuantizeReport> quantizeModel(graph::Graph &graph, const QuantizeModelOptions &options) {
  passes::PassManager prepare;
  TS_RETURN_IF_ERROR(prepare.addPipeline(kPrepareForQuantizationPipeline));
  TS_RETURN_IF_ERROR(prepare.run(graph));
  TS_ASSIGN_OR_RETURN(std::vector<interp::TensorMap> samples, samplesFromSpec(graph, options.calibrate, options.seed));
  TS_ASSIGN_OR_RETURN(CalibrationTable table, calibrate(graph, samples, options.runner));
  return quantizeGraph(graph, table, options.quant);
}

} // namespace tessera::quant
