//===- llvm_codegen.cpp - Loop IR to LLVM IR with IRBuilder ----------------------------===//
#include "compiler/codegen/llvm_codegen.h"

#include <algorithm>
#include <map>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen/flat_index.h"
#include "compiler/codegen/lane_transpose.h"
#include "compiler/codegen/vector_math.h"
#include "compiler/loop/ir_util.h"

namespace tessera::codegen {
namespace {

using loop::BinOp;
using loop::Expr;
using loop::ExprKind;
using loop::ForKind;
using loop::MathFn;
using loop::Stmt;
using loop::StmtKind;

/// What a function body can see: buffer base pointers and loop variables.
struct Scope {
  std::map<std::string, std::pair<llvm::Value *, loop::Buffer>> buffers;
  std::map<std::string, llvm::Value *> vars;
};

bool hasAtom(const std::vector<Expr> &atoms, BinOp op, const Expr &lhs, int64_t rhs) {
  return std::any_of(atoms.begin(), atoms.end(), [&](const Expr &a) {
    return a->kind == ExprKind::Binary && a->op == op && loop::exprEqual(a->operands[0], lhs) &&
           loop::asConstInt(a->operands[1]) == rhs;
  });
}

/// `indices` with each clamp `min(max(x, 0), d - 1)` (or one side of it) replaced by
/// x where `atoms` hold `x >= 0` and `x < d` (under them the clamp is the identity);
/// nullopt when no clamp is removed. How a zero-padding select becomes a masked load.
std::optional<std::vector<Expr>> unclamped(const std::vector<Expr> &indices, const std::vector<Expr> &atoms) {
  std::vector<Expr> out = indices;
  bool changed = false;
  auto isClamp = [](const Expr &e, BinOp op) {
    return e->kind == ExprKind::Binary && e->op == op && loop::asConstInt(e->operands[1]).has_value();
  };
  for (Expr &index : out) {
    // min(max(x, 0), d - 1), or one side of it (the simplifier drops a side the loop
    // bounds prove).
    Expr x = index;
    std::optional<int64_t> upper;
    bool lower = false;
    if (isClamp(x, BinOp::Min)) {
      upper = loop::asConstInt(x->operands[1]);
      x = x->operands[0];
    }
    if (isClamp(x, BinOp::Max) && loop::asConstInt(x->operands[1]) == 0) {
      lower = true;
      x = x->operands[0];
    }
    if ((!upper && !lower) || (lower && !hasAtom(atoms, BinOp::Ge, x, 0)) ||
        (upper && !hasAtom(atoms, BinOp::Lt, x, *upper + 1)))
      continue;
    index = x;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

/// True when `e` divides integers by something other than a constant (a masked-off
/// lane could then divide by zero, which traps).
bool hasVariableIntDivision(const Expr &e) {
  if (e->kind == ExprKind::Binary && (e->op == BinOp::Div || e->op == BinOp::Mod) && !loop::isFloat(e->type) &&
      !loop::asConstInt(e->operands[1]))
    return true;
  return std::any_of(e->operands.begin(), e->operands.end(), hasVariableIntDivision);
}

bool storesDivideSafely(const Stmt &s) {
  if (s->kind == StmtKind::Store)
    return !hasVariableIntDivision(s->value) &&
           std::none_of(s->indices.begin(), s->indices.end(), hasVariableIntDivision);
  if (s->kind == StmtKind::If) return storesDivideSafely(s->body) && (!s->orElse || storesDivideSafely(s->orElse));
  if (s->kind != StmtKind::Seq) return false;
  return std::all_of(s->stmts.begin(), s->stmts.end(), storesDivideSafely);
}

/// True when `s` holds only stores and conditionals (a condition that varies across
/// lanes predicating its body): what vector code handles.
bool vectorizable(const Stmt &s, const std::string &var) {
  if (s->kind == StmtKind::Store) return true;
  // A condition that varies across lanes predicates its body (masked accesses).
  if (s->kind == StmtKind::If && loop::usesVar(s->cond, var))
    return !s->orElse && vectorizable(s->body, var) && storesDivideSafely(s->body);
  if (s->kind == StmtKind::If)
    return vectorizable(s->body, var) && (!s->orElse || vectorizable(s->orElse, var));
  if (s->kind != StmtKind::Seq) return false;
  for (const Stmt &child : s->stmts)
    if (!vectorizable(child, var)) return false;
  return true;
}

/// Vector loads with a constant stride up to this become a contiguous load and a
/// shuffle (strided convolutions, pooling) instead of a gather.
constexpr int64_t kMaxShuffledStride = 4;

class FuncEmitter {
public:
  FuncEmitter(llvm::Module &module, const loop::Func &func, const BodyOptions *options = nullptr)
      : module_(module), ctx_(module.getContext()), b_(ctx_), func_(func), options_(options) {}

  Status run();
  /// The statements of func_ at the end of `block` in `fn`, then `ret void`.
  Status emitBody(llvm::Function *fn, llvm::BasicBlock *block);

private:
  llvm::Type *type(DType t) {
    switch (t) {
    case DType::F32: return b_.getFloatTy();
    case DType::F64: return b_.getDoubleTy();
    case DType::F16: return b_.getHalfTy();
    case DType::Bool: return b_.getInt1Ty();
    case DType::I8: case DType::U8: return b_.getInt8Ty();
    case DType::I16: case DType::U16: return b_.getInt16Ty();
    case DType::I32: case DType::U32: return b_.getInt32Ty();
    default: return b_.getInt64Ty();
    }
  }
  llvm::Type *memType(DType t) { return t == DType::Bool ? b_.getInt8Ty() : type(t); }

  Status fail(const std::string &message) const {
    return invalidInput("LLVM codegen of @%s: %s", func_.name, message);
  }

  llvm::Value *elementPtr(const std::string &name, const std::vector<Expr> &indices);
  StatusOr<llvm::Value *> expr(const Expr &e);
  StatusOr<llvm::Value *> binaryOp(const Expr &e, llvm::Value *a, llvm::Value *c);
  llvm::Value *guardedDivision(BinOp op, llvm::Value *a, llvm::Value *c, bool isSigned);
  StatusOr<llvm::Value *> mathOp(const Expr &e, llvm::Value *x);
  StatusOr<llvm::Value *> emitOp(const Expr &e, const std::vector<llvm::Value *> &ops);
  llvm::Value *splatOf(llvm::Value *v, int64_t width) { return b_.CreateVectorSplat(static_cast<unsigned>(width), v); }
  StatusOr<llvm::Value *> castTo(llvm::Value *v, DType from, DType to);
  Status stmt(const Stmt &s);
  Status forLoop(const Stmt &s);
  Status vectorLoop(const Stmt &s, int64_t width);
  void enterVectorLoop(const Stmt &s, llvm::Value *min, int64_t width);
  void leaveVectorLoop(const Stmt &s);
  Status seqStmt(const Stmt &s);
  Status transposedStores(const std::vector<Stmt> &run, int64_t width);
  Status vectorStmt(const Stmt &s);
  StatusOr<llvm::Value *> vexpr(const Expr &e);
  llvm::Value *stridedLoad(llvm::Type *elem, llvm::Value *ptr, int64_t stride, llvm::Value *lanes = nullptr);
  StatusOr<llvm::Value *> maskedPaddedLoad(const Expr &select);
  StatusOr<llvm::Value *> laneZeroOffset(const Expr &flat);
  Status predicatedStmt(const Stmt &s);
  llvm::Value *stridedLanes(llvm::Type *elem, llvm::Value *ptr, int64_t stride, llvm::Value *value);
  StatusOr<llvm::Value *> vaccess(const Expr &e, const std::string &name, const std::vector<Expr> &indices, bool isLoad,
                                  llvm::Value *value);
  llvm::Value *splat(llvm::Value *v) {
    return v->getType()->isVectorTy() ? v : b_.CreateVectorSplat(static_cast<unsigned>(vecWidth_), v);
  }
  Status serialLoop(const Stmt &s, llvm::Value *begin, llvm::Value *end);
  Status parallelLoop(const Stmt &s);
  Status allocStmt(const Stmt &s);
  Status ifStmt(const Stmt &s);
  Status callStmt(const Stmt &s);
  llvm::AllocaInst *entryAlloca(llvm::Type *t, uint64_t count);

  llvm::Module &module_;
  llvm::LLVMContext &ctx_;
  llvm::IRBuilder<> b_;
  const loop::Func &func_;
  const BodyOptions *options_;
  llvm::Function *fn_ = nullptr;
  Scope scope_;
  int outlined_ = 0;
  /// The loop being emitted as vector code, and its width (0 when none).
  std::string vecVar_;
  int64_t vecWidth_ = 0;
  /// Inside a lane-dependent `if` of a vector loop: the active lanes (else null).
  llvm::Value *mask_ = nullptr;
  Status error_ = absl::OkStatus();
};

llvm::AllocaInst *FuncEmitter::entryAlloca(llvm::Type *t, uint64_t count) {
  llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  llvm::AllocaInst *a = entry.CreateAlloca(t, entry.getInt64(count));
  a->setAlignment(llvm::Align(32));
  return a;
}

llvm::Value *FuncEmitter::elementPtr(const std::string &name, const std::vector<Expr> &indices) {
  auto &[base, buffer] = scope_.buffers.at(name);
  llvm::Value *offset = b_.getInt64(0);
  for (size_t d = 0; d < indices.size(); ++d) {
    auto index = expr(indices[d]);
    if (!index.ok()) {
      error_ = index.status();
      return llvm::UndefValue::get(b_.getPtrTy());
    }
    llvm::Value *i = b_.CreateSExtOrTrunc(*index, b_.getInt64Ty());
    offset = d == 0 ? i : b_.CreateAdd(b_.CreateMul(offset, b_.getInt64(buffer.shape[d])), i);
  }
  return b_.CreateInBoundsGEP(memType(buffer.dtype), base, offset);
}

StatusOr<llvm::Value *> FuncEmitter::castTo(llvm::Value *v, DType from, DType to) {
  bool fromFloat = loop::isFloat(from), toFloat = loop::isFloat(to);
  llvm::Type *t = type(to);
  if (auto *vector = llvm::dyn_cast<llvm::FixedVectorType>(v->getType()))
    t = llvm::FixedVectorType::get(t, vector->getNumElements());
  if (from == to) return v;
  if (fromFloat && toFloat) return b_.CreateFPCast(v, t);
  if (fromFloat && to == DType::Bool) return b_.CreateFCmpUNE(v, llvm::ConstantFP::get(v->getType(), 0.0));
  if (fromFloat) return loop::isUnsigned(to) ? b_.CreateFPToUI(v, t) : b_.CreateFPToSI(v, t);
  bool zeroExtend = from == DType::Bool || loop::isUnsigned(from);
  if (toFloat) return zeroExtend ? b_.CreateUIToFP(v, t) : b_.CreateSIToFP(v, t);
  if (to == DType::Bool) return b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0));
  return zeroExtend ? b_.CreateZExtOrTrunc(v, t) : b_.CreateSExtOrTrunc(v, t);
}

/// Integer a / c or a % c that never traps, as the reference interpreter defines it:
/// a divisor of 0 gives 0, and (signed) a / -1 is -a, wrapping (a % -1 is 0), so INT_MIN
/// / -1 does not raise SIGFPE. A constant divisor other than 0 and -1 needs no guard.
llvm::Value *FuncEmitter::guardedDivision(BinOp op, llvm::Value *a, llvm::Value *c, bool isSigned) {
  auto divide = [&](llvm::Value *divisor) -> llvm::Value * {
    if (op == BinOp::Div) return isSigned ? b_.CreateSDiv(a, divisor) : b_.CreateUDiv(a, divisor);
    return isSigned ? b_.CreateSRem(a, divisor) : b_.CreateURem(a, divisor);
  };
  llvm::Constant *known = llvm::dyn_cast<llvm::Constant>(c);
  if (known && known->getType()->isVectorTy()) known = known->getSplatValue();
  if (auto *constant = llvm::dyn_cast_or_null<llvm::ConstantInt>(known);
      constant && !constant->isZero() && !(isSigned && constant->isMinusOne()))
    return divide(c);
  llvm::Type *type = c->getType();
  llvm::Value *zero = llvm::Constant::getNullValue(type), *one = llvm::ConstantInt::get(type, 1);
  llvm::Value *isZero = b_.CreateICmpEQ(c, zero);
  llvm::Value *special = isZero, *specialResult = zero;
  if (isSigned) {
    llvm::Value *isMinusOne = b_.CreateICmpEQ(c, llvm::ConstantInt::getSigned(type, -1));
    special = b_.CreateOr(isZero, isMinusOne);
    if (op == BinOp::Div) specialResult = b_.CreateSelect(isZero, zero, b_.CreateSub(zero, a));
  }
  return b_.CreateSelect(special, specialResult, divide(b_.CreateSelect(special, one, c)));
}

StatusOr<llvm::Value *> FuncEmitter::binaryOp(const Expr &e, llvm::Value *a, llvm::Value *c) {
  DType t = e->operands[0]->type;
  if (loop::isFloat(t)) {
    switch (e->op) {
    case BinOp::Add: return b_.CreateFAdd(a, c);
    case BinOp::Sub: return b_.CreateFSub(a, c);
    case BinOp::Mul: return b_.CreateFMul(a, c);
    case BinOp::Div: return b_.CreateFDiv(a, c);
    case BinOp::Mod: return b_.CreateFRem(a, c);
    // NaN-propagating, as ONNX (and NumPy's minimum/maximum) define Min, Max, Relu,
    // Clip and MaxPool: `c` when it is better or NaN, else `a` (NaN stays). Four vector
    // instructions on x86 (compare, unordered compare, or, blend); llvm.maximum also
    // orders -0 below +0 and costs about 3x in a MaxPool loop.
    case BinOp::Min: return b_.CreateSelect(b_.CreateOr(b_.CreateFCmpOGT(a, c), b_.CreateFCmpUNO(c, c)), c, a);
    case BinOp::Max: return b_.CreateSelect(b_.CreateOr(b_.CreateFCmpOLT(a, c), b_.CreateFCmpUNO(c, c)), c, a);
    case BinOp::Pow: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::pow, a, c);
    case BinOp::Lt: return b_.CreateFCmpOLT(a, c);
    case BinOp::Le: return b_.CreateFCmpOLE(a, c);
    case BinOp::Gt: return b_.CreateFCmpOGT(a, c);
    case BinOp::Ge: return b_.CreateFCmpOGE(a, c);
    case BinOp::Eq: return b_.CreateFCmpOEQ(a, c);
    case BinOp::Ne: return b_.CreateFCmpUNE(a, c);
    default: return fail(strCat("'", loop::binOpName(e->op), "' on floats"));
    }
  }
  if (loop::isUnsigned(t)) {
    switch (e->op) {
    case BinOp::Div:
    case BinOp::Mod: return guardedDivision(e->op, a, c, /*isSigned=*/false);
    case BinOp::Min: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, a, c);
    case BinOp::Max: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::umax, a, c);
    case BinOp::Lt: return b_.CreateICmpULT(a, c);
    case BinOp::Le: return b_.CreateICmpULE(a, c);
    case BinOp::Gt: return b_.CreateICmpUGT(a, c);
    case BinOp::Ge: return b_.CreateICmpUGE(a, c);
    default: break;
    }
  }
  switch (e->op) {
  case BinOp::Add: return b_.CreateAdd(a, c);
  case BinOp::Sub: return b_.CreateSub(a, c);
  case BinOp::Mul: return b_.CreateMul(a, c);
  case BinOp::Div:
  case BinOp::Mod: return guardedDivision(e->op, a, c, /*isSigned=*/true);
  case BinOp::Min: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, a, c);
  case BinOp::Max: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, a, c);
  case BinOp::Lt: return b_.CreateICmpSLT(a, c);
  case BinOp::Le: return b_.CreateICmpSLE(a, c);
  case BinOp::Gt: return b_.CreateICmpSGT(a, c);
  case BinOp::Ge: return b_.CreateICmpSGE(a, c);
  case BinOp::Eq: return b_.CreateICmpEQ(a, c);
  case BinOp::Ne: return b_.CreateICmpNE(a, c);
  case BinOp::And: return b_.CreateAnd(a, c);
  case BinOp::Or: return b_.CreateOr(a, c);
  default: return fail(strCat("'", loop::binOpName(e->op), "' on integers"));
  }
}

