//===- schedule.cpp - Schedule primitives: recording loop transformations -------------===//
#include "compiler/loop/schedule.h"

#include <algorithm>

namespace tessera::loop {

Schedule::Schedule(ComputeFunc func) : func_(std::move(func)) {
  for (const Stage &stage : func_.stages) {
    StageSchedule s;
    for (size_t d = 0; d < stage.axes.size(); ++d)
      s.leaves.push_back({stage.axes[d], stage.output.shape[d], /*reduce=*/false});
    for (const ReduceAxis &r : stage.reduceAxes) s.leaves.push_back({r.name, r.extent, /*reduce=*/true});
    for (const IterVar &v : s.leaves) s.vars[v.name] = v;
    schedules_[stage.output.name] = std::move(s);
  }
}

StatusOr<StageSchedule *> Schedule::find(const std::string &stage) {
  auto it = schedules_.find(stage);
  if (it == schedules_.end()) return invalidInput("schedule: no stage defines %%%s", stage);
  return &it->second;
}

StatusOr<size_t> Schedule::leafIndex(const StageSchedule &s, const std::string &stage, const std::string &var) const {
  for (size_t i = 0; i < s.leaves.size(); ++i)
    if (s.leaves[i].name == var) return i;
  return invalidInput("schedule: stage %%%s has no loop %%%s", stage, var);
}

StatusOr<std::vector<IterVar>> Schedule::loops(const std::string &stage) const {
  auto it = schedules_.find(stage);
  if (it == schedules_.end()) return invalidInput("schedule: no stage defines %%%s", stage);
  return it->second.leaves;
}

Status Schedule::split(const std::string &stage, const std::string &var, int64_t factor, const std::string &outer,
                       const std::string &inner) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_ASSIGN_OR_RETURN(size_t index, leafIndex(*s, stage, var));
  if (factor <= 0) return invalidInput("schedule: split of %%%s by %d: the factor must be positive", var, factor);
  for (const std::string &name : {outer, inner})
    if (s->vars.count(name)) return invalidInput("schedule: split of %%%s: the name %%%s is taken", var, name);
  IterVar parent = s->leaves[index];
  IterVar o{outer, (parent.extent + factor - 1) / factor, parent.reduce};
  IterVar i{inner, factor, parent.reduce};
  s->leaves[index] = o;
  s->leaves.insert(s->leaves.begin() + static_cast<long>(index) + 1, i);
  s->vars[outer] = o;
  s->vars[inner] = i;
  s->relations.push_back(SplitRelation{var, outer, inner, factor});
  return absl::OkStatus();
}

Status Schedule::reorder(const std::string &stage, const std::vector<std::string> &order) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  std::vector<size_t> positions;
  for (const std::string &name : order) {
    TS_ASSIGN_OR_RETURN(size_t index, leafIndex(*s, stage, name));
    if (std::find(positions.begin(), positions.end(), index) != positions.end())
      return invalidInput("schedule: reorder names %%%s twice", name);
    positions.push_back(index);
  }
  std::vector<IterVar> picked;
  for (size_t p : positions) picked.push_back(s->leaves[p]);
  std::sort(positions.begin(), positions.end());
  for (size_t i = 0; i < positions.size(); ++i) s->leaves[positions[i]] = picked[i];
  return absl::OkStatus();
}

Status Schedule::fuse(const std::string &stage, const std::string &outer, const std::string &inner,
                      const std::string &fused) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_ASSIGN_OR_RETURN(size_t o, leafIndex(*s, stage, outer));
  TS_ASSIGN_OR_RETURN(size_t i, leafIndex(*s, stage, inner));
  if (i != o + 1) return invalidInput("schedule: fuse needs %%%s directly inside %%%s", inner, outer);
  if (s->leaves[o].reduce != s->leaves[i].reduce)
    return invalidInput("schedule: fuse of %%%s and %%%s mixes reduction and spatial loops", outer, inner);
  if (s->vars.count(fused)) return invalidInput("schedule: fuse: the name %%%s is taken", fused);
  IterVar f{fused, s->leaves[o].extent * s->leaves[i].extent, s->leaves[o].reduce};
  s->leaves[o] = f;
  s->leaves.erase(s->leaves.begin() + static_cast<long>(i));
  s->vars[fused] = f;
  s->relations.push_back(FuseRelation{outer, inner, fused});
  return absl::OkStatus();
}

