//===- guarded_schema_registry.cpp - ONNX schemas with rank checks before inference --===//
#include "compiler/onnx/guarded_schema_registry.h"

#include <onnx/defs/shape_inference.h>

namespace tessera::onnx_import {
namespace {

/// The input index of the weight of each windowed op; -1 when it has none.
const std::map<std::string, int> kWindowOpWeight = {
    {"Conv", 1},    {"ConvTranspose", 1}, {"ConvInteger", 1}, {"QLinearConv", 3}, {"DeformConv", 1},
    {"MaxPool", -1}, {"AveragePool", -1},  {"LpPool", -1},     {"MaxUnpool", -1}};

/// The rank of input `index`, or -1 when it has no known shape.
int inputRank(onnx::InferenceContext &ctx, int index) {
  if (index < 0 || size_t(index) >= ctx.getNumInputs()) return -1;
  const onnx::TypeProto *type = ctx.getInputType(size_t(index));
  if (!type || !type->has_tensor_type() || !type->tensor_type().has_shape()) return -1;
  return type->tensor_type().shape().dim_size();
}

void checkAttributeLength(onnx::InferenceContext &ctx, const char *name, int expected) {
  const onnx::AttributeProto *attribute = ctx.getAttribute(name);
  if (attribute && attribute->ints_size() != expected)
    fail_shape_inference("attribute '", name, "' has ", attribute->ints_size(), " values, the input's spatial rank needs ",
                         expected);
}

/// Throws onnx::InferenceError unless the input's rank, the weight's rank and the
/// window attributes' lengths agree.
void checkWindowRanks(onnx::InferenceContext &ctx, int weightIndex) {
  int rank = inputRank(ctx, 0);
  if (rank < 0) return;
  if (rank < 3) fail_shape_inference("input of rank ", rank, " has no spatial dimension (expected N, C, D1, ...)");
  int weightRank = inputRank(ctx, weightIndex);
  if (weightRank >= 0 && weightRank != rank)
    fail_shape_inference("weight of rank ", weightRank, " for an input of rank ", rank);
  int spatial = rank - 2;
  for (const char *name : {"kernel_shape", "strides", "dilations"}) checkAttributeLength(ctx, name, spatial);
  checkAttributeLength(ctx, "pads", 2 * spatial);
}

} // namespace

const onnx::OpSchema *GuardedSchemaRegistry::GetSchema(const std::string &key, int maxInclusiveVersion,
                                                       const std::string &domain) const {
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(key, maxInclusiveVersion, domain);
  auto window = kWindowOpWeight.find(key);
  if (!schema || domain != onnx::ONNX_DOMAIN || window == kWindowOpWeight.end() ||
      !schema->has_type_and_shape_inference_function())
    return schema;
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<onnx::OpSchema> &guarded = guarded_[schema];
  if (!guarded) {
    guarded = std::make_unique<onnx::OpSchema>(*schema);
    onnx::InferenceFunction inner = schema->GetTypeAndShapeInferenceFunction();
    int weightIndex = window->second;
    guarded->TypeAndShapeInferenceFunction([inner, weightIndex](onnx::InferenceContext &ctx) {
      checkWindowRanks(ctx, weightIndex);
      inner(ctx);
    });
  }
  return guarded.get();
}

} // namespace tessera::onnx_import