StatusOr<llvm::Value *> FuncEmitter::mathOp(const Expr &e, llvm::Value *x) {
  auto unary = [&](llvm::Intrinsic::ID id) { return b_.CreateUnaryIntrinsic(id, x); };
  auto libm = [&](const char *name) -> llvm::Value * {
    std::string symbol = strCat(name, e->type == DType::F32 ? "f" : "");
    llvm::Type *scalar = x->getType()->getScalarType();
    llvm::FunctionCallee callee = module_.getOrInsertFunction(symbol, scalar, scalar);
    auto *vector = llvm::dyn_cast<llvm::FixedVectorType>(x->getType());
    if (!vector) return b_.CreateCall(callee, {x});
    llvm::Value *out = llvm::PoisonValue::get(vector);
    for (unsigned lane = 0; lane < vector->getNumElements(); ++lane)
      out = b_.CreateInsertElement(out, b_.CreateCall(callee, {b_.CreateExtractElement(x, lane)}), lane);
    return out;
  };
  if (e->type == DType::F32) {
    switch (e->fn) {
    case MathFn::Exp: return expF32(b_, x);
    case MathFn::Tanh: return tanhF32(b_, x);
    case MathFn::Erf: return erfF32(b_, x);
    case MathFn::Atan: return atanF32(b_, x);
    default: break;
    }
  }
  switch (e->fn) {
  case MathFn::Exp: return unary(llvm::Intrinsic::exp);
  case MathFn::Log: return unary(llvm::Intrinsic::log);
  case MathFn::Sqrt: return unary(llvm::Intrinsic::sqrt);
  case MathFn::Abs: return unary(llvm::Intrinsic::fabs);
  case MathFn::Floor: return unary(llvm::Intrinsic::floor);
  case MathFn::Ceil: return unary(llvm::Intrinsic::ceil);
  case MathFn::Round: return unary(llvm::Intrinsic::roundeven);
  case MathFn::Sin: return unary(llvm::Intrinsic::sin);
  case MathFn::Cos: return unary(llvm::Intrinsic::cos);
  case MathFn::Neg: return b_.CreateFNeg(x);
  case MathFn::Tanh: return libm("tanh");
  case MathFn::Erf: return libm("erf");
  case MathFn::Atan: return libm("atan");
  }
  return fail("unknown math function");
}

