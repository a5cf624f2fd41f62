; A tensor whose [offset, +bytes) wraps past 2^64: the DRAM range check saw a tiny end.
.tensor T input i8 16 @0xfffffffffffffff8
finish
