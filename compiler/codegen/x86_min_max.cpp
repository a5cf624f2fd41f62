//===- x86_min_max.cpp - NaN-propagating vector min/max as x86's MAXPS/MINPS ----------===//
#include "compiler/codegen/x86_min_max.h"

#include <optional>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/IR/PatternMatch.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/TargetParser/Triple.h>

namespace tessera::codegen {
namespace {

using namespace llvm::PatternMatch;

enum class Kind { Max, Min };

/// Max for `select(a < c || isnan(c), c, a)`, Min for `a > c`, else none.
std::optional<Kind> minMaxKind(llvm::SelectInst &select) {
  llvm::Value *a = select.getFalseValue(), *c = select.getTrueValue();
  llvm::FCmpInst::Predicate order, unordered;
  llvm::Value *x, *y, *n1, *n2;
  if (!match(select.getCondition(),
             m_c_Or(m_FCmp(order, m_Value(x), m_Value(y)), m_FCmp(unordered, m_Value(n1), m_Value(n2)))))
    return std::nullopt;
  if (unordered != llvm::FCmpInst::FCMP_UNO || n1 != c || n2 != c || x != a || y != c) return std::nullopt;
  if (order == llvm::FCmpInst::FCMP_OLT) return Kind::Max;
  if (order == llvm::FCmpInst::FCMP_OGT) return Kind::Min;
  return std::nullopt;
}

/// x86's MAXPS/MINPS (and the PD forms) for vectors of `bits` bits, or none.
std::optional<llvm::Intrinsic::ID> x86Intrinsic(Kind kind, unsigned bits, bool isDouble, bool avx, bool avx512) {
  using namespace llvm::Intrinsic;
  bool max = kind == Kind::Max;
  if (bits == 128) return isDouble ? (max ? x86_sse2_max_pd : x86_sse2_min_pd) : (max ? x86_sse_max_ps : x86_sse_min_ps);
  if (bits == 256 && avx)
    return isDouble ? (max ? x86_avx_max_pd_256 : x86_avx_min_pd_256) : (max ? x86_avx_max_ps_256 : x86_avx_min_ps_256);
  if (bits == 512 && avx512)
    return isDouble ? (max ? x86_avx512_max_pd_512 : x86_avx512_min_pd_512)
                    : (max ? x86_avx512_max_ps_512 : x86_avx512_min_ps_512);
  return std::nullopt;
}

/// `isnan(c) ? c : MAXPS(c, a)` replacing `select`, or null when its type has no form.
llvm::Value *x86MinMax(llvm::SelectInst &select, Kind kind, bool avx, bool avx512) {
  auto *type = llvm::dyn_cast<llvm::FixedVectorType>(select.getType());
  if (!type || !(type->getElementType()->isFloatTy() || type->getElementType()->isDoubleTy())) return nullptr;
  bool isDouble = type->getElementType()->isDoubleTy();
  unsigned bits = type->getNumElements() * (isDouble ? 64 : 32);
  std::optional<llvm::Intrinsic::ID> id = x86Intrinsic(kind, bits, isDouble, avx, avx512);
  if (!id) return nullptr;
  llvm::IRBuilder<> b(&select);
  llvm::Value *a = select.getFalseValue(), *c = select.getTrueValue();
  std::vector<llvm::Value *> args = {c, a};
  if (bits == 512) args.push_back(b.getInt32(4));  // the current rounding mode
  llvm::Value *ordered = b.CreateIntrinsic(*id, {}, args);
  return b.CreateSelect(b.CreateFCmpUNO(c, c), c, ordered);
}

} // namespace

int useX86MinMax(llvm::Module &module, const llvm::TargetMachine &tm) {
  if (!tm.getTargetTriple().isX86()) return 0;
  const llvm::MCSubtargetInfo *subtarget = tm.getMCSubtargetInfo();
  if (!subtarget || !subtarget->checkFeatures("+sse2")) return 0;
  bool avx = subtarget->checkFeatures("+avx"), avx512 = subtarget->checkFeatures("+avx512f");
  std::vector<std::pair<llvm::SelectInst *, llvm::Value *>> rewrites;
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &block : f)
      for (llvm::Instruction &inst : block) {
        auto *select = llvm::dyn_cast<llvm::SelectInst>(&inst);
        if (!select) continue;
        std::optional<Kind> kind = minMaxKind(*select);
        if (!kind) continue;
        if (llvm::Value *replacement = x86MinMax(*select, *kind, avx, avx512)) rewrites.push_back({select, replacement});
      }
  for (auto &[select, replacement] : rewrites) {
    select->replaceAllUsesWith(replacement);
    select->eraseFromParent();
  }
  return static_cast<int>(rewrites.size());
}

} // namespace tessera::codegen
