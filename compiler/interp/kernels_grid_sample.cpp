//===- kernels_grid_sample.cpp - GridSample and RoiAlign ------------------------===//
//
// Follows the reference semantics ONNX's GridSample shares with PyTorch's
// grid_sampler_2d: normalized grid coordinates are unnormalized (align_corners),
// padded (zeros, border clamp, reflection) and interpolated (nearest with round
// half to even, bilinear, bicubic with A = -0.75 and per-tap padding).
//
//===----------------------------------------------------------------------===//
#include <cmath>

#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

struct Sampler {
  const double *image;
  int64_t height, width;
  bool alignCorners;
  std::string padding;

  double unnormalize(double coord, int64_t size) const {
    return alignCorners ? (coord + 1) / 2 * (size - 1) : ((coord + 1) * size - 1) / 2;
  }

  static double reflect(double in, double twiceLow, double twiceHigh) {
    if (twiceLow == twiceHigh) return 0;
    double low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
    in = std::fabs(in - low);
    double extra = std::fmod(in, span);
    int64_t flips = static_cast<int64_t>(std::floor(in / span));
    return flips % 2 == 0 ? extra + low : span - extra + low;
  }

  /// Applies the padding mode to an unnormalized coordinate.
  double pad(double coord, int64_t size) const {
    if (padding == "border") return std::clamp(coord, 0.0, double(size - 1));
    if (padding == "reflection") {
      coord = alignCorners ? reflect(coord, 0, 2.0 * (size - 1)) : reflect(coord, -1, 2.0 * size - 1);
      return std::clamp(coord, 0.0, double(size - 1));
    }
    return coord;
  }

  double pixel(int64_t y, int64_t x) const {
    return y < 0 || y >= height || x < 0 || x >= width ? 0 : image[y * width + x];
  }

  double paddedPixel(int64_t y, int64_t x) const {
    int64_t py = static_cast<int64_t>(pad(double(y), height)), px = static_cast<int64_t>(pad(double(x), width));
    return pixel(py, px);
  }

  static double cubic(double t, int which) {
    constexpr double A = -0.75;
    double x = which == 0 ? t + 1 : which == 1 ? t : which == 2 ? 1 - t : 2 - t;
    if (which == 1 || which == 2) return ((A + 2) * x - (A + 3)) * x * x + 1;
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }

  double sample(const std::string &mode, double gx, double gy) const {
    double x = unnormalize(gx, width), y = unnormalize(gy, height);
    if (mode == "bicubic") {
      double x0 = std::floor(x), y0 = std::floor(y), result = 0;
      for (int j = 0; j < 4; ++j)
        for (int i = 0; i < 4; ++i)
          result += cubic(y - y0, j) * cubic(x - x0, i) * paddedPixel(int64_t(y0) - 1 + j, int64_t(x0) - 1 + i);
      return result;
    }
    x = pad(x, width);
    y = pad(y, height);
    if (mode == "nearest") return pixel(int64_t(std::nearbyint(y)), int64_t(std::nearbyint(x)));
    double x0 = std::floor(x), y0 = std::floor(y), tx = x - x0, ty = y - y0;
    int64_t ix = int64_t(x0), iy = int64_t(y0);
    return pixel(iy, ix) * (1 - tx) * (1 - ty) + pixel(iy, ix + 1) * tx * (1 - ty) + pixel(iy + 1, ix) * (1 - tx) * ty +
           pixel(iy + 1, ix + 1) * tx * ty;
  }
};

} // namespace

KernelResult kernelGridSample(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &grid = context.in(1);
  if (x.shape().size() != 4 || grid.shape().size() != 4 || grid.shape()[3] != 2 || grid.shape()[0] != x.shape()[0])
    return context.error("X must be [N,C,H,W] and grid [N,H_out,W_out,2]");
  std::string mode = context.attrs().getString("mode", "bilinear");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic") return context.error("unknown mode '%s'", mode);
  int64_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  int64_t outH = grid.shape()[1], outW = grid.shape()[2];
  std::vector<double> image = toDoubles(x), coords = toDoubles(grid), out(n * c * outH * outW);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      Sampler sampler{image.data() + (b * c + ch) * h * w, h, w, context.attrs().getInt("align_corners", 0) != 0,
                      context.attrs().getString("padding_mode", "zeros")};
      for (int64_t i = 0; i < outH * outW; ++i) {
        const double *g = coords.data() + (b * outH * outW + i) * 2;
        out[(b * c + ch) * outH * outW + i] = sampler.sample(mode, g[0], g[1]);
      }
    }
  return std::vector<Tensor>{fromDoubles(x.dtype(), {n, c, outH, outW}, out)};
}

} // namespace tessera::interp

