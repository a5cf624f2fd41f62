//===- compute.cpp - GEMM and ALU semantics -----------------------------------------===//
//
// Both run a micro-op range inside two hardware loops:
//   for i0 < iter_out: for i1 < iter_in: for u in [uop_bgn, uop_end):
//     dst = uop[u].dst + i0 * dst_factor_out + i1 * dst_factor_in   (acc row)
//     src = uop[u].src + i0 * src_factor_out + i1 * src_factor_in   (inp row; acc row for ALU)
//     wgt = uop[u].wgt + i0 * wgt_factor_out + i1 * wgt_factor_in   (GEMM only)
// GEMM: acc[dst] = reset ? 0 : acc[dst] + inp[src] . wgt[wgt]^T. ALU: acc[dst] =
// op(acc[dst], use_imm ? imm : acc[src]) lane by lane; lutset writes the operand's low
// bytes into the lookup table instead (acc and out unchanged). Every acc write updates
// out[dst].
// Factors are unsigned, so the largest index of each kind is reached at the last
// iteration: the whole instruction is bounds-checked before any state changes.
//
//===----------------------------------------------------------------------===//
#include "isa/alu_ops.h"
#include "simulator/golden/gemm_kernel.h"
#include "simulator/golden/machine.h"

namespace tessera::sim {

using isa::Buffer;
using isa::Field;
using isa::Instruction;
using isa::Opcode;

namespace {

/// The largest value of uop.<member> + (iter_out-1)*out + (iter_in-1)*in over the range.
struct IndexBound {
  int64_t value;
  int64_t uop;
};

template <typename Member>
IndexBound maxIndex(const std::vector<isa::Uop> &uops, const Instruction &inst, Member member, Field out, Field in) {
  IndexBound bound{-1, -1};
  for (int64_t u = inst[Field::uop_bgn]; u < inst[Field::uop_end]; ++u) {
    int64_t value = int64_t(uops[size_t(u)].*member);
    if (value > bound.value) bound = {value, u};
  }
  bound.value += (inst[Field::iter_out] - 1) * inst[out] + (inst[Field::iter_in] - 1) * inst[in];
  return bound;
}

Status indexError(const Instruction &inst, size_t index, const char *kind, IndexBound bound, int64_t depth) {
  return invalidInput("instruction %d (%s): %s index reaches %d, outside the %s depth %d (micro-op %d at iter_out=%d, "
                      "iter_in=%d)",
                      index, isa::opcodeName(inst.opcode), kind, bound.value, kind, depth, bound.uop,
                      inst[Field::iter_out] - 1, inst[Field::iter_in] - 1);
}

bool loopsAreEmpty(const Instruction &inst) {
  return inst[Field::iter_out] == 0 || inst[Field::iter_in] == 0 || inst[Field::uop_bgn] >= inst[Field::uop_end];
}

} // namespace

Status Machine::checkLoopIndices(const Instruction &inst, size_t index) const {
  if (inst[Field::uop_end] > config_.depth(Buffer::uop) || inst[Field::uop_bgn] > inst[Field::uop_end])
    return invalidInput("instruction %d (%s): micro-op range [%d, %d) is not inside [0, %d]", index,
                        isa::opcodeName(inst.opcode), inst[Field::uop_bgn], inst[Field::uop_end], config_.depth(Buffer::uop));
  if (loopsAreEmpty(inst)) return absl::OkStatus();
  IndexBound dst = maxIndex(uops_, inst, &isa::Uop::dst, Field::dst_factor_out, Field::dst_factor_in);
  if (dst.value >= config_.depth(Buffer::acc)) return indexError(inst, index, "acc", dst, config_.depth(Buffer::acc));
  bool isGemm = inst.opcode == Opcode::gemm;
  if (isGemm && inst[Field::reset]) return absl::OkStatus();
  if (!isGemm && inst[Field::use_imm]) return absl::OkStatus();
  IndexBound src = maxIndex(uops_, inst, &isa::Uop::src, Field::src_factor_out, Field::src_factor_in);
  Buffer srcBuffer = isGemm ? Buffer::inp : Buffer::acc;
  if (src.value >= config_.depth(srcBuffer))
    return indexError(inst, index, isGemm ? "inp" : "acc", src, config_.depth(srcBuffer));
  if (!isGemm) return absl::OkStatus();
  IndexBound wgt = maxIndex(uops_, inst, &isa::Uop::wgt, Field::wgt_factor_out, Field::wgt_factor_in);
  if (wgt.value >= config_.depth(Buffer::wgt)) return indexError(inst, index, "wgt", wgt, config_.depth(Buffer::wgt));
  return absl::OkStatus();
}

void Machine::reportGemmAccess(int64_t src, int64_t wgt, int64_t dst, bool reset) {
  if (!reset) {
    observer_->scratchpadRead(Buffer::inp, src, 1);
    observer_->scratchpadRead(Buffer::wgt, wgt, 1);
  }
  observer_->scratchpadWrite(Buffer::out, dst, 1);
}

Status Machine::gemm(const Instruction &inst, size_t index) {
  TS_RETURN_IF_ERROR(checkLoopIndices(inst, index));
  if (loopsAreEmpty(inst)) return absl::OkStatus();
  const bool reset = inst[Field::reset] != 0;
  const int batch = int(config_.batch), blockIn = int(config_.block_in), blockOut = int(config_.block_out);
  const int64_t bgn = inst[Field::uop_bgn], end = inst[Field::uop_end];
  for (int64_t i0 = 0; i0 < inst[Field::iter_out]; ++i0) {
    for (int64_t i1 = 0; i1 < inst[Field::iter_in]; ++i1) {
      int64_t dstBase = i0 * inst[Field::dst_factor_out] + i1 * inst[Field::dst_factor_in];
      int64_t srcBase = i0 * inst[Field::src_factor_out] + i1 * inst[Field::src_factor_in];
      int64_t wgtBase = i0 * inst[Field::wgt_factor_out] + i1 * inst[Field::wgt_factor_in];
      for (int64_t u = bgn; u < end; ++u) {
        const isa::Uop &uop = uops_[size_t(u)];
        int64_t dst = uop.dst + dstBase;
        int32_t *accRow = acc_.data() + dst * accLanes_;
        if (reset) std::fill(accRow, accRow + accLanes_, 0);
        else gemmTile(accRow, inp_.data() + (uop.src + srcBase) * inpEntry_, wgt_.data() + (uop.wgt + wgtBase) * wgtEntry_, batch, blockIn, blockOut);
        mirrorToOut(dst);
        if (observer_) reportGemmAccess(uop.src + srcBase, uop.wgt + wgtBase, dst, reset);
      }
    }
  }
  uint64_t iterations = uint64_t(inst[Field::iter_out] * inst[Field::iter_in] * (end - bgn));
  counters_.gemmUops += iterations;
  if (!reset) counters_.gemmMacs += iterations * uint64_t(config_.macsPerCycle());
  return absl::OkStatus();
}

Status Machine::alu(const Instruction &inst, size_t index) {
  TS_RETURN_IF_ERROR(checkLoopIndices(inst, index));
  if (loopsAreEmpty(inst)) return absl::OkStatus();
  const isa::AluOp op = inst.aluOp();
  const bool useImm = inst[Field::use_imm] != 0;
  const int32_t imm = int32_t(inst[Field::imm]);
  for (int64_t i0 = 0; i0 < inst[Field::iter_out]; ++i0) {
    for (int64_t i1 = 0; i1 < inst[Field::iter_in]; ++i1) {
      int64_t dstBase = i0 * inst[Field::dst_factor_out] + i1 * inst[Field::dst_factor_in];
      int64_t srcBase = i0 * inst[Field::src_factor_out] + i1 * inst[Field::src_factor_in];
      for (int64_t u = inst[Field::uop_bgn]; u < inst[Field::uop_end]; ++u) {
        const isa::Uop &uop = uops_[size_t(u)];
        int64_t dst = uop.dst + dstBase;
        int32_t *accRow = acc_.data() + dst * accLanes_;
        const int32_t *srcRow = useImm ? nullptr : acc_.data() + (uop.src + srcBase) * accLanes_;
        if (op == isa::AluOp::lutset) {
          setLutRow(dst, srcRow, imm);
          continue;
        }
        for (int64_t lane = 0; lane < accLanes_; ++lane)
          accRow[lane] = aluLane(op, accRow[lane], useImm ? imm : srcRow[lane], useImm, lut_);
        mirrorToOut(dst);
        if (observer_) observer_->scratchpadWrite(Buffer::out, dst, 1);
      }
    }
  }
  uint64_t iterations = uint64_t(inst[Field::iter_out] * inst[Field::iter_in] * (inst[Field::uop_end] - inst[Field::uop_bgn]));
  counters_.aluUops += iterations;
  if (op == isa::AluOp::lut) counters_.aluLutUops += iterations;
  return absl::OkStatus();
}

void Machine::setLutRow(int64_t dst, const int32_t *operand, int32_t imm) {
  int64_t base = isa::lutRowBase(dst, accLanes_), entries = isa::lutRowEntries(accLanes_);
  for (int64_t lane = 0; lane < entries; ++lane)
    lut_[size_t(base + lane)] = int8_t(uint32_t(operand ? operand[lane] : imm) & 0xff);
}

} // namespace tessera::sim
