//===- schedule_lower.cpp - Realizes a schedule as loop IR ----------------------------===//
//
// Per stage: express every original variable in terms of the loops (inverting the
// split and fuse relations), substitute, then build the loop nests described in
// schedule.h. Producers computed at a consumer's loop, cache reads and the
// cache-write accumulator are placed by region analysis over affine index forms.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <set>

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"
#include "compiler/loop/schedule.h"
#include "compiler/loop/simplify.h"

namespace tessera::loop {
namespace {

Expr conj(Expr a, Expr b) {
  if (!a) return b;
  if (!b) return a;
  return andExpr(a, b);
}

Stmt guarded(Stmt s, const Expr &cond) { return cond ? ifThen(cond, std::move(s)) : s; }

Stmt nest(const std::vector<IterVar> &loops, Stmt body) {
  for (auto it = loops.rbegin(); it != loops.rend(); ++it)
    body = forLoop(it->name, intImm(0), intImm(it->extent), it->kind, body);
  return body;
}

/// The region of `buffer` that the loads in `exprs` touch when the loops in `inner`
/// run through their ranges: per dimension, an affine start and a constant extent.
struct Region {
  std::vector<Affine> start;
  std::vector<int64_t> extent;
};

StatusOr<Region> accessRegion(const std::string &buffer, const std::vector<Expr> &exprs,
                              const std::map<std::string, int64_t> &inner, const std::string &what) {
  std::optional<std::vector<AffineRange>> ranges;
  Status status = absl::OkStatus();
  for (const Expr &root : exprs) {
    visitExpr(root, [&](const Expr &e) {
      if (e->kind != ExprKind::Load || e->name != buffer || !status.ok()) return;
      std::vector<AffineRange> r;
      for (const Expr &index : e->operands) {
        auto a = toAffine(simplifyExpr(index));
        if (!a) {
          status = invalidInput("%s: an index of %%%s is not affine", what, buffer);
          return;
        }
        r.push_back(affineRange(*a, inner));
      }
      if (!ranges) {
        ranges = r;
        return;
      }
      for (size_t d = 0; d < r.size(); ++d) {
        Affine lo = r[d].lo - (*ranges)[d].lo, hi = r[d].hi - (*ranges)[d].hi;
        if (!lo.isConstant() || !hi.isConstant()) {
          status = invalidInput("%s: the reads of %%%s do not differ by constants", what, buffer);
          return;
        }
        if (lo.constant < 0) (*ranges)[d].lo = r[d].lo;
        if (hi.constant > 0) (*ranges)[d].hi = r[d].hi;
      }
    });
  }
  TS_RETURN_IF_ERROR(status);
  if (!ranges) return invalidInput("%s: nothing reads %%%s there", what, buffer);
  Region region;
  for (const AffineRange &r : *ranges) {
    Affine span = r.hi - r.lo;
    if (!span.isConstant()) return invalidInput("%s: the region of %%%s has a variable extent", what, buffer);
    region.start.push_back(r.lo);
    region.extent.push_back(span.constant + 1);
  }
  return region;
}

/// `0 <= index < dim` for the dimensions where the region of `start` + [0, extent)
/// may leave the buffer when the loops in `ranges` run through their ranges.
Expr boundsGuard(const Region &region, const std::vector<Expr> &indices, const Shape &shape,
                 const std::map<std::string, int64_t> &ranges) {
  Expr cond;
  for (size_t d = 0; d < indices.size(); ++d) {
    AffineRange r = affineRange(region.start[d], ranges);
    if (r.lo.isConstant() && r.hi.isConstant() && r.lo.constant >= 0 && r.hi.constant + region.extent[d] <= shape[d])
      continue;
    cond = conj(cond, conj(geExpr(indices[d], intImm(0)), ltExpr(indices[d], intImm(shape[d]))));
  }
  return cond;
}

class FuncLowerer {
public:
  FuncLowerer(const ComputeFunc &func, const std::map<std::string, StageSchedule> &schedules)
      : func_(func), schedules_(schedules) {}

