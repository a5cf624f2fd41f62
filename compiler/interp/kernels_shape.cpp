//===- kernels_shape.cpp - Data movement: reshapes, slices, gathers, pads ------===//
#include <algorithm>
#include <cmath>
#include <numeric>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {

using graph::TensorType;
using graph::typeToString;
namespace {

/// Runs the op's inference rule on concrete tensors (all inputs constant), so the
/// shape logic of shape-only ops lives in one place.
StatusOr<std::vector<TensorType>> concreteTypes(const KernelContext &context) {
  graph::InferContext infer{context.node, {}, {}, {}};
  for (const Tensor *input : context.inputs) {
    infer.inputs.push_back(input ? std::optional<TensorType>(graph::typeOf(*input)) : std::nullopt);
    infer.constants.push_back(input);
  }
  infer.recorded.resize(context.node.outputs.size());
  graph::InferFn rule = graph::findInferRule(context.node.op);
  if (!rule) return context.error("no inference rule");
  return rule(infer);
}

size_t elementSize(const Tensor &t) { return dtypeSize(t.dtype()); }

} // namespace

KernelResult kernelConstant(const KernelContext &context) {
  const graph::AttributeMap &attrs = context.attrs();
  if (const Tensor *value = attrs.getTensor("value")) return std::vector<Tensor>{*value};
  if (attrs.has("value_float")) return std::vector<Tensor>{scalarTensor<float>(DType::F32, attrs.getFloat("value_float", 0))};
  if (attrs.has("value_int")) return std::vector<Tensor>{scalarTensor<int64_t>(DType::I64, attrs.getInt("value_int", 0))};
  if (attrs.has("value_ints")) return std::vector<Tensor>{graph::intsToTensor(attrs.getInts("value_ints"))};
  if (attrs.has("value_floats")) {
    graph::Floats f = attrs.getFloats("value_floats");
    return std::vector<Tensor>{fromFloats(DType::F32, {int64_t(f.size())}, std::vector<float>(f.begin(), f.end()))};
  }
  return context.error("needs a value attribute");
}

KernelResult kernelReshape(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  if (!types[0].isStatic() || types[0].elementCount() != context.in(0).elementCount())
    return context.error("cannot reshape %s to %s", typeToString(graph::typeOf(context.in(0))), typeToString(types[0]));
  return std::vector<Tensor>{reshaped(context.in(0), types[0].shape)};
}

KernelResult kernelTranspose(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  graph::Ints perm = context.attrs().getInts("perm");
  if (perm.empty())
    for (int64_t i = x.shape().size() - 1; i >= 0; --i) perm.push_back(i);
  TS_RETURN_IF_ERROR(concreteTypes(context).status());
  return std::vector<Tensor>{transposeTensor(x, perm)};
}

KernelResult kernelConcat(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Tensor &first = context.in(0);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), first.shape().size()));
  Tensor out(first.dtype(), types[0].shape);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out.shape()[d];
  size_t size = elementSize(first), outRow = out.elementCount() / std::max<int64_t>(outer, 1) * size, offset = 0;
  for (const Tensor *input : context.inputs) {
    if (!input || input->elementCount() == 0) continue;
    size_t row = input->elementCount() / outer * size;
    for (int64_t o = 0; o < outer; ++o) std::memcpy(out.bytes() + o * outRow + offset, input->bytes() + o * row, row);
    offset += row;
  }
  return std::vector<Tensor>{out};
}

namespace {

/// Copies the box [starts, starts + extents) with `steps` out of `x`.
Tensor sliceBox(const Tensor &x, const Shape &outShape, const std::vector<int64_t> &starts, const std::vector<int64_t> &steps) {
  std::vector<int64_t> strides = stridesOf(x.shape()), index, map(shapeElementCount(outShape));
  for (size_t i = 0; i < map.size(); ++i) {
    unravel(i, outShape, index);
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) offset += (starts[d] + index[d] * steps[d]) * strides[d];
    map[i] = offset;
  }
  return gatherElementsByIndex(x, outShape, map);
}

} // namespace

