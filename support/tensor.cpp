//===- tensor.cpp - Dense host tensor ----------------------------------------===//
#include "support/tensor.h"

#include <charconv>
#include <limits>

#include "support/strings.h"

namespace tessera {

// INT64_MAX when the product overflows, so that a size check against the element limit
// (support/limits.h) rejects the shape.
int64_t shapeElementCount(const Shape &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    if (__builtin_mul_overflow(count, dim, &count)) return std::numeric_limits<int64_t>::max();
  return count;
}

std::string shapeToString(const Shape &shape) {
  if (shape.empty()) return "scalar";
  return joinStrings(shape, "x");
}

StatusOr<Shape> parseShape(std::string_view text) {
  if (text == "scalar") return Shape{};
  Shape shape;
  for (std::string_view part : splitString(text, 'x')) {
    int64_t dim = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), dim);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || dim < 0)
      return invalidInput("bad shape '%s': '%s' is not a non-negative integer", std::string(text),
                          std::string(part));
    shape.push_back(dim);
  }
  return shape;
}

namespace {
size_t bytesOf(DType dtype, const Shape &shape) {
  return static_cast<size_t>(shapeElementCount(shape)) * dtypeSize(dtype);
}
} // namespace

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(bytesOf(dtype_, shape_), uint8_t{0}) {}

void Tensor::reuseAs(DType dtype, Shape shape) {
  dtype_ = dtype;
  shape_ = std::move(shape);
  bytes_.resize(bytesOf(dtype_, shape_));
}

} // namespace tessera
