//===- infer_shape_ops.cpp - Inference for data-movement and shape ops ---------===//
#include <algorithm>
#include <cmath>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"
#include "support/limits.h"

namespace tessera::graph {
namespace {

std::vector<TensorType> one(DType dtype, Shape shape) { return {TensorType(dtype, std::move(shape))}; }
std::vector<TensorType> oneUnranked(DType dtype) { return {TensorType::unranked(dtype)}; }

Status requireInput(const InferContext &context, size_t i) {
  if (!context.has(i)) return context.error("input %d is required", i);
  return absl::OkStatus();
}

/// Integer values of an attribute, or of constant input `index`, or nullopt; an error
/// when input `index` (a shape, axes, pads ... operand) is not of an integer type.
StatusOr<std::optional<Ints>> intsFrom(const InferContext &context, const std::string &attr, size_t index) {
  if (!attr.empty() && context.node.attrs.has(attr)) return std::optional<Ints>(context.node.attrs.getInts(attr));
  if (!context.has(index)) return std::optional<Ints>();
  DType dtype = context.in(index).dtype;
  if (isFloatType(dtype) || dtype == DType::Bool)
    return context.error("input %d holds integers (%s), not %s", index, attr.empty() ? "indices" : attr, dtypeName(dtype));
  if (const Tensor *constant = context.constant(index)) return std::optional<Ints>(tensorToInts(*constant));
  return std::optional<Ints>();
}

} // namespace

InferResult inferConstant(const InferContext &context) {
  const AttributeMap &attrs = context.node.attrs;
  if (const Tensor *value = attrs.getTensor("value")) return one(value->dtype(), value->shape());
  if (attrs.has("value_float")) return one(DType::F32, {});
  if (attrs.has("value_int")) return one(DType::I64, {});
  if (attrs.has("value_floats")) return one(DType::F32, {int64_t(attrs.getFloats("value_floats").size())});
  if (attrs.has("value_ints")) return one(DType::I64, {int64_t(attrs.getInts("value_ints").size())});
  return context.error("needs a value, value_float(s) or value_int(s) attribute");
}

InferResult inferReshape(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto target, intsFrom(context, "shape", 1));
  if (!target) {
    if (context.has(1) && context.in(1).isStatic())
      return one(x.dtype, unknownShape(context.in(1).elementCount()));
    return oneUnranked(x.dtype);
  }
  Shape shape = *target;
  bool allowZero = context.node.attrs.getInt("allowzero", 0) != 0;
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowZero) {
      if (!x.ranked || i >= x.shape.size()) return context.error("dimension %d copies a missing input dimension", i);
      shape[i] = x.shape[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0) return context.error("more than one -1 in the target shape");
      inferred = i;
    } else if (shape[i] < -1) {
      return context.error("bad target dimension %d", shape[i]);
    } else if (shape[i] >= 0 && __builtin_mul_overflow(known, shape[i], &known)) {
      return context.error("the target shape's element count overflows 64 bits");
    }
  }
  bool unknownInput = !x.isStatic() || std::any_of(shape.begin(), shape.end(), [&](int64_t d) { return d < -1; });
  if (inferred >= 0) {
    if (unknownInput || known == 0) shape[inferred] = kUnknownDim;
    else if (x.elementCount() % known != 0) return context.error("cannot reshape %d elements into the target shape", x.elementCount());
    else shape[inferred] = x.elementCount() / known;
  } else if (!unknownInput && shapeElementCount(shape) != x.elementCount()) {
    return context.error("cannot reshape %d elements into %d", x.elementCount(), shapeElementCount(shape));
  }
  return one(x.dtype, shape);
}

InferResult inferFlatten(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return one(x.dtype, unknownShape(2));
  int64_t axis = context.node.attrs.getInt("axis", 1);
  if (axis < 0) axis += x.rank();
  if (axis < 0 || axis > x.rank()) return context.error("axis %d is out of range for rank %d", axis, x.rank());
  auto product = [&](int64_t begin, int64_t end) {
    int64_t result = 1;
    for (int64_t i = begin; i < end; ++i) {
      if (x.shape[i] < 0) return kUnknownDim;
      result *= x.shape[i];
    }
    return result;
  };
  return one(x.dtype, {product(0, axis), product(axis, x.rank())});
}

InferResult inferSqueeze(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto axes, intsFrom(context, "axes", 1));
  if (!x.ranked || (!axes && context.has(1))) return oneUnranked(x.dtype);
  std::vector<bool> drop(x.rank(), false);
  if (!axes || axes->empty()) {
    for (int64_t i = 0; i < x.rank(); ++i) drop[i] = x.shape[i] == 1;
  }
  for (int64_t axis : axes ? *axes : Ints{}) {
    auto a = normalizeAxis(axis, x.rank());
    if (!a.ok()) return context.error("%s", a.status().message());
    if (x.shape[*a] > 1) return context.error("cannot squeeze axis %d of extent %d", *a, x.shape[*a]);
    drop[*a] = true;
  }
  Shape shape;
  for (int64_t i = 0; i < x.rank(); ++i)
    if (!drop[i]) shape.push_back(x.shape[i]);
  return one(x.dtype, shape);
}

