//===- verifier.cpp - Checks a loop IR func is well formed ----------------------------===//
#include "compiler/loop/verifier.h"

#include <map>
#include <set>

#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

bool isIntegerType(DType t) { return !isFloat(t) && t != DType::Bool; }

class Verifier {
public:
  explicit Verifier(const Func &func) : func_(func) {}

  Status run() {
    for (const Buffer &b : func_.params) {
      if (buffers_.count(b.name)) return fail(strCat("duplicate parameter %", b.name));
      TS_RETURN_IF_ERROR(checkBuffer(b));
      buffers_[b.name] = b;
    }
    if (!func_.body) return fail("missing body");
    return stmt(func_.body);
  }

private:
  Status fail(const std::string &message) const {
    return invalidInput("loop IR verifier: in func @%s: %s", func_.name, message);
  }

  Status checkBuffer(const Buffer &b) const {
    for (int64_t d : b.shape)
      if (d <= 0) return fail(strCat("buffer %", b.name, " has a non-positive dimension"));
    return absl::OkStatus();
  }

  Status access(const std::string &name, const std::vector<Expr> &indices, const std::string &what) {
    auto it = buffers_.find(name);
    if (it == buffers_.end()) return fail(strCat(what, " of unknown buffer %", name));
    const Buffer &b = it->second;
    if (indices.size() != b.shape.size())
      return fail(strCat(what, " of %", name, " has ", indices.size(), " indices, the buffer has rank ", b.shape.size()));
    for (size_t d = 0; d < indices.size(); ++d) {
      TS_RETURN_IF_ERROR(expr(indices[d]));
      if (!isIntegerType(indices[d]->type)) return fail(strCat(what, " of %", name, ": index ", d, " is not an integer"));
      auto c = asConstInt(indices[d]);
      if (c && (*c < 0 || *c >= b.shape[d]))
        return fail(strCat(what, " of %", name, ": index ", d, " = ", *c, " is out of bounds [0, ", b.shape[d], ")"));
    }
    return absl::OkStatus();
  }

  Status binaryExpr(const Expr &e) {
    const Expr &a = e->operands[0], &b = e->operands[1];
    if (a->type != b->type)
      return fail(strCat("operands of '", binOpName(e->op), "' have types ", dtypeName(a->type), " and ",
                         dtypeName(b->type), " in ", printExpr(e)));
    bool logical = e->op == BinOp::And || e->op == BinOp::Or;
    if (logical != (a->type == DType::Bool)) return fail(strCat("'", binOpName(e->op), "' on ", dtypeName(a->type)));
    return absl::OkStatus();
  }

  Status expr(const Expr &e) {
    if (!e) return fail("missing expression");
    switch (e->kind) {
    case ExprKind::Int:
    case ExprKind::Float: return absl::OkStatus();
    case ExprKind::Var:
      if (!vars_.count(e->name)) return fail(strCat("use of unbound variable %", e->name));
      return absl::OkStatus();
    case ExprKind::Load: return access(e->name, e->operands, "load");
    case ExprKind::Address: return access(e->name, e->operands, "address");
    default: break;
    }
    for (const Expr &operand : e->operands) TS_RETURN_IF_ERROR(expr(operand));
    if (e->kind == ExprKind::Binary) return binaryExpr(e);
    if (e->kind == ExprKind::Math && !isFloat(e->type))
      return fail(strCat(mathName(e->fn), " of a non-float operand in ", printExpr(e)));
    if (e->kind == ExprKind::Select) {
      if (e->operands[0]->type != DType::Bool) return fail("select condition is not a predicate");
      if (e->operands[1]->type != e->operands[2]->type) return fail("select arms have different types");
    }
    return absl::OkStatus();
  }

  Status forStmt(const Stmt &s) {
    TS_RETURN_IF_ERROR(expr(s->min));
    TS_RETURN_IF_ERROR(expr(s->extent));
    if (!isIntegerType(s->min->type) || !isIntegerType(s->extent->type))
      return fail(strCat("loop %", s->var, " has non-integer bounds"));
    bool needsConstant = s->forKind == ForKind::Vectorized || s->forKind == ForKind::Unrolled ||
                         s->forKind == ForKind::VThread;
    if (needsConstant && !asConstInt(s->extent))
      return fail(strCat(kindName(s->forKind), " loop %", s->var, " needs a constant extent"));
    if (vars_.count(s->var)) return fail(strCat("loop variable %", s->var, " shadows an enclosing loop's"));
    vars_.insert(s->var);
    Status status = stmt(s->body);
    vars_.erase(s->var);
    return status;
  }

  Status storeStmt(const Stmt &s) {
    TS_RETURN_IF_ERROR(access(s->name, s->indices, "store"));
    TS_RETURN_IF_ERROR(expr(s->value));
    DType want = buffers_[s->name].dtype;
    if (s->value->type != want)
      return fail(strCat("store of a ", dtypeName(s->value->type), " value into %", s->name, " of ", dtypeName(want)));
    return absl::OkStatus();
  }

  Status allocStmt(const Stmt &s) {
    const Buffer &b = s->buffer;
    if (buffers_.count(b.name)) return fail(strCat("alloc of %", b.name, " shadows a buffer in scope"));
    TS_RETURN_IF_ERROR(checkBuffer(b));
    buffers_[b.name] = b;
    Status status = stmt(s->body);
    buffers_.erase(b.name);
    return status;
  }

  Status stmt(const Stmt &s) {
    if (!s) return fail("missing statement");
    switch (s->kind) {
    case StmtKind::For: return forStmt(s);
    case StmtKind::Store: return storeStmt(s);
    case StmtKind::Alloc: return allocStmt(s);
    case StmtKind::Seq:
      for (const Stmt &child : s->stmts) TS_RETURN_IF_ERROR(stmt(child));
      return absl::OkStatus();
    case StmtKind::If:
      TS_RETURN_IF_ERROR(expr(s->cond));
      if (s->cond->type != DType::Bool) return fail("if condition is not a predicate");
      TS_RETURN_IF_ERROR(stmt(s->body));
      return s->orElse ? stmt(s->orElse) : absl::OkStatus();
    case StmtKind::Call:
      for (const Expr &a : s->args) TS_RETURN_IF_ERROR(expr(a));
      return absl::OkStatus();
    }
    return fail("unknown statement kind");
  }

  const Func &func_;
  std::map<std::string, Buffer> buffers_;
  std::set<std::string> vars_;
};

} // namespace

Status verifyFunc(const Func &func) { return Verifier(func).run(); }

Status verifyModule(const Module &module) {
  std::set<std::string> names;
  for (const Func &f : module.funcs) {
    if (!names.insert(f.name).second) return invalidInput("loop IR verifier: duplicate func @%s", f.name);
    TS_RETURN_IF_ERROR(verifyFunc(f));
  }
  return absl::OkStatus();
}

} // namespace tessera::loop
