//===- guarded_schema_registry.h - ONNX schemas with rank checks before inference ----===//
//
// libonnx's shape inference for windowed ops (Conv, ConvTranspose, ConvInteger,
// QLinearConv, DeformConv, MaxPool, AveragePool, LpPool, MaxUnpool) sizes its loops by
// the weight's or `kernel_shape`'s rank and indexes `dilations`, `strides` and `pads`
// by the input's spatial rank without comparing the two: a 2-D input with a 4-D weight
// reads past the end of `dilations` (SIGSEGV). The ranks are only known during
// inference (the input may come out of other nodes), so this registry hands libonnx the
// same schemas with each windowed op's inference function preceded by a check of those
// ranks. A failed check throws onnx::InferenceError, which shape inference handles like
// its own errors (the node's outputs stay without a shape; the importer then names the
// node).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <onnx/defs/schema.h>

namespace tessera::onnx_import {

class GuardedSchemaRegistry : public onnx::ISchemaRegistry {
public:
  const onnx::OpSchema *GetSchema(const std::string &key, int maxInclusiveVersion,
                                  const std::string &domain = onnx::ONNX_DOMAIN) const override;

private:
  mutable std::mutex mutex_;
  mutable std::map<const onnx::OpSchema *, std::unique_ptr<onnx::OpSchema>> guarded_;
};

} // namespace tessera::onnx_import
