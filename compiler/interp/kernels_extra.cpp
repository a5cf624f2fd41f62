//===- kernels_extra.cpp - Unique, MaxUnpool, NonMaxSuppression, Det, windows --===//
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/infer_util.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {

KernelResult kernelWindow(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  int64_t size = toInts(context.in(0)).at(0);
  if (size < 0) return context.error("window size %d is negative", size);
  auto dtype = parseDType(context.attrs().getString("output_datatype", "f32"));
  if (!dtype.ok()) return context.error("%s", dtype.status().message());
  bool periodic = context.attrs().getInt("periodic", 1) != 0;
  double n = periodic ? size : size - 1;
  std::vector<double> out(size);
  const std::string &op = context.node.op;
  for (int64_t i = 0; i < size; ++i) {
    double phase = n == 0 ? 0 : 2 * std::numbers::pi * i / n;
    if (op == "HannWindow") out[i] = 0.5 - 0.5 * std::cos(phase);
    else if (op == "HammingWindow") out[i] = 25.0 / 46.0 - (21.0 / 46.0) * std::cos(phase);
    else out[i] = 0.42 - 0.5 * std::cos(phase) + 0.08 * std::cos(2 * phase);
  }
  return std::vector<Tensor>{fromDoubles(*dtype, {size}, out)};
}

KernelResult kernelDet(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  const Shape &shape = x.shape();
  if (shape.size() < 2 || shape.back() != shape[shape.size() - 2]) return context.error("needs square matrices");
  int64_t n = shape.back(), count = x.elementCount() / std::max<int64_t>(1, n * n);
  std::vector<double> values = toDoubles(x), out(count);
  for (int64_t b = 0; b < count; ++b) {
    std::vector<double> a(values.begin() + b * n * n, values.begin() + (b + 1) * n * n);
    double det = 1;
    for (int64_t col = 0; col < n && det != 0; ++col) {
      int64_t pivot = col;
      for (int64_t r = col + 1; r < n; ++r)
        if (std::fabs(a[r * n + col]) > std::fabs(a[pivot * n + col])) pivot = r;
      if (a[pivot * n + col] == 0) { det = 0; break; }
      if (pivot != col) {
        for (int64_t k = 0; k < n; ++k) std::swap(a[pivot * n + k], a[col * n + k]);
        det = -det;
      }
      det *= a[col * n + col];
      for (int64_t r = col + 1; r < n; ++r) {
        double factor = a[r * n + col] / a[col * n + col];
        for (int64_t k = col; k < n; ++k) a[r * n + k] -= factor * a[col * n + k];
      }
    }
    out[b] = det;
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), Shape(shape.begin(), shape.end() - 2), out)};
}

KernelResult kernelMaxUnpool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  if (x.shape().size() < 3) return context.error("needs an input of rank at least 3");
  graph::Ints kernel = context.attrs().getInts("kernel_shape");
  size_t rank = x.shape().size() - 2;
  graph::Ints strides = context.attrs().getInts("strides", graph::Ints(rank, 1));
  graph::Ints pads = context.attrs().getInts("pads", graph::Ints(2 * rank, 0));
  if (kernel.size() != rank || strides.size() != rank || pads.size() != 2 * rank)
    return context.error("kernel_shape, strides and pads do not match the input rank");
  // MaxPool's indices address this default shape; an explicit output_shape re-places them.
  Shape natural = {x.shape()[0], x.shape()[1]};
  for (size_t d = 0; d < rank; ++d)
    natural.push_back((x.shape()[d + 2] - 1) * strides[d] + kernel[d] - pads[d] - pads[d + rank]);
  Shape shape = context.has(2) ? toInts(context.in(2)) : natural;
  if (shape.size() != natural.size()) return context.error("output_shape has the wrong rank");
  std::vector<double> xv = toDoubles(x), out(shapeElementCount(shape), 0);
  std::vector<int64_t> indices = toInts(context.in(1)), strideOut = stridesOf(shape), position;
  for (size_t i = 0; i < indices.size() && i < xv.size(); ++i) {
    if (indices[i] < 0 || indices[i] >= shapeElementCount(natural)) return context.error("index %d is out of range", indices[i]);
    unravel(indices[i], natural, position);
    int64_t offset = 0;
    for (size_t d = 0; d < position.size(); ++d) {
      if (position[d] >= shape[d]) return context.error("index %d does not fit output_shape", indices[i]);
      offset += position[d] * strideOut[d];
    }
    out[offset] = xv[i];
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, out)};
}

