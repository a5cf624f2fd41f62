; examples/gemm_16.s -- the smallest complete program: one 1x16 by 16x16 GEMM with a
; per-tensor requantize, default config (1x16x16). C = saturate_int8(round(A x W^T / 4)).
;
; Every unit's work is ordered by tokens: the load unit tells compute the operands are in
; (push_next / pop_prev), compute tells store the result is ready, and store tells the
; finish instruction it is done.

.geometry batch=1 block_in=16 block_out=16
.tensor A input i8 1x16 @0x0
.tensor W input i8 16x16 @0x100
.tensor C output i8 1x16 @0x200

.uop dst=0 src=0 wgt=0

.segment gemm op=matmul
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
.endsegment
finish pop_next
