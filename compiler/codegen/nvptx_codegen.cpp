//===- nvptx_codegen.cpp - Kernels for nvptx64-nvidia-cuda, O3, PTX --------------------===//
#include "compiler/codegen/nvptx_codegen.h"

#include <cmath>
#include <mutex>
#include <regex>

#include <llvm/ADT/SmallString.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicsNVPTX.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/llvm_codegen.h"

namespace tessera::codegen {
namespace {

using loop::BinOp;
using loop::ExprKind;
using loop::MathFn;
using Builder = llvm::IRBuilder<>;

/// NVPTX's global memory address space.
constexpr unsigned kGlobalAddressSpace = 1;

void initializeNvptx() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
}

llvm::Value *f32(Builder &b, double v) { return llvm::ConstantFP::get(b.getFloatTy(), v); }
llvm::Value *ex2(Builder &b, llvm::Value *x) { return b.CreateIntrinsic(llvm::Intrinsic::nvvm_ex2_approx_f, {}, {x}); }
llvm::Value *lg2(Builder &b, llvm::Value *x) { return b.CreateIntrinsic(llvm::Intrinsic::nvvm_lg2_approx_f, {}, {x}); }
llvm::Value *fabs(Builder &b, llvm::Value *x) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x); }
/// `negative ? -v : v`.
llvm::Value *withSign(Builder &b, llvm::Value *negative, llvm::Value *v) { return b.CreateSelect(negative, b.CreateFNeg(v), v); }

/// Horner evaluation of coefficients (highest power first) at x.
llvm::Value *polynomial(Builder &b, llvm::Value *x, std::initializer_list<double> coefficients) {
  llvm::Value *acc = nullptr;
  for (double c : coefficients) acc = acc ? b.CreateFAdd(b.CreateFMul(acc, x), f32(b, c)) : f32(b, c);
  return acc;
}

llvm::Value *expF32(Builder &b, llvm::Value *x) { return ex2(b, b.CreateFMul(x, f32(b, 1.4426950408889634))); }

/// tanh: the odd series below 1/8, else 1 - 2 / (e^{2|x|} + 1) with the sign of x.
llvm::Value *tanhF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *e = ex2(b, b.CreateFMul(a, f32(b, 2 * 1.4426950408889634)));
  llvm::Value *large = b.CreateFSub(f32(b, 1), b.CreateFDiv(f32(b, 2), b.CreateFAdd(e, f32(b, 1))));
  llvm::Value *x2 = b.CreateFMul(x, x);
  llvm::Value *small = b.CreateFMul(x, polynomial(b, x2, {2.0 / 15, -1.0 / 3, 1.0}));
  return b.CreateSelect(b.CreateFCmpOLT(a, f32(b, 0.125)), small, withSign(b, b.CreateFCmpOLT(x, f32(b, 0)), large));
}

/// erf: Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
llvm::Value *erfF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *t = b.CreateFDiv(f32(b, 1), b.CreateFAdd(f32(b, 1), b.CreateFMul(a, f32(b, 0.3275911))));
  llvm::Value *p = b.CreateFMul(t, polynomial(b, t, {1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592}));
  llvm::Value *y = b.CreateFSub(f32(b, 1), b.CreateFMul(p, expF32(b, b.CreateFNeg(b.CreateFMul(a, a)))));
  return withSign(b, b.CreateFCmpOLT(x, f32(b, 0)), y);
}

/// atan: Cephes' atanf (range reduction by tan(pi/8) and tan(3pi/8), then an odd
/// polynomial; relative error about 1e-7) with the sign of x.
llvm::Value *atanF32(Builder &b, llvm::Value *x) {
  llvm::Value *a = fabs(b, x);
  llvm::Value *big = b.CreateFCmpOGT(a, f32(b, 2.414213562373095));
  llvm::Value *mid = b.CreateFCmpOGT(a, f32(b, 0.4142135623730950));
  llvm::Value *reduced = b.CreateSelect(
      big, b.CreateFDiv(f32(b, -1), a),
      b.CreateSelect(mid, b.CreateFDiv(b.CreateFSub(a, f32(b, 1)), b.CreateFAdd(a, f32(b, 1))), a));
  llvm::Value *base = b.CreateSelect(big, f32(b, M_PI / 2), b.CreateSelect(mid, f32(b, M_PI / 4), f32(b, 0)));
  llvm::Value *z = b.CreateFMul(reduced, reduced);
  llvm::Value *p = polynomial(b, z, {8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1});
  llvm::Value *y = b.CreateFAdd(base, b.CreateFAdd(b.CreateFMul(b.CreateFMul(p, z), reduced), reduced));
  return withSign(b, b.CreateFCmpOLT(x, f32(b, 0)), y);
}