StatusOr<llvm::Value *> FuncEmitter::emitOp(const Expr &e, const std::vector<llvm::Value *> &ops) {
  if (options_ && options_->op && (e->kind == ExprKind::Math || e->kind == ExprKind::Binary)) {
    TS_ASSIGN_OR_RETURN(llvm::Value * v, options_->op(b_, *e, ops));
    if (v) return v;
  }
  switch (e->kind) {
  case ExprKind::Binary: return binaryOp(e, ops[0], ops[1]);
  case ExprKind::Math: return mathOp(e, ops[0]);
  case ExprKind::Select: return b_.CreateSelect(ops[0], ops[1], ops[2]);
  case ExprKind::Cast: return castTo(ops[0], e->operands[0]->type, e->type);
  default: return fail("not an operation");
  }
}

/// The operand v of `1 / (1 + exp(-v))` on f32 (how Sigmoid, SiLU and Swish are
/// described), which is emitted as sigmoidF32(v); null for any other expression.
const Expr *sigmoidOperand(const Expr &e) {
  auto isOne = [](const Expr &x) { return x->kind == ExprKind::Float && x->floatValue == 1.0; };
  auto isMath = [](const Expr &x, MathFn fn) { return x->kind == ExprKind::Math && x->fn == fn; };
  if (e->type != DType::F32 || e->kind != ExprKind::Binary || e->op != BinOp::Div || !isOne(e->operands[0])) return nullptr;
  const Expr &sum = e->operands[1];
  if (sum->kind != ExprKind::Binary || sum->op != BinOp::Add) return nullptr;
  bool oneFirst = isOne(sum->operands[0]);
  if (!oneFirst && !isOne(sum->operands[1])) return nullptr;
  const Expr &exp = sum->operands[oneFirst ? 1 : 0];
  if (!isMath(exp, MathFn::Exp) || !isMath(exp->operands[0], MathFn::Neg)) return nullptr;
  return &exp->operands[0]->operands[0];
}