namespace tessera::interp {
namespace {

/// Bilinear sample of one plane at (y, x) with the RoiAlign border rules.
double roiBilinear(const double *plane, int64_t height, int64_t width, double y, double x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) return 0;
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= height - 1) y0 = y1 = height - 1, y = double(y0);
  if (x0 >= width - 1) x0 = x1 = width - 1, x = double(x0);
  double ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  return hy * hx * plane[y0 * width + x0] + hy * lx * plane[y0 * width + x1] + ly * hx * plane[y1 * width + x0] +
         ly * lx * plane[y1 * width + x1];
}

} // namespace

/// RoiAlign averages (mode "avg") bilinear samples per output bin, with ONNX's
/// half_pixel or output_half_pixel coordinates. Mode "max" takes the maximum of the
/// bilinear samples (torchvision's definition); ONNX's own max mode weights corners
/// differently and has no conformance case here, so it is not claimed to match.
KernelResult kernelRoiAlign(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &x = context.in(0);
  if (x.shape().size() != 4 || context.in(1).shape().size() != 2 || context.in(1).shape()[1] != 4)
    return context.error("X must be [N,C,H,W] and rois [R,4]");
  int64_t channels = x.shape()[1], height = x.shape()[2], width = x.shape()[3], count = context.in(1).shape()[0];
  int64_t outH = context.attrs().getInt("output_height", 1), outW = context.attrs().getInt("output_width", 1);
  int64_t ratio = context.attrs().getInt("sampling_ratio", 0);
  double scale = context.attrs().getFloat("spatial_scale", 1.f);
  bool halfPixel = context.attrs().getString("coordinate_transformation_mode", "half_pixel") == "half_pixel";
  bool maxMode = context.attrs().getString("mode", "avg") == "max";
  std::vector<double> image = toDoubles(x), rois = toDoubles(context.in(1)), out(count * channels * outH * outW);
  std::vector<int64_t> batch = toInts(context.in(2));
  double offset = halfPixel ? 0.5 : 0.0;
  for (int64_t r = 0; r < count; ++r) {
    const double *roi = rois.data() + r * 4;
    double x1 = roi[0] * scale - offset, y1 = roi[1] * scale - offset, x2 = roi[2] * scale - offset, y2 = roi[3] * scale - offset;
    double roiW = x2 - x1, roiH = y2 - y1;
    if (!halfPixel) roiW = std::max(roiW, 1.0), roiH = std::max(roiH, 1.0);
    double binH = roiH / outH, binW = roiW / outW;
    int64_t gridH = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(roiH / outH));
    int64_t gridW = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(roiW / outW));
    int64_t samples = std::max<int64_t>(gridH * gridW, 1);
    if (batch[r] < 0 || batch[r] >= x.shape()[0]) return context.error("batch index %d is out of range", batch[r]);
    for (int64_t c = 0; c < channels; ++c) {
      const double *plane = image.data() + (batch[r] * channels + c) * height * width;
      for (int64_t ph = 0; ph < outH; ++ph)
        for (int64_t pw = 0; pw < outW; ++pw) {
          double acc = maxMode ? -INFINITY : 0;
          for (int64_t iy = 0; iy < gridH; ++iy)
            for (int64_t ix = 0; ix < gridW; ++ix) {
              double y = y1 + ph * binH + (iy + 0.5) * binH / gridH, xx = x1 + pw * binW + (ix + 0.5) * binW / gridW;
              double v = roiBilinear(plane, height, width, y, xx);
              acc = maxMode ? std::max(acc, v) : acc + v;
            }
          out[((r * channels + c) * outH + ph) * outW + pw] = maxMode ? acc : acc / samples;
        }
    }
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), {count, channels, outH, outW}, out)};
}

} // namespace tessera::interp
