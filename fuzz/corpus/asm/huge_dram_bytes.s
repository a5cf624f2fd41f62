; 16 TiB of DRAM: past the 4 GiB limit (support/limits.h); a run would allocate it.
.dram_bytes 0x100000000000
finish