/// pow as ex2(b * lg2|a|): a negative base needs an integer exponent (negated
/// when it is odd), else NaN; pow(a, 0) = 1.
llvm::Value *powF32(Builder &b, llvm::Value *base, llvm::Value *exponent) {
  llvm::Value *r = ex2(b, b.CreateFMul(exponent, lg2(b, fabs(b, base))));
  llvm::Value *integer = b.CreateFCmpOEQ(b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, exponent), exponent);
  llvm::Value *odd = b.CreateFCmpUNE(b.CreateFRem(exponent, f32(b, 2)), f32(b, 0));
  llvm::Value *negativeBase = b.CreateSelect(integer, withSign(b, odd, r), f32(b, std::nan("")));
  llvm::Value *v = b.CreateSelect(b.CreateFCmpOLT(base, f32(b, 0)), negativeBase, r);
  return b.CreateSelect(b.CreateFCmpOEQ(exponent, f32(b, 0)), f32(b, 1), v);
}

/// The functions lowered here from PTX's approximate instructions (f32 only).
StatusOr<llvm::Value *> approximated(Builder &b, MathFn fn, llvm::Value *x) {
  if (!x->getType()->isFloatTy())
    return absl::UnimplementedError(strCat("NVPTX codegen: ", loop::mathName(fn), " is lowered for f32 only"));
  switch (fn) {
  case MathFn::Exp: return expF32(b, x);
  case MathFn::Log: return b.CreateFMul(lg2(b, x), f32(b, 0.6931471805599453));
  case MathFn::Sin: return b.CreateIntrinsic(llvm::Intrinsic::nvvm_sin_approx_f, {}, {x});
  case MathFn::Cos: return b.CreateIntrinsic(llvm::Intrinsic::nvvm_cos_approx_f, {}, {x});
  case MathFn::Tanh: return tanhF32(b, x);
  case MathFn::Erf: return erfF32(b, x);
  case MathFn::Atan: return atanF32(b, x);
  default: return absl::UnimplementedError(strCat("NVPTX codegen: ", loop::mathName(fn), " has no lowering"));
  }
}

/// The operations NVPTX cannot select from the generic lowering (libm calls, the
/// exp/log/sin/cos/pow intrinsics); nullptr for those the generic lowering handles.
StatusOr<llvm::Value *> nvptxOp(Builder &b, const loop::ExprNode &e, const std::vector<llvm::Value *> &ops) {
  if (e.kind == ExprKind::Binary) {
    if (e.op != BinOp::Pow || !loop::isFloat(e.type)) return nullptr;
    if (!ops[0]->getType()->isFloatTy()) return absl::UnimplementedError("NVPTX codegen: pow is lowered for f32 only");
    return powF32(b, ops[0], ops[1]);
  }
  switch (e.fn) {
  case MathFn::Sqrt:
  case MathFn::Abs:
  case MathFn::Floor:
  case MathFn::Ceil:
  case MathFn::Round:
  case MathFn::Neg: return nullptr; // sqrt.rn, abs, cvt.rmi/rpi/rni, neg
  default: return approximated(b, e.fn, ops[0]);
  }
}

llvm::Intrinsic::ID sregIntrinsic(const GpuIndex &index) {
  static constexpr llvm::Intrinsic::ID kBlock[] = {llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_x,
                                                   llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_y,
                                                   llvm::Intrinsic::nvvm_read_ptx_sreg_ctaid_z};
  static constexpr llvm::Intrinsic::ID kThread[] = {llvm::Intrinsic::nvvm_read_ptx_sreg_tid_x,
                                                    llvm::Intrinsic::nvvm_read_ptx_sreg_tid_y,
                                                    llvm::Intrinsic::nvvm_read_ptx_sreg_tid_z};
  return (index.kind == loop::ForKind::GpuBlock ? kBlock : kThread)[index.dim];
}

/// nvvm.annotations: the kernel flag and the block size (maxntid).
void annotateKernel(llvm::Function &fn, const LaunchDims &dims) {
  llvm::Module &m = *fn.getParent();
  llvm::LLVMContext &ctx = m.getContext();
  llvm::NamedMDNode *annotations = m.getOrInsertNamedMetadata("nvvm.annotations");
  auto add = [&](const char *key, int64_t value) {
    llvm::Metadata *ops[] = {llvm::ValueAsMetadata::get(&fn), llvm::MDString::get(ctx, key),
                             llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(llvm::Type::getInt32Ty(ctx), value))};
    annotations->addOperand(llvm::MDNode::get(ctx, ops));
  };
  add("kernel", 1);
  add("maxntidx", dims.block[0]);
  add("maxntidy", dims.block[1]);
  add("maxntidz", dims.block[2]);
}