KernelResult kernelSplit(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Tensor &x = context.in(0);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  std::vector<Tensor> outs;
  std::vector<int64_t> starts(x.shape().size(), 0), steps(x.shape().size(), 1);
  for (const TensorType &type : types) {
    if (!type.isStatic()) return context.error("split sizes are not known");
    outs.push_back(sliceBox(x, type.shape, starts, steps));
    starts[axis] += type.shape[axis];
  }
  if (starts[axis] != x.shape()[axis]) return context.error("split sizes do not add up to %d", x.shape()[axis]);
  return outs;
}

KernelResult kernelSlice(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  int64_t rank = x.shape().size();
  graph::Ints starts = context.attrs().has("starts") ? context.attrs().getInts("starts") : toInts(context.in(1));
  graph::Ints ends = context.attrs().has("ends") ? context.attrs().getInts("ends") : toInts(context.in(2));
  graph::Ints axes = context.attrs().has("axes") ? context.attrs().getInts("axes")
                     : context.has(3)            ? toInts(context.in(3)) : graph::Ints{};
  graph::Ints steps = context.has(4) ? toInts(context.in(4)) : graph::Ints(starts.size(), 1);
  if (axes.empty()) { axes.resize(starts.size()); std::iota(axes.begin(), axes.end(), 0); }
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return context.error("starts, ends, axes and steps must have the same length");
  std::vector<int64_t> begin(rank, 0), stride(rank, 1);
  Shape shape = x.shape();
  for (size_t i = 0; i < axes.size(); ++i) {
    TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(axes[i], rank));
    int64_t dim = x.shape()[axis], step = steps[i];
    if (step == 0) return context.error("slice step is zero");
    auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) { return std::clamp<int64_t>(v < 0 ? v + dim : v, lo, hi); };
    int64_t s = step > 0 ? clampIndex(starts[i], 0, dim) : clampIndex(starts[i], -1, dim - 1);
    int64_t e = step > 0 ? clampIndex(ends[i], 0, dim) : clampIndex(ends[i], -1, dim - 1);
    shape[axis] = std::max<int64_t>(0, step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step);
    begin[axis] = s;
    stride[axis] = step;
  }
  return std::vector<Tensor>{sliceBox(x, shape, begin, stride)};
}

KernelResult kernelGather(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  std::vector<int64_t> indices = toInts(context.in(1));
  int64_t extent = x.shape()[axis], inner = stridesOf(x.shape())[axis];
  int64_t outer = x.elementCount() / std::max<int64_t>(1, extent * inner);
  Shape shape(x.shape().begin(), x.shape().begin() + axis);
  shape.insert(shape.end(), context.in(1).shape().begin(), context.in(1).shape().end());
  shape.insert(shape.end(), x.shape().begin() + axis + 1, x.shape().end());
  std::vector<int64_t> map;
  map.reserve(shapeElementCount(shape));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : indices) {
      if (index < -extent || index >= extent) return context.error("index %d is out of range for extent %d", index, extent);
      if (index < 0) index += extent;
      for (int64_t i = 0; i < inner; ++i) map.push_back((o * extent + index) * inner + i);
    }
  return std::vector<Tensor>{gatherElementsByIndex(x, shape, map)};
}

KernelResult kernelGatherElements(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &indices = context.in(1);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  if (indices.shape().size() != x.shape().size()) return context.error("indices rank differs from data rank");
  std::vector<int64_t> idx = toInts(indices), strides = stridesOf(x.shape()), position, map(idx.size());
  int64_t extent = x.shape()[axis];
  for (size_t i = 0; i < idx.size(); ++i) {
    unravel(i, indices.shape(), position);
    int64_t k = idx[i] < 0 ? idx[i] + extent : idx[i];
    if (k < 0 || k >= extent) return context.error("index %d is out of range for extent %d", idx[i], extent);
    position[axis] = k;
    map[i] = 0;
    for (size_t d = 0; d < position.size(); ++d) map[i] += position[d] * strides[d];
  }
  return std::vector<Tensor>{gatherElementsByIndex(x, indices.shape(), map)};
}

