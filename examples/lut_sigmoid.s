; examples/lut_sigmoid.s -- an int8 activation through the ALU's lookup table, default
; config (16 lanes): Y = sigmoid(X) with X at scale 1/16 and Y at scale 1/256, zero point
; -128. T[i] = saturate_int8(round_half_even(sigmoid((i - 128) / 16) * 256) - 128), the
; table the int8 reference computes; X holds every int8 value once, so Y = T.
;
; The table reaches the ALU like any int8 operand: an acc8 LOAD puts it into accumulator
; rows 16-31 (16 entries each), and lutset copies row 16 + d into table segment d. Then
; lut maps each lane x of rows 0-15 to T[saturate_int8(x) + 128]. docs/isa.md, "Lookup
; table".

.geometry batch=1 block_in=16 block_out=16
.tensor T const i8 256 @0x0
.data T -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128
.data T -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -127 -127 -127
.data T -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -126 -126
.data T -126 -126 -126 -126 -126 -126 -126 -125 -125 -125 -125 -125 -124 -124 -124 -124
.data T -123 -123 -123 -122 -122 -122 -121 -121 -120 -120 -120 -119 -118 -118 -117 -117
.data T -116 -115 -114 -113 -113 -112 -111 -110 -109 -107 -106 -105 -104 -102 -101 -99
.data T -97 -96 -94 -92 -90 -88 -86 -84 -81 -79 -76 -74 -71 -68 -65 -62
.data T -59 -56 -53 -49 -46 -42 -39 -35 -31 -28 -24 -20 -16 -12 -8 -4
.data T 0 4 8 12 16 20 24 28 31 35 39 42 46 49 53 56
.data T 59 62 65 68 71 74 76 79 81 84 86 88 90 92 94 96
.data T 97 99 101 102 104 105 106 107 109 110 111 112 113 113 114 115
.data T 116 117 117 118 118 119 120 120 120 121 121 122 122 122 123 123
.data T 123 124 124 124 124 125 125 125 125 125 126 126 126 126 126 126
.data T 126 126 126 127 127 127 127 127 127 127 127 127 127 127 127 127
.data T 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127
.data T 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127
.tensor X const i8 16x16 @0x100
.data X -128 -127 -126 -125 -124 -123 -122 -121 -120 -119 -118 -117 -116 -115 -114 -113
.data X -112 -111 -110 -109 -108 -107 -106 -105 -104 -103 -102 -101 -100 -99 -98 -97
.data X -96 -95 -94 -93 -92 -91 -90 -89 -88 -87 -86 -85 -84 -83 -82 -81
.data X -80 -79 -78 -77 -76 -75 -74 -73 -72 -71 -70 -69 -68 -67 -66 -65
.data X -64 -63 -62 -61 -60 -59 -58 -57 -56 -55 -54 -53 -52 -51 -50 -49
.data X -48 -47 -46 -45 -44 -43 -42 -41 -40 -39 -38 -37 -36 -35 -34 -33
.data X -32 -31 -30 -29 -28 -27 -26 -25 -24 -23 -22 -21 -20 -19 -18 -17
.data X -16 -15 -14 -13 -12 -11 -10 -9 -8 -7 -6 -5 -4 -3 -2 -1
.data X 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
.data X 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
.data X 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47
.data X 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63
.data X 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79
.data X 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95
.data X 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111
.data X 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127
.tensor Y output i8 16x16 @0x200 scale=0.00390625 zero_point=-128

.uop dst=0 src=16 wgt=0
.uop dst=0 src=0 wgt=0

.segment sigmoid op=lut
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=acc8 sram_base=16 dram_base=T y_size=1 x_size=16 x_stride=16
alu alu_op=lutset uop_bgn=0 uop_end=1 iter_out=16 iter_in=1 dst_factor_out=1 src_factor_out=1
load buffer=acc8 sram_base=0 dram_base=X y_size=1 x_size=16 x_stride=16
alu alu_op=lut uop_bgn=1 uop_end=2 iter_out=16 iter_in=1 dst_factor_out=1 use_imm push_next
store sram_base=0 dram_base=Y y_size=1 x_size=16 x_stride=16 pop_prev push_prev
.endsegment
finish pop_next