KernelResult kernelUnique(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  bool sorted = context.attrs().getInt("sorted", 1) != 0;
  Tensor data = x;
  int64_t axis = 0;
  if (context.attrs().has("axis")) {
    TS_ASSIGN_OR_RETURN(axis, graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size()));
  } else {
    data = reshaped(x, {x.elementCount()});
  }
  int64_t extent = data.shape()[axis], inner = stridesOf(data.shape())[axis];
  int64_t outer = data.elementCount() / std::max<int64_t>(1, extent * inner);
  std::vector<double> values = toDoubles(data);
  auto slice = [&](int64_t e) {
    std::vector<double> s;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) s.push_back(values[(o * extent + e) * inner + i]);
    return s;
  };
  std::vector<std::vector<double>> uniques;
  std::vector<int64_t> firstIndex, inverse(extent), counts;
  for (int64_t e = 0; e < extent; ++e) {
    std::vector<double> s = slice(e);
    auto it = std::find(uniques.begin(), uniques.end(), s);
    if (it == uniques.end()) {
      uniques.push_back(s);
      firstIndex.push_back(e);
      counts.push_back(0);
      it = uniques.end() - 1;
    }
    inverse[e] = it - uniques.begin();
    ++counts[inverse[e]];
  }
  std::vector<int64_t> order(uniques.size());
  std::iota(order.begin(), order.end(), 0);
  if (sorted) std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return uniques[a] < uniques[b]; });
  std::vector<int64_t> rank(order.size());
  for (size_t k = 0; k < order.size(); ++k) rank[order[k]] = k;
  Shape shape = data.shape();
  shape[axis] = order.size();
  std::vector<int64_t> map;
  std::vector<int64_t> indexOut, inverseOut(extent), countOut;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : order)
      for (int64_t i = 0; i < inner; ++i) map.push_back((o * extent + firstIndex[k]) * inner + i);
  for (int64_t k : order) {
    indexOut.push_back(firstIndex[k]);
    countOut.push_back(counts[k]);
  }
  for (int64_t e = 0; e < extent; ++e) inverseOut[e] = rank[inverse[e]];
  int64_t n = order.size();
  return std::vector<Tensor>{gatherElementsByIndex(data, shape, map), fromInts(DType::I64, {n}, indexOut),
                             fromInts(DType::I64, {extent}, inverseOut), fromInts(DType::I64, {n}, countOut)};
}

namespace {

struct Box {
  double y1, x1, y2, x2;
};

Box readBox(const std::vector<double> &boxes, int64_t offset, bool centerPoint) {
  const double *b = boxes.data() + offset;
  if (centerPoint) return {b[1] - b[3] / 2, b[0] - b[2] / 2, b[1] + b[3] / 2, b[0] + b[2] / 2};
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]), std::max(b[1], b[3])};
}

double intersectionOverUnion(const Box &a, const Box &b) {
  double h = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  double w = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  double inter = h * w, areaA = (a.y2 - a.y1) * (a.x2 - a.x1), areaB = (b.y2 - b.y1) * (b.x2 - b.x1);
  double uni = areaA + areaB - inter;
  return uni <= 0 ? 0 : inter / uni;
}

} // namespace

KernelResult kernelNonMaxSuppression(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &boxesT = context.in(0), &scoresT = context.in(1);
  if (boxesT.shape().size() != 3 || scoresT.shape().size() != 3 || boxesT.shape()[2] != 4)
    return context.error("boxes must be [batch, boxes, 4] and scores [batch, classes, boxes]");
  int64_t batches = scoresT.shape()[0], classes = scoresT.shape()[1], count = scoresT.shape()[2];
  int64_t maxOut = context.has(2) && context.in(2).elementCount() ? toInts(context.in(2))[0] : 0;
  double iouThreshold = context.has(3) && context.in(3).elementCount() ? toDoubles(context.in(3))[0] : 0;
  bool hasScoreThreshold = context.has(4) && context.in(4).elementCount();
  double scoreThreshold = hasScoreThreshold ? toDoubles(context.in(4))[0] : 0;
  bool centerPoint = context.attrs().getInt("center_point_box", 0) != 0;
  std::vector<double> boxes = toDoubles(boxesT), scores = toDoubles(scoresT);
  std::vector<int64_t> selected;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t c = 0; c < classes; ++c) {
      std::vector<int64_t> candidates;
      const double *s = scores.data() + (b * classes + c) * count;
      for (int64_t i = 0; i < count; ++i)
        if (!hasScoreThreshold || s[i] > scoreThreshold) candidates.push_back(i);
      std::stable_sort(candidates.begin(), candidates.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
      std::vector<int64_t> kept;
      for (int64_t i : candidates) {
        if (int64_t(kept.size()) >= maxOut) break;
        Box box = readBox(boxes, (b * count + i) * 4, centerPoint);
        bool suppressed = std::any_of(kept.begin(), kept.end(), [&](int64_t k) {
          return intersectionOverUnion(box, readBox(boxes, (b * count + k) * 4, centerPoint)) > iouThreshold;
        });
        if (suppressed) continue;
        kept.push_back(i);
        selected.insert(selected.end(), {b, c, i});
      }
    }
  return std::vector<Tensor>{fromInts(DType::I64, {int64_t(selected.size() / 3), 3}, selected)};
}

} // namespace tessera::interp