KernelResult kernelGatherND(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &indices = context.in(1);
  int64_t batchDims = context.attrs().getInt("batch_dims", 0);
  const Shape &is = indices.shape(), &xs = x.shape();
  if (is.empty() || batchDims < 0) return context.error("indices must have rank at least 1");
  int64_t depth = is.back();
  if (batchDims + depth > static_cast<int64_t>(xs.size())) return context.error("index depth exceeds data rank");
  Shape shape(is.begin(), is.end() - 1);
  shape.insert(shape.end(), xs.begin() + batchDims + depth, xs.end());
  int64_t batch = shapeElementCount(Shape(xs.begin(), xs.begin() + batchDims));
  int64_t slice = shapeElementCount(Shape(xs.begin() + batchDims + depth, xs.end()));
  int64_t perBatchData = x.elementCount() / std::max<int64_t>(1, batch);
  int64_t tuples = shapeElementCount(Shape(is.begin(), is.end() - 1)), perBatchTuples = tuples / std::max<int64_t>(1, batch);
  std::vector<int64_t> idx = toInts(indices), strides = stridesOf(xs), map;
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = (t / std::max<int64_t>(1, perBatchTuples)) * perBatchData;
    for (int64_t d = 0; d < depth; ++d) {
      int64_t extent = xs[batchDims + d], k = idx[t * depth + d];
      if (k < 0) k += extent;
      if (k < 0 || k >= extent) return context.error("index out of range");
      offset += k * strides[batchDims + d];
    }
    for (int64_t i = 0; i < slice; ++i) map.push_back(offset + i);
  }
  return std::vector<Tensor>{gatherElementsByIndex(x, shape, map)};
}

KernelResult kernelScatterElements(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &x = context.in(0), &indices = context.in(1), &updates = context.in(2);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  std::string reduction = context.attrs().getString("reduction", "none");
  std::vector<double> out = toDoubles(x), up = toDoubles(updates);
  std::vector<int64_t> idx = toInts(indices), strides = stridesOf(x.shape()), position;
  int64_t extent = x.shape()[axis];
  for (size_t i = 0; i < idx.size(); ++i) {
    unravel(i, indices.shape(), position);
    int64_t k = idx[i] < 0 ? idx[i] + extent : idx[i];
    if (k < 0 || k >= extent) return context.error("index %d is out of range", idx[i]);
    position[axis] = k;
    int64_t offset = 0;
    for (size_t d = 0; d < position.size(); ++d) offset += position[d] * strides[d];
    if (reduction == "add") out[offset] += up[i];
    else if (reduction == "mul") out[offset] *= up[i];
    else out[offset] = up[i];
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), out)};
}

KernelResult kernelScatterND(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &x = context.in(0), &indices = context.in(1), &updates = context.in(2);
  std::string reduction = context.attrs().getString("reduction", "none");
  int64_t depth = indices.shape().back(), tuples = indices.elementCount() / std::max<int64_t>(1, depth);
  int64_t slice = shapeElementCount(Shape(x.shape().begin() + depth, x.shape().end()));
  std::vector<double> out = toDoubles(x), up = toDoubles(updates);
  std::vector<int64_t> idx = toInts(indices), strides = stridesOf(x.shape());
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = 0;
    for (int64_t d = 0; d < depth; ++d) {
      int64_t k = idx[t * depth + d] < 0 ? idx[t * depth + d] + x.shape()[d] : idx[t * depth + d];
      if (k < 0 || k >= x.shape()[d]) return context.error("index out of range");
      offset += k * strides[d];
    }
    for (int64_t i = 0; i < slice; ++i) {
      double &target = out[offset + i], v = up[t * slice + i];
      target = reduction == "add" ? target + v : reduction == "mul" ? target * v : v;
    }
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), out)};
}