StatusOr<llvm::Value *> FuncEmitter::expr(const Expr &e) {
  switch (e->kind) {
  case ExprKind::Int: return static_cast<llvm::Value *>(llvm::ConstantInt::get(type(e->type), e->intValue, true));
  case ExprKind::Float: return static_cast<llvm::Value *>(llvm::ConstantFP::get(type(e->type), e->floatValue));
  case ExprKind::Var: {
    auto it = scope_.vars.find(e->name);
    if (it == scope_.vars.end()) return fail(strCat("unbound variable %", e->name));
    return it->second;
  }
  case ExprKind::Binary:
  case ExprKind::Math:
  case ExprKind::Select:
  case ExprKind::Cast: {
    if (const Expr *v = sigmoidOperand(e)) {
      TS_ASSIGN_OR_RETURN(llvm::Value * x, expr(*v));
      return sigmoidF32(b_, x);
    }
    std::vector<llvm::Value *> ops;
    for (const Expr &operand : e->operands) {
      TS_ASSIGN_OR_RETURN(llvm::Value * v, expr(operand));
      ops.push_back(v);
    }
    return emitOp(e, ops);
  }
  case ExprKind::Load: {
    llvm::Value *ptr = elementPtr(e->name, e->operands);
    TS_RETURN_IF_ERROR(error_);
    llvm::Value *v = b_.CreateLoad(memType(e->type), ptr);
    return e->type == DType::Bool ? b_.CreateTrunc(v, b_.getInt1Ty()) : v;
  }
  case ExprKind::Address: {
    llvm::Value *ptr = elementPtr(e->name, e->operands);
    TS_RETURN_IF_ERROR(error_);
    return ptr;
  }
  }
  return fail("unknown expression");
}

/// A vectorized loop with constant extent over stores: one vector instruction per
/// operation, lanes = iterations. Accesses with unit stride in the loop variable
/// become vector loads/stores, invariant ones scalars (broadcast), others gathers
/// and scatters.
Status FuncEmitter::vectorLoop(const Stmt &s, int64_t width) {
  TS_ASSIGN_OR_RETURN(llvm::Value * min, expr(s->min));
  enterVectorLoop(s, min, width);
  Status status = vectorStmt(s->body);
  leaveVectorLoop(s);
  return status;
}

/// The loop variable of `s` as the vector of its `width` lanes from `min`.
void FuncEmitter::enterVectorLoop(const Stmt &s, llvm::Value *min, int64_t width) {
  std::vector<llvm::Constant *> lanes;
  for (int64_t lane = 0; lane < width; ++lane) lanes.push_back(b_.getInt64(lane));
  vecVar_ = s->var;
  vecWidth_ = width;
  scope_.vars[s->var] = b_.CreateAdd(splatOf(min, width), llvm::ConstantVector::get(lanes));
  scope_.vars[s->var + ".base"] = min;
}

void FuncEmitter::leaveVectorLoop(const Stmt &s) {
  scope_.vars.erase(s->var);
  scope_.vars.erase(s->var + ".base");
  vecVar_.clear();
  vecWidth_ = 0;
}

Status FuncEmitter::vectorStmt(const Stmt &s) {
  if (s->kind == StmtKind::Seq) {
    for (const Stmt &child : s->stmts) TS_RETURN_IF_ERROR(vectorStmt(child));
    return absl::OkStatus();
  }
  if (s->kind == StmtKind::If && loop::usesVar(s->cond, vecVar_)) return predicatedStmt(s);
  if (s->kind == StmtKind::If) {
    // The condition is the same in every lane: a scalar branch around vector code.
    TS_ASSIGN_OR_RETURN(llvm::Value * cond, vexpr(s->cond));
    llvm::BasicBlock *then = llvm::BasicBlock::Create(ctx_, "vthen", fn_);
    llvm::BasicBlock *orElse = llvm::BasicBlock::Create(ctx_, "velse", fn_);
    llvm::BasicBlock *join = llvm::BasicBlock::Create(ctx_, "vjoin", fn_);
    b_.CreateCondBr(cond, then, orElse);
    b_.SetInsertPoint(then);
    TS_RETURN_IF_ERROR(vectorStmt(s->body));
    b_.CreateBr(join);
    b_.SetInsertPoint(orElse);
    if (s->orElse) TS_RETURN_IF_ERROR(vectorStmt(s->orElse));
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    return absl::OkStatus();
  }
  TS_ASSIGN_OR_RETURN(llvm::Value * value, vexpr(s->value));
  llvm::Value *v = splat(value);
  if (v->getType()->getScalarType()->isIntegerTy(1))
    v = b_.CreateZExt(v, llvm::FixedVectorType::get(b_.getInt8Ty(), static_cast<unsigned>(vecWidth_)));
  return vaccess(nullptr, s->name, s->indices, /*isLoad=*/false, v).status();
}

/// An `if` whose condition varies across lanes: its body runs when any lane is
/// active, with every access masked by the active lanes (those that are off neither
/// read nor write memory).
Status FuncEmitter::predicatedStmt(const Stmt &s) {
  TS_ASSIGN_OR_RETURN(llvm::Value * cond, vexpr(s->cond));
  llvm::Value *mask = splat(cond);
  if (mask_) mask = b_.CreateAnd(mask_, mask);
  llvm::Value *any = b_.CreateOrReduce(mask);
  llvm::BasicBlock *then = llvm::BasicBlock::Create(ctx_, "vmasked", fn_);
  llvm::BasicBlock *join = llvm::BasicBlock::Create(ctx_, "vmasked.join", fn_);
  b_.CreateCondBr(any, then, join);
  b_.SetInsertPoint(then);
  llvm::Value *saved = mask_;
  mask_ = mask;
  Status status = vectorStmt(s->body);
  mask_ = saved;
  TS_RETURN_IF_ERROR(status);
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  return absl::OkStatus();
}

