//===- kernels_resize.cpp - Resize and Upsample --------------------------------===//
//
// Separable N-d interpolation: for each output coordinate, each dimension contributes
// a few (index, weight) taps from the coordinate transformation and the mode
// (nearest, linear, cubic); the output is the sum over the product of the taps.
//
//===----------------------------------------------------------------------===//
#include <cmath>

#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

struct Tap {
  int64_t index;
  double weight;
};

struct ResizeOptions {
  std::string mode, transform, nearestMode;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false;
};

double sourceCoordinate(const ResizeOptions &o, double x, double scale, int64_t inSize, int64_t outSize,
                        double roiStart, double roiEnd) {
  if (o.transform == "asymmetric") return x / scale;
  // ONNX's reference uses the unrounded resized length (input * scale) here.
  double resized = inSize * scale;
  (void)outSize;
  if (o.transform == "align_corners") return resized == 1 ? 0 : x * (inSize - 1) / (resized - 1);
  if (o.transform == "pytorch_half_pixel") return resized > 1 ? (x + 0.5) / scale - 0.5 : 0;
  if (o.transform == "tf_half_pixel_for_nn") return (x + 0.5) / scale;
  if (o.transform == "tf_crop_and_resize")
    return resized > 1 ? roiStart * (inSize - 1) + x * (roiEnd - roiStart) * (inSize - 1) / (resized - 1)
                       : 0.5 * (roiStart + roiEnd) * (inSize - 1);
  return (x + 0.5) / scale - 0.5; // half_pixel
}

int64_t nearestIndex(const std::string &mode, double x) {
  if (mode == "floor") return static_cast<int64_t>(std::floor(x));
  if (mode == "ceil") return static_cast<int64_t>(std::ceil(x));
  bool half = x - std::floor(x) == 0.5;
  if (mode == "round_prefer_ceil") return half ? static_cast<int64_t>(std::ceil(x)) : static_cast<int64_t>(std::round(x));
  return half ? static_cast<int64_t>(std::floor(x)) : static_cast<int64_t>(std::round(x)); // round_prefer_floor
}

double cubicWeight(double t, double a) {
  t = std::fabs(t);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/// Taps of one output coordinate along one dimension; empty means extrapolate.
std::vector<Tap> tapsFor(const ResizeOptions &o, double x, int64_t inSize, bool &outside) {
  outside = o.transform == "tf_crop_and_resize" && (x < 0 || x > inSize - 1);
  std::vector<Tap> taps;
  if (o.mode == "nearest") {
    int64_t i = std::clamp<int64_t>(nearestIndex(o.nearestMode, x), 0, inSize - 1);
    return {{i, 1.0}};
  }
  int64_t base = static_cast<int64_t>(std::floor(x));
  double frac = x - base;
  if (o.mode == "linear") {
    taps = {{base, 1 - frac}, {base + 1, frac}};
  } else {
    for (int64_t k = -1; k <= 2; ++k) taps.push_back({base + k, cubicWeight(frac - k, o.cubicA)});
  }
  double total = 0;
  for (Tap &tap : taps) {
    bool in = tap.index >= 0 && tap.index < inSize;
    if (!in && o.excludeOutside) tap.weight = 0;
    tap.index = std::clamp<int64_t>(tap.index, 0, inSize - 1);
    total += tap.weight;
  }
  if (o.excludeOutside && total != 0)
    for (Tap &tap : taps) tap.weight /= total;
  return taps;
}

} // namespace

KernelResult kernelResize(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  bool upsample = context.node.op == "Upsample";
  int64_t rank = x.shape().size();
  ResizeOptions o;
  o.mode = context.attrs().getString("mode", "nearest");
  if (o.mode == "bilinear" || o.mode == "trilinear") o.mode = "linear";
  o.transform = upsample ? "asymmetric" : context.attrs().getString("coordinate_transformation_mode", "half_pixel");
  o.nearestMode = upsample ? "floor" : context.attrs().getString("nearest_mode", "round_prefer_floor");
  o.cubicA = context.attrs().getFloat("cubic_coeff_a", -0.75f);
  o.excludeOutside = context.attrs().getInt("exclude_outside", 0) != 0;
  o.extrapolation = context.attrs().getFloat("extrapolation_value", 0.f);
  if (context.attrs().has("axes")) return context.error("the axes attribute is not supported");
  std::vector<double> scales(rank, 1.0), roi(2 * rank, 0);
  for (int64_t d = 0; d < rank; ++d) roi[rank + d] = 1;
  Shape shape = x.shape();
  const Tensor *scaleInput = upsample ? (context.has(1) ? &context.in(1) : nullptr) : (context.has(2) ? &context.in(2) : nullptr);
  const Tensor *sizeInput = !upsample && context.has(3) ? &context.in(3) : nullptr;
  if (!upsample && context.has(1) && context.in(1).elementCount() == 2 * rank) roi = toDoubles(context.in(1));
  if (upsample && !scaleInput) {
    graph::Floats f = context.attrs().getFloats("scales");
    scales.assign(f.begin(), f.end());
  }
  if (sizeInput && sizeInput->elementCount() == rank) {
    shape = toInts(*sizeInput);
    for (int64_t d = 0; d < rank; ++d) scales[d] = double(shape[d]) / x.shape()[d];
  } else if (scaleInput && scaleInput->elementCount() == rank) {
    std::vector<float> s = toFloats(*scaleInput);
    for (int64_t d = 0; d < rank; ++d) {
      scales[d] = s[d];
      shape[d] = static_cast<int64_t>(std::floor(x.shape()[d] * s[d]));
    }
  } else if (static_cast<int64_t>(scales.size()) == rank) {
    for (int64_t d = 0; d < rank; ++d) shape[d] = static_cast<int64_t>(std::floor(x.shape()[d] * scales[d]));
  } else {
    return context.error("needs scales or sizes with one entry per dimension");
  }
  std::vector<std::vector<std::vector<Tap>>> taps(rank);
  std::vector<std::vector<bool>> outside(rank);
  for (int64_t d = 0; d < rank; ++d)
    for (int64_t i = 0; i < shape[d]; ++i) {
      bool out = false;
      double coordinate = sourceCoordinate(o, i, scales[d], x.shape()[d], shape[d], roi[d], roi[rank + d]);
      taps[d].push_back(tapsFor(o, coordinate, x.shape()[d], out));
      outside[d].push_back(out);
    }
  std::vector<double> xv = toDoubles(x), out(shapeElementCount(shape));
  std::vector<int64_t> strides = stridesOf(x.shape()), index;
  for (size_t i = 0; i < out.size(); ++i) {
    unravel(i, shape, index);
    bool extrapolate = false;
    for (int64_t d = 0; d < rank; ++d) extrapolate |= outside[d][index[d]];
    if (extrapolate) { out[i] = o.extrapolation; continue; }
    // Sum over the product of the per-dimension taps, dimension by dimension.
    std::vector<std::pair<int64_t, double>> partial = {{0, 1.0}}, next;
    for (int64_t d = 0; d < rank; ++d) {
      next.clear();
      for (const auto &[offset, weight] : partial)
        for (const Tap &tap : taps[d][index[d]])
          if (tap.weight != 0) next.push_back({offset + tap.index * strides[d], weight * tap.weight});
      partial.swap(next);
    }
    double sum = 0;
    for (const auto &[offset, weight] : partial) sum += weight * xv[offset];
    out[i] = sum;
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, out)};
}

} // namespace tessera::interp