KernelResult kernelExpand(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  auto shape = graph::broadcastShapes(x.shape(), toInts(context.in(1)));
  if (!shape.ok()) return context.error("%s", shape.status().message());
  return std::vector<Tensor>{gatherElementsByIndex(x, *shape, broadcastIndex(x.shape(), *shape))};
}

KernelResult kernelTile(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Tensor &x = context.in(0);
  std::vector<int64_t> strides = stridesOf(x.shape()), index, map(types[0].elementCount());
  for (size_t i = 0; i < map.size(); ++i) {
    unravel(i, types[0].shape, index);
    map[i] = 0;
    for (size_t d = 0; d < index.size(); ++d) map[i] += (index[d] % x.shape()[d]) * strides[d];
  }
  return std::vector<Tensor>{gatherElementsByIndex(x, types[0].shape, map)};
}

KernelResult kernelPad(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  int64_t rank = x.shape().size();
  graph::Ints pads = context.attrs().has("pads") ? context.attrs().getInts("pads") : toInts(context.in(1));
  if (context.has(3)) { // opset 18 axes
    graph::Ints axes = toInts(context.in(3)), full(2 * rank, 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      TS_ASSIGN_OR_RETURN(int64_t a, graph::normalizeAxis(axes[i], rank));
      full[a] = pads[i];
      full[a + rank] = pads[i + axes.size()];
    }
    pads = full;
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank) return context.error("pads has %d entries for rank %d", pads.size(), rank);
  std::string mode = context.attrs().getString("mode", "constant");
  double fill = context.has(2) && context.in(2).elementCount() ? toDoubles(context.in(2))[0] : context.attrs().getFloat("value", 0);
  Shape shape = x.shape();
  for (int64_t d = 0; d < rank; ++d) shape[d] += pads[d] + pads[d + rank];
  std::vector<double> xv = toDoubles(x), out(shapeElementCount(shape));
  std::vector<int64_t> strides = stridesOf(x.shape()), index;
  for (size_t i = 0; i < out.size(); ++i) {
    unravel(i, shape, index);
    int64_t offset = 0;
    bool inside = true;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t p = index[d] - pads[d], n = x.shape()[d];
      if (p < 0 || p >= n) {
        if (mode == "constant" || n == 0) { inside = false; break; }
        if (mode == "edge") p = std::clamp<int64_t>(p, 0, n - 1);
        else { // reflect
          int64_t period = std::max<int64_t>(1, 2 * (n - 1));
          p = ((p % period) + period) % period;
          if (p >= n) p = period - p;
        }
      }
      offset += p * strides[d];
    }
    out[i] = inside ? xv[offset] : fill;
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, out)};
}

KernelResult kernelShape(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Shape &shape = context.in(0).shape();
  int64_t rank = shape.size();
  int64_t start = context.attrs().getInt("start", 0);
  if (start < 0) start += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  return std::vector<Tensor>{graph::intsToTensor(Shape(shape.begin() + start, shape.begin() + start + types[0].shape[0]))};
}

KernelResult kernelSize(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  return std::vector<Tensor>{scalarTensor<int64_t>(DType::I64, context.in(0).elementCount())};
}

KernelResult kernelConstantOfShape(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  Shape shape = toInts(context.in(0));
  for (int64_t d : shape)
    if (d < 0) return context.error("negative dimension %d", d);
  const Tensor *value = context.attrs().getTensor("value");
  Tensor out(value ? value->dtype() : DType::F32, shape);
  if (value && value->elementCount() == 1)
    for (int64_t i = 0; i < out.elementCount(); ++i)
      std::memcpy(out.bytes() + i * elementSize(out), value->bytes(), elementSize(out));
  return std::vector<Tensor>{out};
}

