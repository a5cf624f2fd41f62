//===- kernels_grid_sample.cpp - GridSample ------------------------------------===//
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