InferResult inferUnsqueeze(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto axes, intsFrom(context, "axes", 1));
  if (!x.ranked) return oneUnranked(x.dtype);
  if (!axes) {
    if (!context.has(1) || !context.in(1).isStatic() || context.in(1).rank() != 1) return oneUnranked(x.dtype);
    return one(x.dtype, unknownShape(x.rank() + context.in(1).shape[0]));
  }
  int64_t rank = x.rank() + axes->size();
  std::vector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    auto a = normalizeAxis(axis, rank);
    if (!a.ok()) return context.error("%s", a.status().message());
    if (inserted[*a]) return context.error("axis %d is repeated", *a);
    inserted[*a] = true;
  }
  Shape shape;
  for (int64_t i = 0, j = 0; i < rank; ++i) shape.push_back(inserted[i] ? 1 : x.shape[j++]);
  return one(x.dtype, shape);
}

InferResult inferTranspose(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return oneUnranked(x.dtype);
  Ints perm = context.node.attrs.getInts("perm");
  if (perm.empty())
    for (int64_t i = x.rank() - 1; i >= 0; --i) perm.push_back(i);
  if (static_cast<int64_t>(perm.size()) != x.rank())
    return context.error("perm has %d entries for rank %d", perm.size(), x.rank());
  Shape shape;
  std::vector<bool> seen(x.rank(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= x.rank() || seen[p]) return context.error("perm is not a permutation");
    seen[p] = true;
    shape.push_back(x.shape[p]);
  }
  TensorType out(x.dtype, shape);
  out.quant = x.quant;
  return std::vector<TensorType>{out};
}

InferResult inferConcat(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &first = context.in(0);
  if (!first.ranked) return oneUnranked(first.dtype);
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), first.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape shape = first.shape;
  for (size_t i = 1; i < context.inputs.size(); ++i) {
    if (!context.has(i)) continue;
    const TensorType &t = context.in(i);
    if (!t.ranked) return oneUnranked(first.dtype);
    if (t.rank() != first.rank()) return context.error("input %d has rank %d, expected %d", i, t.rank(), first.rank());
    for (int64_t d = 0; d < first.rank(); ++d) {
      if (d == *axis) {
        shape[d] = shape[d] < 0 || t.shape[d] < 0 ? kUnknownDim : shape[d] + t.shape[d];
      } else if (shape[d] >= 0 && t.shape[d] >= 0 && shape[d] != t.shape[d]) {
        return context.error("input %d has extent %d in dimension %d, expected %d", i, t.shape[d], d, shape[d]);
      } else if (shape[d] < 0) {
        shape[d] = t.shape[d];
      }
    }
  }
  return one(first.dtype, shape);
}

InferResult inferSplit(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  size_t count = context.node.outputs.size();
  if (!x.ranked) return std::vector<TensorType>(count, TensorType::unranked(x.dtype));
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), x.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  TS_ASSIGN_OR_RETURN(auto split, intsFrom(context, "split", 1));
  int64_t extent = x.shape[*axis];
  std::vector<TensorType> types(count, TensorType(x.dtype, x.shape));
  for (size_t i = 0; i < count; ++i) {
    if (split && split->size() == count) types[i].shape[*axis] = (*split)[i];
    else if (split || extent < 0) types[i].shape[*axis] = kUnknownDim;
    else {
      int64_t chunk = (extent + count - 1) / count;
      types[i].shape[*axis] = std::max<int64_t>(0, std::min<int64_t>(chunk, extent - chunk * int64_t(i)));
    }
  }
  if (split && split->size() != count) return context.error("split has %d entries for %d outputs", split->size(), count);
  return types;
}

