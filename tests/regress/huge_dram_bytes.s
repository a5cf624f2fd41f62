; 16 TiB of DRAM: past the 4 GiB limit (support/limits.h); a run would allocate it.
.geometry batch=1 block_in=16 block_out=16
.dram_bytes 0x100000000000
finish
