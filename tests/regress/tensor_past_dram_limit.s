; A tensor whose [offset, +bytes) wraps past 2^64: the DRAM range check saw a tiny end.
.geometry batch=1 block_in=16 block_out=16
.tensor T input i8 16 @0xfffffffffffffff8
finish
