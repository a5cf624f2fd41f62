//===- tensor.h - A dense host tensor: dtype, shape, bytes --------------------===//
//
// The value type that crosses every boundary of the tool: .npy/.pb files, runtime
// inputs and outputs, graph constants. Data is row-major and owned.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "support/dtype.h"

namespace tessera {

using Shape = std::vector<int64_t>;

/// Number of elements of a shape (1 for a scalar).
int64_t shapeElementCount(const Shape &shape);
/// "1x3x224x224" (or "scalar").
std::string shapeToString(const Shape &shape);
/// Parses "1x3x224x224"; the error names the text.
StatusOr<Shape> parseShape(std::string_view text);

/// Allocates on 64-byte boundaries: a cache line and one AVX-512 vector, as ONNX
/// Runtime's and TVM's allocators do. Compiled kernels load a tensor's rows as whole
/// vectors; from malloc's 16-byte alignment one starting the tensor would split
/// across two cache lines.
template <typename T> struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T *p, size_t) { ::operator delete(p, kAlignment); }
  /// Default-initializes (no zero fill on resize): Tensor zeroes what it promises.
  template <typename U> void construct(U *p) { ::new (static_cast<void *>(p)) U; }
  template <typename U, typename... Args> void construct(U *p, Args &&...args) {
    ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const { return true; }
};

/// A tensor's bytes.
using TensorBytes = std::vector<uint8_t, CacheLineAllocator<uint8_t>>;

class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor.
  Tensor(DType dtype, Shape shape);

  /// Becomes a tensor of `dtype` and `shape` in the same storage, reallocated only when
  /// its capacity is too small; the contents are whatever the storage held (an
  /// executor's pooled buffer, about to be overwritten).
  void reuseAs(DType dtype, Shape shape);

  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  int64_t elementCount() const { return shapeElementCount(shape_); }
  size_t byteSize() const { return bytes_.size(); }

  uint8_t *bytes() { return bytes_.data(); }
  const uint8_t *bytes() const { return bytes_.data(); }
  TensorBytes &storage() { return bytes_; }
  const TensorBytes &storage() const { return bytes_; }

  /// Typed views; the caller asserts the dtype matches T.
  template <typename T> T *data() { return reinterpret_cast<T *>(bytes_.data()); }
  template <typename T> const T *data() const { return reinterpret_cast<const T *>(bytes_.data()); }

  bool operator==(const Tensor &other) const = default;

private:
  DType dtype_ = DType::F32;
  Shape shape_;
  TensorBytes bytes_;
};

} // namespace tessera