Status Schedule::setKind(const std::string &stage, const std::string &var, ForKind kind) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_ASSIGN_OR_RETURN(size_t index, leafIndex(*s, stage, var));
  if (kind == ForKind::Parallel && s->leaves[index].reduce)
    return invalidInput("schedule: reduction loop %%%s cannot run in parallel", var);
  s->leaves[index].kind = kind;
  return absl::OkStatus();
}

Status Schedule::cacheWrite(const std::string &stage, const std::string &at, MemScope scope) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_ASSIGN_OR_RETURN(size_t index, leafIndex(*s, stage, at));
  for (size_t i = 0; i <= index; ++i)
    if (s->leaves[i].reduce)
      return invalidInput("schedule: cache_write of %%%s at %%%s: reduction loop %%%s is outside it", stage, at,
                          s->leaves[i].name);
  s->cacheWriteAt = at;
  s->cacheWriteScope = scope;
  return absl::OkStatus();
}

Status Schedule::cacheRead(const std::string &stage, const std::string &input, const std::string &at, MemScope scope) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_RETURN_IF_ERROR(leafIndex(*s, stage, at).status());
  if (!func_.findBuffer(input)) return invalidInput("schedule: cache_read of unknown buffer %%%s", input);
  std::string local = strCat(input, "_", scopeName(scope), s->cacheReads.size());
  s->cacheReads.push_back({input, at, local, scope});
  return absl::OkStatus();
}

Status Schedule::computeAt(const std::string &producer, const std::string &consumer, const std::string &at) {
  TS_ASSIGN_OR_RETURN(StageSchedule * p, find(producer));
  TS_ASSIGN_OR_RETURN(StageSchedule * c, find(consumer));
  TS_RETURN_IF_ERROR(leafIndex(*c, consumer, at).status());
  if (!p->relations.empty() || func_.findStage(producer)->combiner != Combiner::None)
    return invalidInput("schedule: compute_at of %%%s: only unsplit stages without a reduction can move", producer);
  p->computeAt = std::make_pair(consumer, at);
  return absl::OkStatus();
}

Status Schedule::tensorize(const std::string &stage, const std::string &at, const std::string &intrinsic) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_RETURN_IF_ERROR(leafIndex(*s, stage, at).status());
  const Stage *def = func_.findStage(stage);
  if (def->combiner != Combiner::Sum || def->body->kind != ExprKind::Binary || def->body->op != BinOp::Mul)
    return invalidInput("schedule: tensorize of %%%s: the stage is not a sum of products", stage);
  s->tensorizeAt = at;
  s->intrinsic = intrinsic;
  return absl::OkStatus();
}

Status Schedule::prefetch(const std::string &stage, const std::string &input, const std::string &at,
                          const std::string &axis, int64_t offset) {
  TS_ASSIGN_OR_RETURN(StageSchedule * s, find(stage));
  TS_RETURN_IF_ERROR(leafIndex(*s, stage, at).status());
  if (!func_.findBuffer(input)) return invalidInput("schedule: prefetch of unknown buffer %%%s", input);
  const Stage *def = func_.findStage(stage);
  bool isAxis = std::find(def->axes.begin(), def->axes.end(), axis) != def->axes.end();
  for (const ReduceAxis &r : def->reduceAxes) isAxis |= r.name == axis;
  if (!isAxis) return invalidInput("schedule: prefetch of %%%s: stage %%%s has no axis %%%s", input, stage, axis);
  if (offset == 0) return invalidInput("schedule: prefetch of %%%s along %%%s: the offset is 0", input, axis);
  s->prefetches.push_back({input, at, axis, offset});
  return absl::OkStatus();
}

} // namespace tessera::loop
