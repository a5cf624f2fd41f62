//===- schedule.h - Schedule primitives over compute stages --------------------------===//
//
// A Schedule records, per stage, how its loops are formed; lower() realizes the
// loop IR. Every parameter is explicit (factors, orders, kinds, scopes), so an
// auto-tuner can search the space by calling these with different values.
//
//   split(s, x, f, xo, xi)     x = xo * f + xi (a guard when f does not divide x)
//   reorder(s, {a, b, ...})    the listed loops take their positions in this order
//   fuse(s, a, b, ab)          adjacent loops a (outer), b (inner) become one
//   setKind(s, x, kind)        parallel / vectorized / unrolled / vthread / gpu_*
//   cacheWrite(s, x, scope)    accumulate inside loop x in a buffer of `scope`,
//                              written back once per iteration of x
//   cacheRead(s, in, x, scope) copy the region of `in` read inside x into `scope`
//   computeAt(p, s, x)         compute the region of stage p that s reads inside x
//                              there (sliding-window recomputation), not up front
//   tensorize(s, x, name)      replace the update loops inside x by `call @name`
//   prefetch(s, in, x, a, d)   at the top of update loop x, `call @prefetch` the lines
//                              of `in` the loops inside x read d steps ahead along
//                              original axis a (clamped to the axis)
//
// Loops nest in leaf order; with a reduction, the loops before the first reduction
// loop (or up to the cache_write loop) enclose three nests: the initialization and
// the epilogue over the inner spatial loops, and the update over every inner loop.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/loop/compute.h"
#include "support/status.h"

namespace tessera::loop {

struct IterVar {
  std::string name;
  int64_t extent = 1;
  bool reduce = false;
  ForKind kind = ForKind::Serial;
};

struct SplitRelation {
  std::string parent, outer, inner;
  int64_t factor;
};
struct FuseRelation {
  std::string outer, inner, fused;
};
using Relation = std::variant<SplitRelation, FuseRelation>;

struct CacheRead {
  std::string input, at, local;
  MemScope scope;
};

struct Prefetch {
  std::string input, at, axis;
  int64_t offset;
};

struct StageSchedule {
  /// The current loops, outermost first.
  std::vector<IterVar> leaves;
  /// Extents of every variable ever created (axes, splits, fusions).
  std::map<std::string, IterVar> vars;
  std::vector<Relation> relations;
  std::optional<std::string> cacheWriteAt;
  MemScope cacheWriteScope = MemScope::Local;
  std::vector<CacheRead> cacheReads;
  /// (consumer stage, loop) when computed inside another stage.
  std::optional<std::pair<std::string, std::string>> computeAt;
  std::optional<std::string> tensorizeAt;
  std::string intrinsic;
  std::vector<Prefetch> prefetches;
};

class Schedule {
public:
  explicit Schedule(ComputeFunc func);

  Status split(const std::string &stage, const std::string &var, int64_t factor, const std::string &outer,
               const std::string &inner);
  Status reorder(const std::string &stage, const std::vector<std::string> &order);
  Status fuse(const std::string &stage, const std::string &outer, const std::string &inner, const std::string &fused);
  Status setKind(const std::string &stage, const std::string &var, ForKind kind);
  Status parallel(const std::string &stage, const std::string &var) { return setKind(stage, var, ForKind::Parallel); }
  Status vectorize(const std::string &stage, const std::string &var) { return setKind(stage, var, ForKind::Vectorized); }
  Status unroll(const std::string &stage, const std::string &var) { return setKind(stage, var, ForKind::Unrolled); }
  Status cacheWrite(const std::string &stage, const std::string &at, MemScope scope);
  Status cacheRead(const std::string &stage, const std::string &input, const std::string &at, MemScope scope);
  Status computeAt(const std::string &producer, const std::string &consumer, const std::string &at);
  Status tensorize(const std::string &stage, const std::string &at, const std::string &intrinsic);
  Status prefetch(const std::string &stage, const std::string &input, const std::string &at, const std::string &axis,
                  int64_t offset);

  /// The loops of a stage, outermost first.
  StatusOr<std::vector<IterVar>> loops(const std::string &stage) const;
  const ComputeFunc &func() const { return func_; }
  /// Realizes the schedule as a loop IR func.
  StatusOr<Func> lower() const;

private:
  StatusOr<StageSchedule *> find(const std::string &stage);
  StatusOr<size_t> leafIndex(const StageSchedule &s, const std::string &stage, const std::string &var) const;

  ComputeFunc func_;
  std::map<std::string, StageSchedule> schedules_;
};

} // namespace tessera::loop