bool isPtxIdentifier(const std::string &name) {
  static const std::regex kIdentifier("[A-Za-z_][A-Za-z0-9_$]*");
  return std::regex_match(name, kIdentifier);
}

/// `void name(ptr addrspace(1) noalias %buffer, ...)` in the ptx_kernel convention.
llvm::Function *createKernel(llvm::Module &m, const loop::Func &func) {
  llvm::Type *global = llvm::PointerType::get(m.getContext(), kGlobalAddressSpace);
  std::vector<llvm::Type *> params(func.params.size(), global);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(m.getContext()), params, false);
  llvm::Function *fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, func.name, m);
  fn->setCallingConv(llvm::CallingConv::PTX_Kernel);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  for (size_t i = 0; i < func.params.size(); ++i) {
    fn->addParamAttr(static_cast<unsigned>(i), llvm::Attribute::NoAlias);
    fn->getArg(static_cast<unsigned>(i))->setName(func.params[i].name);
  }
  return fn;
}

Status emitKernel(llvm::Module &m, const loop::Func &func, std::vector<PtxKernel> &kernels) {
  if (!isPtxIdentifier(func.name)) return invalidInput("NVPTX codegen: @%s is not a PTX identifier", func.name);
  if (m.getFunction(func.name)) return invalidInput("NVPTX codegen: two kernels are named @%s", func.name);
  TS_ASSIGN_OR_RETURN(BoundKernel bound, bindGpuLoops(func));
  llvm::Function *fn = createKernel(m, func);
  llvm::BasicBlock *entry = llvm::BasicBlock::Create(m.getContext(), "entry", fn);
  Builder b(entry);
  BodyOptions options;
  for (const auto &[var, index] : bound.indices) {
    llvm::Value *hw = b.CreateZExt(b.CreateIntrinsic(sregIntrinsic(index), {}, {}), b.getInt64Ty());
    options.vars[var] = b.CreateAdd(hw, b.getInt64(index.min), var);
  }
  options.op = nvptxOp;
  TS_RETURN_IF_ERROR(emitFuncBody(bound.func, *fn, *entry, options));
  annotateKernel(*fn, bound.dims);
  kernels.push_back({func.name, bound.dims});
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<llvm::TargetMachine>> nvptxTargetMachine(const std::string &arch) {
  initializeNvptx();
  static const std::regex kArch("sm_[0-9]+a?");
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kNvptxTriple, error);
  if (!target) return absl::InternalError(strCat("the NVPTX target is not available: ", error));
  // The generic subtarget knows every processor (asking for an unknown one would warn).
  std::unique_ptr<llvm::MCSubtargetInfo> info(target->createMCSubtargetInfo(kNvptxTriple, "", ""));
  if (!std::regex_match(arch, kArch) || !info || !info->isCPUStringValid(arch))
    return invalidInput("unknown GPU architecture '%s' (sm_80, sm_90, ...: one the NVPTX target of LLVM knows)", arch);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      kNvptxTriple, arch, "", options, std::nullopt, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm) return absl::InternalError(strCat("creating the NVPTX target machine for ", arch));
  return tm;
}

} // namespace

const PtxKernel *PtxModule::findKernel(const std::string &name) const {
  for (const PtxKernel &k : kernels)
    if (k.name == name) return &k;
  return nullptr;
}

StatusOr<std::unique_ptr<llvm::Module>> emitNvptxModule(const loop::Module &module, llvm::LLVMContext &context,
                                                        const std::string &name, std::vector<PtxKernel> &kernels) {
  auto out = std::make_unique<llvm::Module>(name, context);
  out->setTargetTriple(kNvptxTriple);
  for (const loop::Func &f : module.funcs) TS_RETURN_IF_ERROR(emitKernel(*out, f, kernels));
  std::string message;
  llvm::raw_string_ostream os(message);
  if (llvm::verifyModule(*out, &os)) return absl::InternalError("NVPTX LLVM module does not verify: " + os.str());
  return out;
}

StatusOr<PtxModule> compileToPtx(const loop::Module &module, const std::string &arch) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::TargetMachine> tm, nvptxTargetMachine(arch));
  PtxModule out;
  out.arch = arch;
  llvm::LLVMContext context;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<llvm::Module> m, emitNvptxModule(module, context, "tessera", out.kernels));
  optimizeForHost(*m, *tm);
  llvm::SmallString<0> ptx;
  llvm::raw_svector_ostream os(ptx);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::AssemblyFile))
    return absl::InternalError("the NVPTX target machine cannot emit PTX");
  pm.run(*m);
  out.ptx = ptx.str().str();
  return out;
}

} // namespace tessera::codegen
