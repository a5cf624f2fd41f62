//===- gpu_bind.cpp - GPU loops to guarded block/thread indices -----------------------===//
#include "compiler/codegen/gpu_bind.h"

namespace tessera::codegen {
namespace {

using loop::ForKind;
using loop::Stmt;
using loop::StmtKind;

bool isGpuLoop(const Stmt &s) {
  return s->kind == StmtKind::For && (s->forKind == ForKind::GpuBlock || s->forKind == ForKind::GpuThread);
}

class Binder {
public:
  explicit Binder(const loop::Func &func) : func_(func) {}

  StatusOr<BoundKernel> run() {
    if (!func_.body) return fail("missing body");
    TS_RETURN_IF_ERROR(check(func_.body, 0, 0));
    if (out_.indices.empty()) return fail("no gpu_block or gpu_thread loop: the kernel has no parallel work");
    out_.func = func_.clone();
    out_.func.body = rewrite(out_.func.body);
    return std::move(out_);
  }

private:
  Status fail(const std::string &message) const {
    return invalidInput("gpu binding of @%s: %s", func_.name, message);
  }

  /// Checks the rules and records each GPU loop's index and the launch.
  Status check(const Stmt &s, int blocks, int threads) {
    switch (s->kind) {
    case StmtKind::For: return isGpuLoop(s) ? gpuLoop(s, blocks, threads) : check(s->body, blocks, threads);
    case StmtKind::Store:
      if (threads == 0) return fail(strCat("store to %", s->name, " outside every gpu_thread loop would run in every thread"));
      return absl::OkStatus();
    case StmtKind::Alloc:
      if (s->buffer.scope == loop::MemScope::Global)
        return fail(strCat("global buffer %", s->buffer.name, " allocated inside the kernel (pass it as a parameter)"));
      return check(s->body, blocks, threads);
    case StmtKind::If:
      TS_RETURN_IF_ERROR(check(s->body, blocks, threads));
      return s->orElse ? check(s->orElse, blocks, threads) : absl::OkStatus();
    case StmtKind::Seq:
      for (const Stmt &child : s->stmts) TS_RETURN_IF_ERROR(check(child, blocks, threads));
      return absl::OkStatus();
    case StmtKind::Call: return fail(strCat("intrinsic @", s->name, " has no GPU lowering"));
    }
    return fail("unknown statement");
  }

  Status gpuLoop(const Stmt &s, int blocks, int threads) {
    bool block = s->forKind == ForKind::GpuBlock;
    std::string what = strCat(loop::kindName(s->forKind), " loop %", s->var);
    auto min = loop::asConstInt(s->min), extent = loop::asConstInt(s->extent);
    if (!min || !extent || *extent < 1) return fail(strCat(what, " needs a constant minimum and a positive constant extent"));
    if (block && threads > 0) return fail(strCat(what, " is inside a gpu_thread loop"));
    int dim = block ? blocks : threads;
    if (dim >= 3) return fail(strCat(what, " is the fourth nested loop of its kind (x, y, z only)"));
    GpuIndex index{s->forKind, dim, *min};
    auto [it, inserted] = out_.indices.emplace(s->var, index);
    if (!inserted && (it->second.kind != index.kind || it->second.dim != dim || it->second.min != *min))
      return fail(strCat(what, " reuses the variable of a GPU loop bound to another index"));
    int64_t &launch = block ? out_.dims.grid[static_cast<size_t>(dim)] : out_.dims.block[static_cast<size_t>(dim)];
    launch = std::max(launch, *extent);
    if (out_.dims.threadsPerBlock() > 1024)
      return fail(strCat(what, ": ", out_.dims.threadsPerBlock(), " threads per block (at most 1024)"));
    return check(s->body, blocks + (block ? 1 : 0), threads + (block ? 0 : 1));
  }

  /// The launch extent of the dimension a GPU loop is bound to.
  int64_t launchExtent(const Stmt &s) const {
    const GpuIndex &index = out_.indices.at(s->var);
    size_t dim = static_cast<size_t>(index.dim);
    return index.kind == ForKind::GpuBlock ? out_.dims.grid[dim] : out_.dims.block[dim];
  }

  Stmt rewrite(const Stmt &s) {
    if (s->body) s->body = rewrite(s->body);
    if (s->orElse) s->orElse = rewrite(s->orElse);
    for (Stmt &child : s->stmts) child = rewrite(child);
    if (s->kind != StmtKind::For) return s;
    if (!isGpuLoop(s)) {
      s->forKind = ForKind::Serial;
      return s;
    }
    int64_t extent = *loop::asConstInt(s->extent);
    if (extent == launchExtent(s)) return s->body;
    int64_t end = *loop::asConstInt(s->min) + extent;
    return loop::ifThen(loop::ltExpr(loop::var(s->var), loop::intImm(end)), s->body);
  }

  const loop::Func &func_;
  BoundKernel out_;
};

} // namespace

StatusOr<BoundKernel> bindGpuLoops(const loop::Func &func) { return Binder(func).run(); }

StatusOr<loop::Func> hostEmulation(const BoundKernel &kernel) {
  std::map<std::pair<ForKind, int>, std::string> names;
  for (const auto &[var, index] : kernel.indices) {
    if (index.min != 0) return invalidInput("host emulation of @%s: GPU loop %%%s starts at %d", kernel.func.name, var, index.min);
    auto [it, inserted] = names.emplace(std::make_pair(index.kind, index.dim), var);
    if (!inserted)
      return invalidInput("host emulation of @%s: %%%s and %%%s take the same index", kernel.func.name, it->second, var);
  }
  loop::Func host = kernel.func.clone();
  for (ForKind kind : {ForKind::GpuThread, ForKind::GpuBlock}) {
    for (int dim = 0; dim < 3; ++dim) {
      auto it = names.find({kind, dim});
      if (it == names.end()) continue;
      size_t d = static_cast<size_t>(dim);
      int64_t extent = kind == ForKind::GpuBlock ? kernel.dims.grid[d] : kernel.dims.block[d];
      host.body = loop::forLoop(it->second, loop::intImm(0), loop::intImm(extent), ForKind::Serial, host.body);
    }
  }
  return host;
}

} // namespace tessera::codegen