InferResult inferSlice(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return oneUnranked(x.dtype);
  TS_ASSIGN_OR_RETURN(auto starts, intsFrom(context, "starts", 1));
  TS_ASSIGN_OR_RETURN(auto ends, intsFrom(context, "ends", 2));
  if (!starts || !ends) return one(x.dtype, unknownShape(x.rank()));
  Ints axes, steps;
  TS_ASSIGN_OR_RETURN(auto axesInput, intsFrom(context, "axes", 3));
  if (axesInput) axes = *axesInput;
  else if (context.has(3)) return one(x.dtype, unknownShape(x.rank()));
  if (auto s = context.constant(4)) steps = tensorToInts(*s);
  else if (context.has(4)) return one(x.dtype, unknownShape(x.rank()));
  if (axes.empty()) for (size_t i = 0; i < starts->size(); ++i) axes.push_back(i);
  if (steps.empty()) steps.assign(starts->size(), 1);
  if (axes.size() != starts->size() || ends->size() != starts->size() || steps.size() != starts->size())
    return context.error("starts, ends, axes and steps must have the same length");
  Shape shape = x.shape;
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = normalizeAxis(axes[i], x.rank());
    if (!axis.ok()) return context.error("%s", axis.status().message());
    int64_t dim = x.shape[*axis], step = steps[i];
    if (step == 0) return context.error("slice step is zero");
    if (dim < 0) { shape[*axis] = kUnknownDim; continue; }
    auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v += dim;
      return std::clamp<int64_t>(v, lo, hi);
    };
    int64_t start = step > 0 ? clampIndex((*starts)[i], 0, dim) : clampIndex((*starts)[i], -1, dim - 1);
    int64_t end = step > 0 ? clampIndex((*ends)[i], 0, dim) : clampIndex((*ends)[i], -1, dim - 1);
    int64_t count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
    shape[*axis] = std::max<int64_t>(0, count);
  }
  return one(x.dtype, shape);
}

InferResult inferGather(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  TS_RETURN_IF_ERROR(requireInput(context, 1));
  const TensorType &x = context.in(0), &indices = context.in(1);
  if (!x.ranked || !indices.ranked) return oneUnranked(x.dtype);
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), x.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape shape(x.shape.begin(), x.shape.begin() + *axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), x.shape.begin() + *axis + 1, x.shape.end());
  return one(x.dtype, shape);
}

InferResult inferGatherElements(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  TS_RETURN_IF_ERROR(requireInput(context, 1));
  TensorType out = context.in(1);
  out.dtype = context.in(0).dtype;
  return std::vector<TensorType>{out};
}

InferResult inferExpand(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto target, intsFrom(context, "", 1));
  if (!target || !x.ranked) return oneUnranked(x.dtype);
  auto shape = broadcastShapes(x.shape, *target);
  if (!shape.ok()) return context.error("%s", shape.status().message());
  return one(x.dtype, *shape);
}

InferResult inferTile(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto repeats, intsFrom(context, "", 1));
  if (!x.ranked) return oneUnranked(x.dtype);
  if (!repeats) return one(x.dtype, unknownShape(x.rank()));
  if (static_cast<int64_t>(repeats->size()) != x.rank()) return context.error("repeats has %d entries for rank %d", repeats->size(), x.rank());
  Shape shape = x.shape;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] >= 0 && __builtin_mul_overflow(shape[i], (*repeats)[i], &shape[i]))
      return context.error("repeats[%d] = %d overflows dimension %d", i, (*repeats)[i], i);
  return one(x.dtype, shape);
}

InferResult inferPad(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  TS_ASSIGN_OR_RETURN(auto pads, intsFrom(context, "pads", 1));
  if (!x.ranked) return oneUnranked(x.dtype);
  if (!pads) return one(x.dtype, unknownShape(x.rank()));
  if (static_cast<int64_t>(pads->size()) != 2 * x.rank()) return context.error("pads has %d entries for rank %d", pads->size(), x.rank());
  Shape shape = x.shape;
  for (int64_t i = 0; i < x.rank(); ++i) {
    if (shape[i] < 0) continue;
    int64_t before = (*pads)[i], after = (*pads)[i + x.rank()];
    if (__builtin_add_overflow(shape[i], before, &shape[i]) || __builtin_add_overflow(shape[i], after, &shape[i]))
      return context.error("pads [%d, %d] overflow dimension %d", before, after, i);
  }
  TensorType out(x.dtype, shape);
  out.layout = x.layout;
  return std::vector<TensorType>{out};
}