  StatusOr<Func> run() {
    std::vector<Stmt> body;
    for (const Stage &stage : func_.stages) {
      if (schedules_.at(stage.output.name).computeAt) continue;
      TS_ASSIGN_OR_RETURN(Stmt s, lowerStage(stage));
      body.push_back(s);
    }
    Stmt root = seq(std::move(body));
    for (auto it = func_.temps.rbegin(); it != func_.temps.rend(); ++it) root = alloc(*it, root);
    return Func{func_.name, func_.params, simplifyStmt(root)};
  }

private:
  struct Lowered {
    std::map<std::string, Expr> values; ///< original variable -> expression of loops
    Expr spatialGuard, reduceGuard;
    Expr body, init, epilogue;          ///< substituted
    std::vector<Expr> outIndex;
  };

  Lowered substitute(const Stage &stage, const StageSchedule &s) const;
  StatusOr<Stmt> lowerStage(const Stage &stage);
  StatusOr<Stmt> producerNest(const Stage &producer, const std::vector<Expr> &consumerExprs,
                              const std::map<std::string, int64_t> &inner, const std::map<std::string, int64_t> &all);
  StatusOr<Stmt> wrapOuter(const Stage &stage, const StageSchedule &s, size_t split, Lowered &l, Stmt content);
  StatusOr<Stmt> cacheReadAt(const CacheRead &read, const std::vector<Expr> &exprs,
                             const std::map<std::string, int64_t> &inner, const std::map<std::string, int64_t> &all,
                             const Stmt &content);
  StatusOr<Stmt> tensorized(const Stage &stage, const StageSchedule &s, size_t split, const Lowered &l,
                            const Expr &acc);
  StatusOr<Stmt> prefetchingNest(const Stage &stage, const StageSchedule &s, const Lowered &l,
                                 const std::vector<IterVar> &loops, Stmt body) const;
  StatusOr<std::vector<Stmt>> prefetchCalls(const Stage &stage, const StageSchedule &s, const Lowered &l,
                                            const Prefetch &pf, const std::vector<IterVar> &inside) const;