/// Lanes at `ptr + stride * lane` for a small constant stride: one contiguous load of
/// width * stride elements and a shuffle picking every stride-th: no gather. Only
/// elements from the first to the last lane on in `lanes` (all lanes when null) are
/// read -- the gaps between two lanes on too, so a run of lanes is one contiguous
/// masked load, not a gather -- and nothing beyond them; lanes off are poison.
llvm::Value *FuncEmitter::stridedLoad(llvm::Type *elem, llvm::Value *ptr, int64_t stride, llvm::Value *lanes) {
  auto width = static_cast<unsigned>(vecWidth_), wide = width * static_cast<unsigned>(stride);
  llvm::Value *wideMask;
  if (lanes) {
    // Element j is read when lane j / stride is on and, between lanes, the next too.
    std::vector<int> own, next;
    for (unsigned j = 0; j < wide; ++j) {
      unsigned lane = j / static_cast<unsigned>(stride), after = j % stride == 0 ? lane : lane + 1;
      own.push_back(static_cast<int>(lane));
      next.push_back(static_cast<int>(std::min(after, width)));  // lane `width`: off
    }
    llvm::Value *off = llvm::Constant::getNullValue(lanes->getType());
    wideMask = b_.CreateAnd(b_.CreateShuffleVector(lanes, off, own), b_.CreateShuffleVector(lanes, off, next));
  } else {
    std::vector<llvm::Constant *> mask;
    for (unsigned k = 0; k < wide; ++k) mask.push_back(b_.getInt1(k <= (width - 1) * stride));
    wideMask = llvm::ConstantVector::get(mask);
  }
  llvm::Value *all = b_.CreateMaskedLoad(llvm::FixedVectorType::get(elem, wide), ptr, llvm::Align(4), wideMask);
  std::vector<int> pick;
  for (unsigned k = 0; k < width; ++k) pick.push_back(static_cast<int>(k * stride));
  return b_.CreateShuffleVector(all, pick);
}

/// Lanes at `ptr + stride * lane` for any other constant stride (a register tile's
/// channels written to their planes): one scalar access per lane at a constant
/// offset, cheaper than a gather or scatter's per-lane address vector. Loads when
/// `value` is null, else stores `value`'s lanes.
llvm::Value *FuncEmitter::stridedLanes(llvm::Type *elem, llvm::Value *ptr, int64_t stride, llvm::Value *value) {
  llvm::Value *result = value ? nullptr : static_cast<llvm::Value *>(llvm::PoisonValue::get(
                                              llvm::FixedVectorType::get(elem, static_cast<unsigned>(vecWidth_))));
  for (int64_t lane = 0; lane < vecWidth_; ++lane) {
    llvm::Value *at = b_.CreateInBoundsGEP(elem, ptr, b_.getInt64(lane * stride));
    if (value)
      b_.CreateAlignedStore(b_.CreateExtractElement(value, static_cast<uint64_t>(lane)), at, llvm::Align(4));
    else
      result = b_.CreateInsertElement(result, b_.CreateAlignedLoad(elem, at, llvm::Align(4)), static_cast<uint64_t>(lane));
  }
  return result ? result : value;
}

/// The scalar element offset of `flat` in the vector loop's lane 0.
StatusOr<llvm::Value *> FuncEmitter::laneZeroOffset(const Expr &flat) {
  Expr lane0 = loop::substitute(flat, {{vecVar_, loop::var(vecVar_ + ".base")}});
  std::string saved = vecVar_;
  vecVar_.clear();
  auto offset = expr(lane0);
  vecVar_ = saved;
  return offset;
}

/// `select(inside, x[clamped indices], pad)` where `inside` bounds every clamped index
/// and the unclamped access has a small constant stride: one masked vector load
/// (lanes outside read nothing and take `pad`) instead of a gather. Null when the pattern does not apply.
StatusOr<llvm::Value *> FuncEmitter::maskedPaddedLoad(const Expr &select) {
  const Expr &load = select->operands[1];
  if (load->kind != ExprKind::Load || load->type == DType::Bool) return nullptr;
  std::vector<Expr> atoms = loop::conjuncts(select->operands[0]);
  auto indices = unclamped(load->operands, atoms);
  if (!indices) return nullptr;
  const loop::Buffer &buffer = scope_.buffers.at(load->name).second;
  Expr flat = flatIndex(*indices, buffer.shape);
  int64_t stride = linearCoefficient(flat, vecVar_).value_or(0);
  if (stride < 1 || stride > kMaxShuffledStride) return nullptr;
  TS_ASSIGN_OR_RETURN(llvm::Value * mask, vexpr(select->operands[0]));
  TS_ASSIGN_OR_RETURN(llvm::Value * pad, vexpr(select->operands[2]));
  TS_ASSIGN_OR_RETURN(llvm::Value * offset, laneZeroOffset(flat));
  llvm::Type *elem = memType(buffer.dtype);
  // Not inbounds: lane 0's address may lie before the buffer (masked off).
  llvm::Value *ptr = b_.CreateGEP(elem, scope_.buffers.at(load->name).first, offset);
  auto vecType = llvm::FixedVectorType::get(elem, static_cast<unsigned>(vecWidth_));
  llvm::Value *lanes = mask_ ? b_.CreateAnd(mask_, splat(mask)) : splat(mask);
  if (stride == 1) return b_.CreateMaskedLoad(vecType, ptr, llvm::Align(4), lanes, splat(pad));
  // Strided (a stride-2 pooling window): lane k is element k * stride of one wide
  // masked load, the elements between masked off.
  return b_.CreateSelect(lanes, stridedLoad(elem, ptr, stride, lanes), splat(pad));
}

