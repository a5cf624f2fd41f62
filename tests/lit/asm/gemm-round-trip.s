; asm -> disasm: the smallest GEMM program prints back in canonical form (memory map
; first; then each instruction's fields in encoding order, token flags bare, tensor
; names as DRAM entry indices), and the canonical form assembles to the same binary.
; RUN: %tessera asm %s -c %configs/default.json -o %t.tsb
; RUN: %tessera disasm %t.tsb > %t.s
; RUN: FileCheck %s --match-full-lines < %t.s
; RUN: %tessera asm %t.s -c %configs/default.json -o %t2.tsb
; RUN: cmp %t.tsb %t2.tsb

; CHECK:      ; tessera assembly for config 'default' (hash {{[0-9a-f]+}})
; CHECK-NEXT: .geometry batch=1 block_in=16 block_out=16
; CHECK-NEXT: .dram_bytes 0x{{[0-9a-f]+}}
; CHECK-NEXT: .tensor A input i8 1x16 @0x0
; CHECK-NEXT: .tensor W input i8 16x16 @0x100
; CHECK-NEXT: .tensor C output i8 1x16 @0x200
; CHECK-NEXT: .uops @0x240
; CHECK-NEXT: .uop dst=0 src=0 wgt=0
; CHECK-NEXT: .instructions @0x280
; CHECK-NEXT: .segment gemm op=matmul
; CHECK-NEXT: load buffer=uop sram_base=0 dram_base=144 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: load buffer=inp sram_base=0 dram_base=0 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: load push_next buffer=wgt sram_base=0 dram_base=1 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
; CHECK-NEXT: gemm pop_prev uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
; CHECK-NEXT: alu push_next alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2
; CHECK-NEXT: store pop_prev push_prev sram_base=0 dram_base=32 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: .endsegment
; CHECK-NEXT: finish pop_next

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
