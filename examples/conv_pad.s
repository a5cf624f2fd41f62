; examples/conv_pad.s -- a 3x3 convolution, 16 -> 16 channels, on a 4x4 image with one
; pixel of zero padding inserted by the DMA engine (default config, 1x16x16).
;
; X is NHWC-blocked: 4x4 pixels of 16 channels (one inp entry per pixel). The LOAD pads it
; to 6x6 on the fly (y_pad/x_pad = 1 on every side). W holds the nine 16x16 tap blocks.
; For each output pixel (oy, ox) and tap (ky, kx):
;   acc[oy*4 + ox] += inp[(oy+ky)*6 + (ox+kx)] . W[ky*3 + kx]^T
; The two hardware loops walk oy (outer) and ox (inner); the nine micro-ops are the taps.
; Y = saturate_int8(round(acc / 2^6)), then ReLU as max(y, 0).

.geometry batch=1 block_in=16 block_out=16
.tensor X input i8 4x4x16 @0x0
.tensor W input i8 9x16x16 @0x100
.tensor Y output i8 4x4x16 @0xa00

.uop dst=0 src=0 wgt=0
.uop dst=0 src=1 wgt=1
.uop dst=0 src=2 wgt=2
.uop dst=0 src=6 wgt=3
.uop dst=0 src=7 wgt=4
.uop dst=0 src=8 wgt=5
.uop dst=0 src=12 wgt=6
.uop dst=0 src=13 wgt=7
.uop dst=0 src=14 wgt=8

.segment conv3x3 op=conv2d
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=9 x_stride=9
load buffer=inp sram_base=0 dram_base=X y_size=4 x_size=4 x_stride=4 y_pad_0=1 y_pad_1=1 x_pad_0=1 x_pad_1=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=9 x_stride=9 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=4 iter_in=4 dst_factor_out=4 dst_factor_in=1
gemm uop_bgn=0 uop_end=9 iter_out=4 iter_in=4 dst_factor_out=4 dst_factor_in=1 src_factor_out=6 src_factor_in=1 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=4 iter_in=4 dst_factor_out=4 dst_factor_in=1 use_imm imm=6
alu alu_op=max uop_bgn=0 uop_end=1 iter_out=4 iter_in=4 dst_factor_out=4 dst_factor_in=1 use_imm imm=0 push_next
store sram_base=0 dram_base=Y y_size=4 x_size=4 x_stride=4 pop_prev push_prev
.endsegment
finish pop_next