StatusOr<llvm::Value *> FuncEmitter::vaccess(const Expr &e, const std::string &name, const std::vector<Expr> &indices,
                                             bool isLoad, llvm::Value *value) {
  const loop::Buffer &buffer = scope_.buffers.at(name).second;
  llvm::Value *base = scope_.buffers.at(name).first;
  llvm::Type *elem = memType(buffer.dtype);
  auto vecType = llvm::FixedVectorType::get(elem, static_cast<unsigned>(vecWidth_));
  Expr flat = flatIndex(indices, buffer.shape);
  auto coefficient = linearCoefficient(flat, vecVar_);
  bool unit = coefficient && *coefficient == 1;
  // Under a mask, strided stores take the (masked) scatter path.
  bool shuffled = isLoad && coefficient && *coefficient > 1 && *coefficient <= kMaxShuffledStride &&
                  e->type != DType::Bool;
  bool perLane = !mask_ && coefficient && !unit && !shuffled && !(isLoad && e->type == DType::Bool);
  if (unit || shuffled || perLane) {
    // Unit (or small constant) stride: from the address of lane 0, one vector access.
    TS_ASSIGN_OR_RETURN(llvm::Value * offset, laneZeroOffset(flat));
    // Masked: lanes past the buffer's end may be off, so no inbounds promise.
    llvm::Value *ptr = mask_ ? b_.CreateGEP(elem, base, offset) : b_.CreateInBoundsGEP(elem, base, offset);
    if (shuffled) return stridedLoad(elem, ptr, *coefficient, mask_);
    if (perLane) return stridedLanes(elem, ptr, *coefficient, isLoad ? nullptr : value);
    // A register tile's local buffer is accessed whole (its indices are the tile's
    // own loops): under a mask, plain loads and a blended store keep it promotable
    // to registers.
    bool tile = buffer.scope == loop::MemScope::Local;
    if (!isLoad && mask_ && tile) {
      llvm::Value *old = b_.CreateAlignedLoad(vecType, ptr, llvm::Align(4));
      return static_cast<llvm::Value *>(b_.CreateAlignedStore(b_.CreateSelect(mask_, value, old), ptr, llvm::Align(4)));
    }
    if (!isLoad && mask_) return static_cast<llvm::Value *>(b_.CreateMaskedStore(value, ptr, llvm::Align(4), mask_));
    if (!isLoad) return static_cast<llvm::Value *>(b_.CreateAlignedStore(value, ptr, llvm::Align(4)));
    llvm::Value *v = mask_ && !tile ? b_.CreateMaskedLoad(vecType, ptr, llvm::Align(4), mask_)
                                    : static_cast<llvm::Value *>(b_.CreateAlignedLoad(vecType, ptr, llvm::Align(4)));
    return e->type == DType::Bool ? b_.CreateTrunc(v, llvm::FixedVectorType::get(b_.getInt1Ty(), vecWidth_)) : v;
  }
  TS_ASSIGN_OR_RETURN(llvm::Value * offsets, vexpr(flat));
  llvm::Value *ptrs = mask_ ? b_.CreateGEP(elem, base, splat(offsets)) : b_.CreateInBoundsGEP(elem, base, splat(offsets));
  if (!isLoad) return static_cast<llvm::Value *>(b_.CreateMaskedScatter(value, ptrs, llvm::Align(4), mask_));
  llvm::Value *v = b_.CreateMaskedGather(vecType, ptrs, llvm::Align(4), mask_);
  return e->type == DType::Bool ? b_.CreateTrunc(v, llvm::FixedVectorType::get(b_.getInt1Ty(), vecWidth_)) : v;
}

StatusOr<llvm::Value *> FuncEmitter::vexpr(const Expr &e) {
  if (!loop::usesVar(e, vecVar_)) {
    // Invariant in the vector loop: scalar code (the loop variable is not needed).
    std::string saved = vecVar_;
    vecVar_.clear();
    auto v = expr(e);
    vecVar_ = saved;
    return v;
  }
  switch (e->kind) {
  case ExprKind::Var: return scope_.vars.at(e->name);
  case ExprKind::Load: return vaccess(e, e->name, e->operands, /*isLoad=*/true, nullptr);
  case ExprKind::Address: return fail("an address that varies across vector lanes");
  case ExprKind::Select: {
    TS_ASSIGN_OR_RETURN(llvm::Value * masked, maskedPaddedLoad(e));
    if (masked) return masked;
    break;
  }
  default: break;
  }
  if (const Expr *v = sigmoidOperand(e)) {
    TS_ASSIGN_OR_RETURN(llvm::Value * x, vexpr(*v));
    return sigmoidF32(b_, splat(x));
  }
  std::vector<llvm::Value *> ops;
  for (const Expr &operand : e->operands) {
    TS_ASSIGN_OR_RETURN(llvm::Value * v, vexpr(operand));
    ops.push_back(splat(v));
  }
  return emitOp(e, ops);
}

Status FuncEmitter::serialLoop(const Stmt &s, llvm::Value *begin, llvm::Value *end) {
  llvm::BasicBlock *pre = b_.GetInsertBlock();
  llvm::BasicBlock *header = llvm::BasicBlock::Create(ctx_, s->var + ".header", fn_);
  llvm::BasicBlock *body = llvm::BasicBlock::Create(ctx_, s->var + ".body", fn_);
  llvm::BasicBlock *exit = llvm::BasicBlock::Create(ctx_, s->var + ".exit", fn_);
  b_.CreateBr(header);
  b_.SetInsertPoint(header);
  llvm::PHINode *i = b_.CreatePHI(b_.getInt64Ty(), 2, s->var);
  i->addIncoming(begin, pre);
  b_.CreateCondBr(b_.CreateICmpSLT(i, end), body, exit);
  b_.SetInsertPoint(body);
  scope_.vars[s->var] = i;
  TS_RETURN_IF_ERROR(stmt(s->body));
  scope_.vars.erase(s->var);
  llvm::Value *next = b_.CreateAdd(i, b_.getInt64(1), "", /*HasNUW=*/true, /*HasNSW=*/true);
  llvm::BranchInst *latch = b_.CreateBr(header);
  i->addIncoming(next, b_.GetInsertBlock());
  if (s->forKind == ForKind::Vectorized) {
    llvm::MDNode *enable = llvm::MDNode::get(
        ctx_, {llvm::MDString::get(ctx_, "llvm.loop.vectorize.enable"),
               llvm::ConstantAsMetadata::get(b_.getTrue())});
    int64_t width = loop::asConstInt(s->extent).value_or(8);
    llvm::MDNode *widthMd = llvm::MDNode::get(
        ctx_, {llvm::MDString::get(ctx_, "llvm.loop.vectorize.width"),
               llvm::ConstantAsMetadata::get(b_.getInt32(static_cast<uint32_t>(std::min<int64_t>(width, 16))))});
    llvm::MDNode *loopId = llvm::MDNode::getDistinct(ctx_, {nullptr, enable, widthMd});
    loopId->replaceOperandWith(0, loopId);
    latch->setMetadata(llvm::LLVMContext::MD_loop, loopId);
  }
  b_.SetInsertPoint(exit);
  return absl::OkStatus();
}

