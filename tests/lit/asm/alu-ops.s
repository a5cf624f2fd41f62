; Every ALU op assembles and prints back by name, with the immediate and the second
; source operand forms; flags print bare.
; RUN: %tessera asm %s -c %configs/default.json -o %t.tsb
; RUN: %tessera disasm %t.tsb | FileCheck %s

; CHECK:      .segment alu
; CHECK-NEXT: alu alu_op=add uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
; CHECK-NEXT: alu alu_op=sub {{.*}}use_imm imm=-1
; CHECK-NEXT: alu alu_op=mul {{.*}}imm=3
; CHECK-NEXT: alu alu_op=min
; CHECK-NEXT: alu alu_op=max
; CHECK-NEXT: alu alu_op=shr {{.*}}use_imm imm=4
; CHECK-NEXT: alu alu_op=clip
; CHECK-NEXT: alu alu_op=requant
; CHECK-NEXT: alu alu_op=mov
; CHECK-NEXT: alu alu_op=lutset uop_bgn=0 uop_end=1 iter_out=16 iter_in=1 dst_factor_out=1 src_factor_out=1{{$}}
; CHECK-NEXT: alu alu_op=lut {{.*}}use_imm{{$}}
; CHECK-NEXT: .endsegment
; CHECK-NEXT: finish

.geometry batch=1 block_in=16 block_out=16
.segment alu
alu alu_op=add uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=sub uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=-1
alu alu_op=mul uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=3
alu alu_op=min uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=max uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=shr uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=4
alu alu_op=clip uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=127
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=6
alu alu_op=mov uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
alu alu_op=lutset uop_bgn=0 uop_end=1 iter_out=16 iter_in=1 dst_factor_out=1 src_factor_out=1
alu alu_op=lut uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm
.endsegment
finish
