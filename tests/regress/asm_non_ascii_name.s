; A segment op name with bytes outside ASCII (0x8A 0xD5): it reached the .tsb metadata,
; whose JSON dump threw type_error 316 (invalid UTF-8). Found by fuzz_asm.
.geometry batch=1 block_in=16 block_out=16
.segment s op=conä’d
finish
.endsegment