InferResult inferShape(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return one(DType::I64, {kUnknownDim});
  int64_t rank = x.rank();
  int64_t start = context.node.attrs.getInt("start", 0), end = context.node.attrs.getInt("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return one(DType::I64, {std::max<int64_t>(0, end - start)});
}

InferResult inferSize(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  return one(DType::I64, {});
}

InferResult inferConstantOfShape(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const Tensor *value = context.node.attrs.getTensor("value");
  DType dtype = value ? value->dtype() : DType::F32;
  if (const Tensor *shape = context.constant(0)) return one(dtype, tensorToInts(*shape));
  if (context.in(0).isStatic() && context.in(0).rank() == 1) return one(dtype, unknownShape(context.in(0).shape[0]));
  return oneUnranked(dtype);
}

InferResult inferRange(const InferContext &context) {
  for (size_t i = 0; i < 3; ++i) TS_RETURN_IF_ERROR(requireInput(context, i));
  DType dtype = context.in(0).dtype;
  if (!context.constant(0) || !context.constant(1) || !context.constant(2)) return one(dtype, {kUnknownDim});
  TS_ASSIGN_OR_RETURN(double start, context.scalar(0));
  TS_ASSIGN_OR_RETURN(double limit, context.scalar(1));
  TS_ASSIGN_OR_RETURN(double delta, context.scalar(2));
  if (delta == 0) return context.error("delta is zero");
  double count = std::max(0.0, std::ceil((limit - start) / delta));
  if (!(count <= double(kMaxTensorElements)))
    return context.error("start %g, limit %g and delta %g make more than %d elements", start, limit, delta, kMaxTensorElements);
  return one(dtype, {static_cast<int64_t>(count)});
}

InferResult inferResize(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return oneUnranked(x.dtype);
  bool upsample = context.node.op == "Upsample";
  const Tensor *sizes = upsample ? nullptr : context.constant(3);
  const Tensor *scales = context.constant(upsample ? 1 : 2);
  if (sizes && sizes->elementCount() > 0) {
    if (!context.node.attrs.has("axes")) return one(x.dtype, tensorToInts(*sizes));
  }
  if (scales && scales->elementCount() == x.rank() && !context.node.attrs.has("axes")) {
    std::vector<double> s = tensorToDoubles(*scales);
    Shape shape = x.shape;
    for (int64_t i = 0; i < x.rank(); ++i)
      if (shape[i] >= 0) shape[i] = static_cast<int64_t>(std::floor(shape[i] * static_cast<float>(s[i])));
    return one(x.dtype, shape);
  }
  return one(x.dtype, unknownShape(x.rank()));
}

InferResult inferDepthToSpace(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  int64_t b = context.node.attrs.getInt("blocksize", 0);
  if (b <= 0) return context.error("blocksize must be positive");
  if (!x.ranked) return oneUnranked(x.dtype);
  if (x.rank() != 4) return context.error("needs a rank-4 input");
  auto mul = [](int64_t d, int64_t f) { return d < 0 ? kUnknownDim : d * f; };
  int64_t c = x.shape[1] < 0 ? kUnknownDim : x.shape[1] / (b * b);
  return one(x.dtype, {x.shape[0], c, mul(x.shape[2], b), mul(x.shape[3], b)});
}

InferResult inferSpaceToDepth(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  int64_t b = context.node.attrs.getInt("blocksize", 0);
  if (b <= 0) return context.error("blocksize must be positive");
  if (!x.ranked) return oneUnranked(x.dtype);
  if (x.rank() != 4) return context.error("needs a rank-4 input");
  auto div = [](int64_t d, int64_t f) { return d < 0 ? kUnknownDim : d / f; };
  return one(x.dtype, {x.shape[0], x.shape[1] < 0 ? kUnknownDim : x.shape[1] * b * b,
                       div(x.shape[2], b), div(x.shape[3], b)});
}

InferResult inferEyeLike(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  TensorType out = context.in(0);
  if (context.node.attrs.has("dtype")) {
    auto dtype = parseDType(context.node.attrs.getString("dtype", "f32"));
    if (!dtype.ok()) return context.error("%s", dtype.status().message());
    out.dtype = *dtype;
  }
  return std::vector<TensorType>{out};
}

InferResult inferDet(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  const TensorType &x = context.in(0);
  if (!x.ranked) return oneUnranked(x.dtype);
  if (x.rank() < 2) return context.error("needs a rank of at least 2");
  if (x.shape.back() >= 0 && x.shape[x.rank() - 2] >= 0 && x.shape.back() != x.shape[x.rank() - 2])
    return context.error("matrices must be square, got %dx%d", x.shape[x.rank() - 2], x.shape.back());
  return one(x.dtype, Shape(x.shape.begin(), x.shape.end() - 2));
}

InferResult inferGridSample(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  TS_RETURN_IF_ERROR(requireInput(context, 1));
  const TensorType &x = context.in(0), &grid = context.in(1);
  if (!x.ranked || !grid.ranked) return oneUnranked(x.dtype);
  if (x.rank() != 4 || grid.rank() != 4) return context.error("X and grid must have rank 4");
  return one(x.dtype, {x.shape[0], x.shape[1], grid.shape[1], grid.shape[2]});
}

InferResult inferWindow(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInput(context, 0));
  auto dtype = parseDType(context.node.attrs.getString("output_datatype", "f32"));
  if (!dtype.ok()) return context.error("%s", dtype.status().message());
  if (context.constant(0)) {
    TS_ASSIGN_OR_RETURN(double size, context.scalar(0));
    if (!(size >= 0 && size <= double(kMaxTensorElements))) return context.error("size must be in [0, %d], got %g", kMaxTensorElements, size);
    return one(*dtype, {static_cast<int64_t>(size)});
  }
  return one(*dtype, {kUnknownDim});
}

} // namespace tessera::graph
