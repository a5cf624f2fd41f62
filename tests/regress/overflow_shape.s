; A const tensor whose shape product wraps 64 bits to 0 (2^32 * 2^32 * 4): before the
; fix it passed every check and `.data fill` looped over the wrapped count.
.geometry batch=1 block_in=16 block_out=16
.tensor T const i8 4294967296x4294967296x4 @0x0
.data T fill 1
finish
