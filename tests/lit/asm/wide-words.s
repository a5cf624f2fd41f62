; A config with 256-bit instructions and 64-bit micro-ops (tests/configs/wide.json: 8x8
; blocks, 4096-entry scratchpads): the binary holds 32-byte instructions and 8-byte
; micro-ops, records both widths in its metadata, prints back to the same text, runs
; (the SystemC model fetches 8 x 32 instruction bytes and loads one 8-byte micro-op),
; and is refused on a device whose words are narrower, with both widths named.
; RUN: %tessera asm %s -c %S/../../configs/wide.json -o %t.tsb
; RUN: %tessera disasm %t.tsb > %t.s
; RUN: FileCheck %s --match-full-lines < %t.s
; RUN: %tessera asm %t.s -c %S/../../configs/wide.json -o %t2.tsb
; RUN: cmp %t.tsb %t2.tsb
; RUN: grep -c '"instruction_bits":256' %t.tsb
; RUN: grep -c '"uop_bits":64' %t.tsb
; RUN: %tessera run %t.tsb --backend functional --random-inputs 1 | FileCheck %s --check-prefix=EXEC
; RUN: %tessera run %t.tsb --backend systemc --random-inputs 1 --report %t.json > /dev/null
; RUN: FileCheck %s --check-prefix=TRAFFIC < %t.json
; RUN: not %tessera run %t.tsb -c %configs/default.json --random-inputs 1 2>&1 | FileCheck %s --check-prefix=MISMATCH

; CHECK:      ; tessera assembly for config 'wide' (hash {{[0-9a-f]+}})
; CHECK-NEXT: .geometry batch=1 block_in=8 block_out=8
; CHECK-NEXT: .dram_bytes 0x1000
; CHECK-NEXT: .tensor A input i8 1x8 @0x0
; CHECK-NEXT: .tensor W input i8 8x8 @0x40
; CHECK-NEXT: .tensor C output i8 1x8 @0x80
; CHECK-NEXT: .uops @0xc0
; CHECK-NEXT: .uop dst=4095 src=4095 wgt=4095
; CHECK-NEXT: .instructions @0x100
; CHECK-NEXT: .segment gemm op=matmul
; CHECK-NEXT: load buffer=uop sram_base=0 dram_base=24 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: load buffer=inp sram_base=4095 dram_base=0 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: load push_next buffer=wgt sram_base=4095 dram_base=1 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 wgt_factor_in=4095
; CHECK-NEXT: gemm pop_prev uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 wgt_factor_in=4095
; CHECK-NEXT: alu push_next alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2
; CHECK-NEXT: store pop_prev push_prev sram_base=4095 dram_base=16 y_size=1 x_size=1 x_stride=1
; CHECK-NEXT: .endsegment
; CHECK-NEXT: finish pop_next

; EXEC: backend: functional
; EXEC: gemm_macs: 64
; EXEC: bytes_stored: 8

; TRAFFIC:      "bytes_read": {
; TRAFFIC:        "instructions": 256,
; TRAFFIC-NEXT:   "uop": 8,

; MISMATCH: error: {{.*}}built for config 'wide' (256-bit instructions, 64-bit micro-ops) but the device has config 'default' (128-bit instructions, 32-bit micro-ops)

.geometry batch=1 block_in=8 block_out=8
.tensor A input i8 1x8 @0x0
.tensor W input i8 8x8 @0x40
.tensor C output i8 1x8 @0x80

; dst, src and wgt are all 12-bit: the last entry of each 4096-entry scratchpad.
.uop dst=4095 src=4095 wgt=4095

.segment gemm op=matmul
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=4095 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=4095 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
; wgt_factor_in sits at bits [132:121] of the 256-bit word, across bit 128.
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 wgt_factor_in=4095
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 wgt_factor_in=4095 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2 push_next
store sram_base=4095 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
.endsegment
finish pop_next