KernelResult kernelRange(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  DType dtype = context.in(0).dtype();
  double start = toDoubles(context.in(0)).at(0), limit = toDoubles(context.in(1)).at(0), delta = toDoubles(context.in(2)).at(0);
  if (delta == 0) return context.error("delta is zero");
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
  std::vector<double> out(count);
  for (int64_t i = 0; i < count; ++i) out[i] = start + i * delta;
  return std::vector<Tensor>{fromDoubles(dtype, {count}, out)};
}

namespace {

/// DepthToSpace / SpaceToDepth as reshape + transpose + reshape.
Tensor blockShuffle(const Tensor &x, const Shape &viewShape, const std::vector<int64_t> &perm, const Shape &outShape) {
  return reshaped(transposeTensor(reshaped(x, viewShape), perm), outShape);
}

} // namespace

KernelResult kernelDepthToSpace(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Tensor &x = context.in(0);
  int64_t b = context.attrs().getInt("blocksize", 1), n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  bool crd = context.attrs().getString("mode", "DCR") == "CRD";
  Shape view = crd ? Shape{n, c / (b * b), b, b, h, w} : Shape{n, b, b, c / (b * b), h, w};
  std::vector<int64_t> perm = crd ? std::vector<int64_t>{0, 1, 4, 2, 5, 3} : std::vector<int64_t>{0, 3, 4, 1, 5, 2};
  return std::vector<Tensor>{blockShuffle(x, view, perm, types[0].shape)};
}

KernelResult kernelSpaceToDepth(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Tensor &x = context.in(0);
  int64_t b = context.attrs().getInt("blocksize", 1), n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  return std::vector<Tensor>{blockShuffle(x, {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4}, types[0].shape)};
}

KernelResult kernelTrilu(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  if (x.shape().size() < 2) return context.error("needs rank at least 2");
  int64_t k = context.has(1) ? toInts(context.in(1)).at(0) : 0;
  bool upper = context.attrs().getInt("upper", 1) != 0;
  int64_t rows = x.shape()[x.shape().size() - 2], cols = x.shape().back();
  Tensor out = x;
  size_t size = elementSize(x);
  for (int64_t i = 0; i < x.elementCount(); ++i) {
    int64_t col = i % cols, row = (i / cols) % rows;
    bool keep = upper ? col - row >= k : col - row <= k;
    if (!keep) std::memset(out.bytes() + i * size, 0, size);
  }
  return std::vector<Tensor>{out};
}

KernelResult kernelOneHot(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &indices = context.in(0), &values = context.in(2);
  int64_t depth = static_cast<int64_t>(toDoubles(context.in(1)).at(0));
  int64_t rank = indices.shape().size() + 1;
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", -1), rank));
  Shape shape = indices.shape();
  shape.insert(shape.begin() + axis, depth);
  std::vector<double> idx = toDoubles(indices), vals = toDoubles(values), out(shapeElementCount(shape), vals.at(0));
  int64_t inner = stridesOf(shape)[axis];
  for (size_t i = 0; i < idx.size(); ++i) {
    int64_t k = static_cast<int64_t>(idx[i]);
    if (k < 0) k += depth;
    if (k < 0 || k >= depth) continue;
    int64_t outer = i / inner, rest = i % inner;
    out[(outer * depth + k) * inner + rest] = vals.at(1);
  }
  return std::vector<Tensor>{fromDoubles(values.dtype(), shape, out)};
}

KernelResult kernelEyeLike(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, concreteTypes(context));
  const Shape &shape = context.in(0).shape();
  if (shape.size() != 2) return context.error("needs a rank-2 input");
  int64_t k = context.attrs().getInt("k", 0);
  std::vector<double> out(shapeElementCount(shape), 0);
  for (int64_t r = 0; r < shape[0]; ++r)
    if (r + k >= 0 && r + k < shape[1]) out[r * shape[1] + r + k] = 1;
  return std::vector<Tensor>{fromDoubles(types[0].dtype, shape, out)};
}