/// Outlines the loop body into `void(ptr closure, i64 begin, i64 end)` capturing
/// every buffer and variable in scope, and calls the runtime's parallel for over the
/// loop's extent; the body runs iterations [min + begin, min + end) (a part of a loop
/// that partition-loops split starts past 0).
Status FuncEmitter::parallelLoop(const Stmt &s) {
  std::vector<llvm::Type *> fields;
  std::vector<llvm::Value *> values;
  for (auto &[name, entry] : scope_.buffers) {
    fields.push_back(b_.getPtrTy());
    values.push_back(entry.first);
  }
  for (auto &[name, v] : scope_.vars) {
    fields.push_back(b_.getInt64Ty());
    values.push_back(v);
  }
  llvm::StructType *closureType = llvm::StructType::get(ctx_, fields);
  llvm::AllocaInst *closure = entryAlloca(closureType, 1);
  for (size_t i = 0; i < values.size(); ++i) b_.CreateStore(values[i], b_.CreateStructGEP(closureType, closure, i));
  auto *bodyType = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getInt64Ty(), b_.getInt64Ty()}, false);
  llvm::Function *outlined = llvm::Function::Create(bodyType, llvm::Function::InternalLinkage,
                                                    strCat(fn_->getName().str(), ".par", outlined_++), module_);
  // Call site: tessera.parallel_for(outlined, closure, extent).
  TS_ASSIGN_OR_RETURN(llvm::Value * extent, expr(s->extent));
  llvm::GlobalVariable *pf = module_.getNamedGlobal(kParallelForGlobal);
  llvm::Value *pfn = b_.CreateLoad(b_.getPtrTy(), pf);
  auto *pfType = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getPtrTy(), b_.getInt64Ty()}, false);
  b_.CreateCall(pfType, pfn, {outlined, closure, extent});
  // Body: reload the captures, run [begin, end).
  llvm::IRBuilderBase::InsertPointGuard guard(b_);
  llvm::Function *savedFn = fn_;
  Scope saved = scope_;
  fn_ = outlined;
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", outlined));
  llvm::Value *arg = outlined->getArg(0);
  size_t field = 0;
  for (auto &[name, entry] : scope_.buffers)
    entry.first = b_.CreateLoad(b_.getPtrTy(), b_.CreateStructGEP(closureType, arg, field++), name);
  for (auto &[name, v] : scope_.vars) v = b_.CreateLoad(b_.getInt64Ty(), b_.CreateStructGEP(closureType, arg, field++), name);
  auto min = expr(s->min);
  Status status = min.ok() ? serialLoop(s, b_.CreateAdd(*min, outlined->getArg(1)), b_.CreateAdd(*min, outlined->getArg(2)))
                           : min.status();
  if (status.ok()) b_.CreateRetVoid();
  fn_ = savedFn;
  scope_ = std::move(saved);
  return status;
}

Status FuncEmitter::forLoop(const Stmt &s) {
  if (s->forKind == ForKind::Parallel) return parallelLoop(s);
  auto width = loop::asConstInt(s->extent);
  if (s->forKind == ForKind::Vectorized && width && *width > 1 && *width <= 64 && vecWidth_ == 0 && vectorizable(s->body, s->var))
    return vectorLoop(s, *width);
  TS_ASSIGN_OR_RETURN(llvm::Value * min, expr(s->min));
  TS_ASSIGN_OR_RETURN(llvm::Value * extent, expr(s->extent));
  return serialLoop(s, min, b_.CreateAdd(min, extent));
}

/// A sequence; runs of lane-strided stores to consecutive elements (a conv tile's
/// pixels, each a vector of channels) are stored transposed.
Status FuncEmitter::seqStmt(const Stmt &s) {
  for (size_t k = 0; k < s->stmts.size();) {
    size_t run = vecWidth_ == 0 ? transposableRun(s->stmts, k, [&](const std::string &name) -> const loop::Buffer * {
      auto found = scope_.buffers.find(name);
      return found == scope_.buffers.end() ? nullptr : &found->second.second;
    })
                                : 0;
    if (run == 0) {
      TS_RETURN_IF_ERROR(stmt(s->stmts[k++]));
      continue;
    }
    std::vector<Stmt> stores(s->stmts.begin() + static_cast<std::ptrdiff_t>(k),
                             s->stmts.begin() + static_cast<std::ptrdiff_t>(k + run));
    TS_RETURN_IF_ERROR(transposedStores(stores, *loop::asConstInt(stores[0]->extent)));
    k += run;
  }
  return absl::OkStatus();
}

/// The run's values (row r: statement r's lanes) transposed in registers, then one
/// contiguous store of the run's length per lane: lane c's elements start at lane 0's
/// address + c * stride. The values are all computed before the first store; none of
/// them reads the stored buffer (transposableRun).
Status FuncEmitter::transposedStores(const std::vector<Stmt> &run, int64_t width) {
  std::vector<llvm::Value *> rows;
  llvm::Value *first = nullptr;
  int64_t stride = 0;
  for (const Stmt &s : run) {
    TS_ASSIGN_OR_RETURN(llvm::Value * min, expr(s->min));
    enterVectorLoop(s, min, width);
    const Stmt &store = s->body;
    const loop::Buffer &buffer = scope_.buffers.at(store->name).second;
    Expr flat = flatIndex(store->indices, buffer.shape);
    stride = *linearCoefficient(flat, s->var);
    auto value = vexpr(store->value);
    if (value.ok()) value = splat(*value);
    auto offset = first ? StatusOr<llvm::Value *>(nullptr) : laneZeroOffset(flat);
    leaveVectorLoop(s);
    TS_RETURN_IF_ERROR(value.status());
    TS_RETURN_IF_ERROR(offset.status());
    rows.push_back(*value);
    if (!first) first = b_.CreateInBoundsGEP(b_.getFloatTy(), scope_.buffers.at(store->name).first, *offset);
  }
  std::vector<llvm::Value *> lanes = transposeLanes(b_, rows);
  std::vector<llvm::Constant *> on;
  for (int64_t r = 0; r < width; ++r) on.push_back(b_.getInt1(r < static_cast<int64_t>(run.size())));
  llvm::Value *mask = llvm::ConstantVector::get(on);
  for (int64_t c = 0; c < width; ++c) {
    llvm::Value *at = b_.CreateInBoundsGEP(b_.getFloatTy(), first, b_.getInt64(c * stride));
    if (static_cast<int64_t>(run.size()) == width)
      b_.CreateAlignedStore(lanes[static_cast<size_t>(c)], at, llvm::Align(4));
    else
      b_.CreateMaskedStore(lanes[static_cast<size_t>(c)], at, llvm::Align(4), mask);
  }
  return absl::OkStatus();
}

