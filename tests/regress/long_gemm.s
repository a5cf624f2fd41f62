; tests/regress/long_gemm.s -- gemm_16.s with one GEMM of 256,000,000 micro-op iterations (about 10 s on functional without --max-cycles)

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
gemm uop_bgn=0 uop_end=1 iter_out=16000 iter_in=16000 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
.endsegment
finish pop_next