KernelResult kernelTopK(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  TS_ASSIGN_OR_RETURN(int64_t axis, graph::normalizeAxis(context.attrs().getInt("axis", -1), x.shape().size()));
  int64_t k = toInts(context.in(1)).at(0), extent = x.shape()[axis], inner = stridesOf(x.shape())[axis];
  if (k < 0 || k > extent) return context.error("k = %d is out of range for extent %d", k, extent);
  bool largest = context.attrs().getInt("largest", 1) != 0;
  Shape shape = x.shape();
  shape[axis] = k;
  int64_t outer = x.elementCount() / std::max<int64_t>(1, extent * inner);
  std::vector<double> xv = toDoubles(x), values;
  std::vector<int64_t> indices, order(extent);
  values.resize(outer * k * inner);
  indices.resize(values.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t e) { return xv[(o * extent + e) * inner + i]; };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return largest ? at(a) > at(b) : at(a) < at(b); });
      for (int64_t j = 0; j < k; ++j) {
        values[(o * k + j) * inner + i] = at(order[j]);
        indices[(o * k + j) * inner + i] = order[j];
      }
    }
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, values), fromInts(DType::I64, shape, indices)};
}

KernelResult kernelNonZero(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  std::vector<double> xv = toDoubles(x);
  std::vector<int64_t> hits, index;
  for (size_t i = 0; i < xv.size(); ++i)
    if (xv[i] != 0) hits.push_back(i);
  int64_t rank = x.shape().size(), count = hits.size();
  std::vector<int64_t> out(rank * count);
  for (int64_t j = 0; j < count; ++j) {
    unravel(hits[j], x.shape(), index);
    for (int64_t d = 0; d < rank; ++d) out[d * count + j] = index[d];
  }
  return std::vector<Tensor>{fromInts(DType::I64, {rank, count}, out)};
}

KernelResult kernelCompress(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  std::vector<int64_t> condition = toInts(context.in(1));
  Tensor data = x;
  int64_t axis = 0;
  if (context.attrs().has("axis")) {
    TS_ASSIGN_OR_RETURN(axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  } else {
    data = reshaped(x, {x.elementCount()});
  }
  int64_t extent = data.shape()[axis], inner = stridesOf(data.shape())[axis];
  int64_t outer = data.elementCount() / std::max<int64_t>(1, extent * inner);
  std::vector<int64_t> kept;
  for (int64_t e = 0; e < std::min<int64_t>(extent, condition.size()); ++e)
    if (condition[e]) kept.push_back(e);
  Shape shape = data.shape();
  shape[axis] = kept.size();
  std::vector<int64_t> map;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t e : kept)
      for (int64_t i = 0; i < inner; ++i) map.push_back((o * extent + e) * inner + i);
  return std::vector<Tensor>{gatherElementsByIndex(data, shape, map)};
}

KernelResult kernelReverseSequence(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  int64_t batchAxis = context.attrs().getInt("batch_axis", 1), timeAxis = context.attrs().getInt("time_axis", 0);
  std::vector<int64_t> lengths = toInts(context.in(1)), strides = stridesOf(x.shape()), index, map(x.elementCount());
  for (size_t i = 0; i < map.size(); ++i) {
    unravel(i, x.shape(), index);
    int64_t length = lengths.at(index[batchAxis]);
    if (index[timeAxis] < length) index[timeAxis] = length - 1 - index[timeAxis];
    map[i] = 0;
    for (size_t d = 0; d < index.size(); ++d) map[i] += index[d] * strides[d];
  }
  return std::vector<Tensor>{gatherElementsByIndex(x, x.shape(), map)};
}

} // namespace tessera::interp