Status FuncEmitter::allocStmt(const Stmt &s) {
  const loop::Buffer &buffer = s->buffer;
  llvm::Type *elem = memType(buffer.dtype);
  uint64_t count = static_cast<uint64_t>(buffer.elementCount());
  llvm::Value *ptr = nullptr;
  llvm::Value *heap = nullptr;
  if (buffer.scope == loop::MemScope::Global) {
    llvm::FunctionCallee mallocFn = module_.getOrInsertFunction("malloc", b_.getPtrTy(), b_.getInt64Ty());
    heap = b_.CreateCall(mallocFn, {b_.getInt64(count * module_.getDataLayout().getTypeAllocSize(elem))});
    ptr = heap;
  } else {
    ptr = entryAlloca(elem, count);
  }
  scope_.buffers[buffer.name] = {ptr, buffer};
  TS_RETURN_IF_ERROR(stmt(s->body));
  scope_.buffers.erase(buffer.name);
  if (heap) b_.CreateCall(module_.getOrInsertFunction("free", b_.getVoidTy(), b_.getPtrTy()), {heap});
  return absl::OkStatus();
}

Status FuncEmitter::ifStmt(const Stmt &s) {
  TS_ASSIGN_OR_RETURN(llvm::Value * cond, expr(s->cond));
  llvm::BasicBlock *then = llvm::BasicBlock::Create(ctx_, "then", fn_);
  llvm::BasicBlock *orElse = llvm::BasicBlock::Create(ctx_, "else", fn_);
  llvm::BasicBlock *join = llvm::BasicBlock::Create(ctx_, "join", fn_);
  b_.CreateCondBr(cond, then, orElse);
  b_.SetInsertPoint(then);
  TS_RETURN_IF_ERROR(stmt(s->body));
  b_.CreateBr(join);
  b_.SetInsertPoint(orElse);
  if (s->orElse) TS_RETURN_IF_ERROR(stmt(s->orElse));
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  return absl::OkStatus();
}

Status FuncEmitter::stmt(const Stmt &s) {
  switch (s->kind) {
  case StmtKind::For: return forLoop(s);
  case StmtKind::Store: {
    TS_ASSIGN_OR_RETURN(llvm::Value * v, expr(s->value));
    llvm::Value *ptr = elementPtr(s->name, s->indices);
    TS_RETURN_IF_ERROR(error_);
    if (v->getType()->isIntegerTy(1)) v = b_.CreateZExt(v, b_.getInt8Ty());
    b_.CreateStore(v, ptr);
    return absl::OkStatus();
  }
  case StmtKind::Seq: return seqStmt(s);
  case StmtKind::Alloc: return allocStmt(s);
  case StmtKind::If: return ifStmt(s);
  case StmtKind::Call: return callStmt(s);
  }
  return fail("unknown statement");
}

/// `call @prefetch(&%b[...])`: a read hint for the element's cache line (llvm.prefetch:
/// read, locality 2: into L2 and beyond, not L1; data).
Status FuncEmitter::callStmt(const Stmt &s) {
  if (s->name != "prefetch") return fail(strCat("intrinsic @", s->name, " has no CPU lowering"));
  if (s->args.size() != 1 || s->args[0]->kind != ExprKind::Address)
    return fail("@prefetch takes one element address");
  llvm::Value *ptr = elementPtr(s->args[0]->name, s->args[0]->operands);
  TS_RETURN_IF_ERROR(error_);
  b_.CreateIntrinsic(llvm::Intrinsic::prefetch, {b_.getPtrTy()}, {ptr, b_.getInt32(0), b_.getInt32(2), b_.getInt32(1)});
  return absl::OkStatus();
}

Status FuncEmitter::emitBody(llvm::Function *fn, llvm::BasicBlock *block) {
  fn_ = fn;
  for (size_t i = 0; i < func_.params.size(); ++i)
    scope_.buffers[func_.params[i].name] = {fn_->getArg(static_cast<unsigned>(i)), func_.params[i]};
  if (options_) scope_.vars.insert(options_->vars.begin(), options_->vars.end());
  llvm::FastMathFlags contract;
  contract.setAllowContract(true); // a * b + c may become one fma
  b_.setFastMathFlags(contract);
  b_.SetInsertPoint(block);
  TS_RETURN_IF_ERROR(stmt(func_.body));
  b_.CreateRetVoid();
  return absl::OkStatus();
}

Status FuncEmitter::run() {
  std::vector<llvm::Type *> params(func_.params.size(), b_.getPtrTy());
  auto *bodyType = llvm::FunctionType::get(b_.getVoidTy(), params, false);
  llvm::Function *body = llvm::Function::Create(bodyType, llvm::Function::InternalLinkage, func_.name + ".body", module_);
  body->addFnAttr(llvm::Attribute::NoUnwind);
  for (size_t i = 0; i < func_.params.size(); ++i) body->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoAlias);
  TS_RETURN_IF_ERROR(emitBody(body, llvm::BasicBlock::Create(ctx_, "entry", body)));
  // Packed entry: void name(void **args).
  auto *entryType = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy()}, false);
  llvm::Function *entry = llvm::Function::Create(entryType, llvm::Function::ExternalLinkage, func_.name, module_);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", entry));
  std::vector<llvm::Value *> args;
  for (size_t i = 0; i < func_.params.size(); ++i)
    args.push_back(b_.CreateLoad(b_.getPtrTy(), b_.CreateConstGEP1_64(b_.getPtrTy(), entry->getArg(0), i)));
  b_.CreateCall(body, args);
  b_.CreateRetVoid();
  return absl::OkStatus();
}

} // namespace

Status emitFuncBody(const loop::Func &func, llvm::Function &fn, llvm::BasicBlock &block, const BodyOptions &options) {
  return FuncEmitter(*fn.getParent(), func, &options).emitBody(&fn, &block);
}

StatusOr<std::unique_ptr<llvm::Module>> emitLlvmModule(const loop::Module &module, llvm::LLVMContext &context,
                                                       const std::string &name) {
  auto out = std::make_unique<llvm::Module>(name, context);
  new llvm::GlobalVariable(*out, llvm::PointerType::getUnqual(context), /*isConstant=*/false,
                           llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantPointerNull::get(llvm::PointerType::getUnqual(context)), kParallelForGlobal);
  for (const loop::Func &f : module.funcs) TS_RETURN_IF_ERROR(FuncEmitter(*out, f).run());
  std::string message;
  llvm::raw_string_ostream os(message);
  if (llvm::verifyModule(*out, &os)) return absl::InternalError("LLVM module does not verify: " + os.str());
  return out;
}

} // namespace tessera::codegen