  const ComputeFunc &func_;
  const std::map<std::string, StageSchedule> &schedules_;
};

FuncLowerer::Lowered FuncLowerer::substitute(const Stage &stage, const StageSchedule &s) const {
  Lowered l;
  for (const IterVar &leaf : s.leaves) l.values[leaf.name] = var(leaf.name);
  for (auto it = s.relations.rbegin(); it != s.relations.rend(); ++it) {
    if (const auto *sp = std::get_if<SplitRelation>(&*it)) {
      l.values[sp->parent] = l.values[sp->outer] * intImm(sp->factor) + l.values[sp->inner];
      const IterVar &parent = s.vars.at(sp->parent);
      if (parent.extent % sp->factor == 0) continue;
      Expr guard = ltExpr(l.values[sp->parent], intImm(parent.extent));
      (parent.reduce ? l.reduceGuard : l.spatialGuard) = conj(parent.reduce ? l.reduceGuard : l.spatialGuard, guard);
    } else {
      const auto &fu = std::get<FuseRelation>(*it);
      int64_t innerExtent = s.vars.at(fu.inner).extent;
      l.values[fu.outer] = l.values[fu.fused] / intImm(innerExtent);
      l.values[fu.inner] = l.values[fu.fused] % intImm(innerExtent);
    }
  }
  auto sub = [&](const Expr &e) { return e ? simplifyExpr(loop::substitute(e, l.values)) : e; };
  // Guards refer to original variables only through l.values, already substituted.
  l.body = sub(stage.body);
  l.init = sub(stage.init);
  l.epilogue = sub(stage.epilogue);
  for (const std::string &axis : stage.axes) l.outIndex.push_back(sub(var(axis)));
  if (l.spatialGuard) l.spatialGuard = simplifyExpr(l.spatialGuard);
  if (l.reduceGuard) l.reduceGuard = simplifyExpr(l.reduceGuard);
  return l;
}

/// Replaces the epilogue's reads of the stage output at its own axes by `acc`.
Expr replaceAccumulated(const Expr &epilogue, const std::string &out, const Expr &acc) {
  return mapExpr(epilogue, [&](const Expr &e) { return e->kind == ExprKind::Load && e->name == out ? acc : e; });
}

StatusOr<Stmt> FuncLowerer::lowerStage(const Stage &stage) {
  const StageSchedule &s = schedules_.at(stage.output.name);
  const std::string &out = stage.output.name;
  Lowered l = substitute(stage, s);
  bool reduce = stage.combiner != Combiner::None;
  size_t split = s.leaves.size();
  if (s.cacheWriteAt) {
    for (size_t i = 0; i < s.leaves.size(); ++i)
      if (s.leaves[i].name == *s.cacheWriteAt) split = i + 1;
  } else if (reduce) {
    for (size_t i = s.leaves.size(); i-- > 0;)
      if (s.leaves[i].reduce) split = i;
  }
  std::vector<IterVar> inner(s.leaves.begin() + static_cast<long>(split), s.leaves.end()), innerSpatial;
  for (const IterVar &v : inner)
    if (!v.reduce) innerSpatial.push_back(v);

  Buffer accBuffer{out + "_" + std::string(scopeName(s.cacheWriteScope)), stage.output.dtype, {}, s.cacheWriteScope};
  std::vector<Expr> accIndex = l.outIndex;
  if (s.cacheWriteAt) {
    accIndex.clear();
    for (const IterVar &v : innerSpatial) {
      accBuffer.shape.push_back(v.extent);
      accIndex.push_back(var(v.name));
    }
    if (accIndex.empty()) {
      accBuffer.shape = {1};
      accIndex = {intImm(0)};
    }
  }
  const std::string &accName = s.cacheWriteAt ? accBuffer.name : out;
  Expr acc = load(accName, stage.output.dtype, accIndex);
  Expr epilogue = l.epilogue ? replaceAccumulated(l.epilogue, out, acc) : acc;

  std::vector<Stmt> content;
  if (reduce) {
    content.push_back(nest(innerSpatial, guarded(store(accName, accIndex, l.init), l.spatialGuard)));
    if (s.tensorizeAt) {
      TS_ASSIGN_OR_RETURN(Stmt call, tensorized(stage, s, split, l, acc));
      content.push_back(call);
    } else {
      Stmt update = store(accName, accIndex, combine(stage.combiner, acc, l.body));
      TS_ASSIGN_OR_RETURN(Stmt updateNest,
                          prefetchingNest(stage, s, l, inner, guarded(update, conj(l.spatialGuard, l.reduceGuard))));
      content.push_back(updateNest);
    }
    if (s.cacheWriteAt || l.epilogue)
      content.push_back(nest(innerSpatial, guarded(store(out, l.outIndex, epilogue), l.spatialGuard)));
  } else if (!s.prefetches.empty()) {
    return invalidInput("prefetch into %%%s: only a reduction's update loops prefetch", out);
  } else if (s.cacheWriteAt) {
    content.push_back(nest(inner, guarded(store(accName, accIndex, l.body), l.spatialGuard)));
    content.push_back(nest(innerSpatial, guarded(store(out, l.outIndex, epilogue), l.spatialGuard)));
  } else {
    Expr value = l.epilogue ? replaceAccumulated(l.epilogue, out, l.body) : l.body;
    content.push_back(nest(inner, guarded(store(out, l.outIndex, value), l.spatialGuard)));
  }
  Stmt body = seq(std::move(content));
  if (s.cacheWriteAt) body = alloc(accBuffer, body);
  return wrapOuter(stage, s, split, l, body);
}

StatusOr<Stmt> FuncLowerer::tensorized(const Stage &stage, const StageSchedule &s, size_t split, const Lowered &l,
                                       const Expr &acc) {
  size_t at = s.leaves.size();
  for (size_t i = 0; i < s.leaves.size(); ++i)
    if (s.leaves[i].name == *s.tensorizeAt) at = i;
  if (at + 1 < split)
    return invalidInput("tensorize of %%%s at %%%s: the loop is outside the accumulator", stage.output.name, *s.tensorizeAt);
  std::map<std::string, Expr> zero;
  std::vector<IterVar> kept, replaced;
  for (size_t i = split; i < s.leaves.size(); ++i) (i <= at ? kept : replaced).push_back(s.leaves[i]);
  for (const IterVar &v : replaced) zero[v.name] = intImm(0);
  auto addressAt = [&](const Expr &access) {
    std::vector<Expr> indices;
    for (const Expr &index : access->operands) indices.push_back(simplifyExpr(loop::substitute(index, zero)));
    return address(access->name, indices);
  };
  std::vector<Expr> args{addressAt(acc), addressAt(l.body->operands[0]), addressAt(l.body->operands[1])};
  for (const IterVar &v : replaced) args.push_back(intImm(v.extent));
  if (l.body->operands[0]->kind != ExprKind::Load || l.body->operands[1]->kind != ExprKind::Load)
    return invalidInput("tensorize of %%%s: the product's operands must be loads", stage.output.name);
  return nest(kept, callIntrinsic(s.intrinsic, std::move(args)));
}

/// The loops `loops` around `body`, each prefetch's calls first in the body of its loop.
StatusOr<Stmt> FuncLowerer::prefetchingNest(const Stage &stage, const StageSchedule &s, const Lowered &l,
                                            const std::vector<IterVar> &loops, Stmt body) const {
  for (const Prefetch &pf : s.prefetches)
    if (std::none_of(loops.begin(), loops.end(), [&](const IterVar &v) { return v.name == pf.at; }))
      return invalidInput("prefetch of %%%s in %%%s: loop %%%s is not an update loop inside the accumulator", pf.input,
                          stage.output.name, pf.at);
  for (size_t i = loops.size(); i-- > 0;) {
    std::vector<Stmt> stmts;
    for (const Prefetch &pf : s.prefetches) {
      if (pf.at != loops[i].name) continue;
      std::vector<IterVar> inside(loops.begin() + static_cast<long>(i) + 1, loops.end());
      TS_ASSIGN_OR_RETURN(std::vector<Stmt> calls, prefetchCalls(stage, s, l, pf, inside));
      stmts.insert(stmts.end(), calls.begin(), calls.end());
    }
    stmts.push_back(body);
    body = forLoop(loops[i].name, intImm(0), intImm(loops[i].extent), loops[i].kind,
                   stmts.size() == 1 ? body : seq(std::move(stmts)));
  }
  return body;
}

/// `call @prefetch(&%in[...])` for the element the stage's first read of `in` takes
/// `pf.offset` steps ahead along `pf.axis` (clamped to the axis), with the loops
/// inside the prefetch's loop at 0; a vectorized loop among them adds one call per
/// cache line of 64 bytes its lanes span.
StatusOr<std::vector<Stmt>> FuncLowerer::prefetchCalls(const Stage &stage, const StageSchedule &s, const Lowered &l,
                                                       const Prefetch &pf, const std::vector<IterVar> &inside) const {
  Expr read;
  visitExpr(stage.body, [&](const Expr &e) {
    if (!read && e->kind == ExprKind::Load && e->name == pf.input) read = e;
  });
  if (!read) return invalidInput("prefetch of %%%s in %%%s: the stage does not read it", pf.input, stage.output.name);
  int64_t last = s.vars.at(pf.axis).extent - 1;
  Expr ahead = var(pf.axis) + intImm(pf.offset);
  ahead = pf.offset > 0 ? minExpr(ahead, intImm(last)) : maxExpr(ahead, intImm(0));
  std::map<std::string, Expr> shifted = l.values;
  shifted[pf.axis] = loop::substitute(ahead, l.values);
  int64_t lanes = 1, lineElements = std::max<int64_t>(1, 64 / static_cast<int64_t>(dtypeSize(read->type)));
  std::string vectorVar;
  std::map<std::string, Expr> zero;
  for (const IterVar &v : inside) {
    zero[v.name] = intImm(0);
    if (v.kind == ForKind::Vectorized) vectorVar = v.name, lanes = v.extent;
  }
  std::vector<Stmt> calls;
  for (int64_t lane = 0; lane < lanes; lane += lineElements) {
    if (!vectorVar.empty()) zero[vectorVar] = intImm(lane);
    std::vector<Expr> indices;
    for (const Expr &index : read->operands)
      indices.push_back(simplifyExpr(loop::substitute(loop::substitute(index, shifted), zero)));
    Expr line = address(pf.input, std::move(indices));
    // Clamped at the axis's end, two lanes' lines can be the same element.
    if (std::none_of(calls.begin(), calls.end(), [&](const Stmt &c) { return exprEqual(c->args[0], line); }))
      calls.push_back(callIntrinsic("prefetch", {line}));
  }
  return calls;
}

StatusOr<Stmt> FuncLowerer::producerNest(const Stage &producer, const std::vector<Expr> &consumerExprs,
                                         const std::map<std::string, int64_t> &inner,
                                         const std::map<std::string, int64_t> &all) {
  const std::string what = strCat("compute_at of %", producer.output.name);
  TS_ASSIGN_OR_RETURN(Region region, accessRegion(producer.output.name, consumerExprs, inner, what));
  const StageSchedule &s = schedules_.at(producer.output.name);
  std::vector<Expr> index;
  for (const std::string &axis : producer.axes) index.push_back(var(axis));
  Expr value = producer.epilogue ? replaceAccumulated(producer.epilogue, producer.output.name, producer.body)
                                 : producer.body;
  Stmt body = guarded(store(producer.output.name, index, value), boundsGuard(region, index, producer.output.shape, all));
  for (size_t d = producer.axes.size(); d-- > 0;)
    body = forLoop(producer.axes[d], fromAffine(region.start[d]), intImm(region.extent[d]), s.leaves[d].kind, body);
  return body;
}

StatusOr<Stmt> FuncLowerer::cacheReadAt(const CacheRead &read, const std::vector<Expr> &exprs,
                                        const std::map<std::string, int64_t> &inner,
                                        const std::map<std::string, int64_t> &all, const Stmt &content) {
  const Buffer &input = *func_.findBuffer(read.input);
  TS_ASSIGN_OR_RETURN(Region region, accessRegion(read.input, exprs, inner, strCat("cache_read of %", read.input)));
  Buffer local{read.local, input.dtype, region.extent, read.scope};
  mapExprsInStmt(content, [&](const Expr &root) {
    return mapExpr(root, [&](const Expr &e) {
      bool access = e->kind == ExprKind::Load || e->kind == ExprKind::Address;
      if (!access || e->name != read.input) return e;
      std::vector<Expr> indices;
      for (size_t d = 0; d < e->operands.size(); ++d)
        indices.push_back(fromAffine(*toAffine(simplifyExpr(e->operands[d])) - region.start[d]));
      return e->kind == ExprKind::Load ? load(local.name, local.dtype, indices) : address(local.name, indices);
    });
  });
  std::vector<Expr> localIndex, inputIndex;
  std::vector<IterVar> loops;
  for (size_t d = 0; d < region.extent.size(); ++d) {
    std::string name = strCat(read.local, "_", d);
    loops.push_back({name, region.extent[d]});
    localIndex.push_back(var(name));
    inputIndex.push_back(simplifyExpr(fromAffine(region.start[d]) + var(name)));
  }
  Stmt copy = guarded(store(local.name, localIndex, load(input.name, input.dtype, inputIndex)),
                      boundsGuard(region, inputIndex, input.shape, all));
  return alloc(local, seq({nest(loops, copy), content}));
}

StatusOr<Stmt> FuncLowerer::wrapOuter(const Stage &stage, const StageSchedule &s, size_t split, Lowered &l,
                                      Stmt content) {
  std::vector<Expr> exprs{l.body, l.init, l.epilogue};
  std::erase(exprs, nullptr);
  for (size_t i = split; i-- > 0;) {
    const IterVar &leaf = s.leaves[i];
    std::map<std::string, int64_t> inner;
    for (size_t j = i + 1; j < s.leaves.size(); ++j) inner[s.leaves[j].name] = s.leaves[j].extent;
    std::map<std::string, int64_t> all = inner;
    for (size_t j = 0; j <= i; ++j) all[s.leaves[j].name] = s.leaves[j].extent;
    std::vector<Stmt> prologue;
    for (const Stage &p : func_.stages) {
      const auto &at = schedules_.at(p.output.name).computeAt;
      if (!at || at->first != stage.output.name || at->second != leaf.name) continue;
      TS_ASSIGN_OR_RETURN(Stmt producer, producerNest(p, exprs, inner, all));
      prologue.push_back(producer);
    }
    for (const CacheRead &read : s.cacheReads) {
      if (read.at != leaf.name) continue;
      TS_ASSIGN_OR_RETURN(content, cacheReadAt(read, exprs, inner, all, content));
    }
    prologue.push_back(content);
    content = forLoop(leaf.name, intImm(0), intImm(leaf.extent), leaf.kind, seq(std::move(prologue)));
  }
  for (const Stage &p : func_.stages) {
    const auto &at = schedules_.at(p.output.name).computeAt;
    if (!at || at->first != stage.output.name) continue;
    bool placed = false;
    for (size_t i = 0; i < split; ++i) placed |= s.leaves[i].name == at->second;
    if (!placed)
      return invalidInput("compute_at of %%%s: loop %%%s is inside the accumulator of %%%s", p.output.name, at->second,
                          stage.output.name);
  }
  return content;
}

} // namespace

StatusOr<Func> Schedule::lower() const { return FuncLowerer(func_, schedules_).run(); }

} // namespace tessera::loop
