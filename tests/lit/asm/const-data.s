; Constant tensors: .data values (or `fill`) are stored in the binary and printed back
; 16 to a line; per-tensor scale and zero point survive the round trip; dram_base
; counts entries of the buffer loaded (acc entries are 64 bytes: 0x200 is entry 8).
; RUN: %tessera asm %s -c %configs/default.json -o %t.tsb
; RUN: %tessera disasm %t.tsb | FileCheck %s

; CHECK:      .tensor A input i8 1x16 @0x0 scale=0.5 zero_point=-3
; CHECK-NEXT: .tensor W const i8 16x16 @0x100
; CHECK-NEXT: .data W 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
; CHECK-COUNT-15: .data W 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
; CHECK-NEXT: .tensor R const i32 20 @0x200
; CHECK-NEXT: .data R 8388616 -1 0 2147483647 -2147483648 5 6 7 8 9 10 11 12 13 14 15
; CHECK-NEXT: .data R 16 17 18 19
; CHECK-NEXT: .tensor C output i8 1x16 @0x300
; CHECK:      .segment matmul op=gemm
; CHECK-NEXT: load buffer=uop
; CHECK-NEXT: load buffer=acc sram_base=1 dram_base=8 y_size=1 x_size=1 x_stride=1
; CHECK:      alu push_next alu_op=requant uop_bgn=1 uop_end=2 iter_out=1 iter_in=1

.geometry batch=1 block_in=16 block_out=16
.tensor A input i8 1x16 @0x0 scale=0.5 zero_point=-3
.tensor W const i8 16x16 @0x100
.data W fill 1
.tensor R const i32 20 @0x200
.data R 8388616 -1 0 2147483647 -2147483648 5 6 7 8 9 10
.data R 11 12 13 14 15 16 17 18 19
.tensor C output i8 1x16 @0x300
.uop dst=0 src=0 wgt=0
.uop dst=0 src=1 wgt=0
.segment matmul op=gemm
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=acc sram_base=1 dram_base=R y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=requant uop_bgn=1 uop_end=2 iter_out=1 iter_in=1 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev
.endsegment
finish
