//===- gemm_program.cpp - Text of the double-buffered tiled GEMM ----------------------===//
#include "bench/gemm_program.h"

#include <absl/strings/str_format.h>

namespace tessera::bench {
namespace {

std::string header(int tiles) {
  int rows = 32 * tiles;
  std::string text = absl::StrFormat(".tensor A input i8 %dx256 @0x0\n", rows);
  text += absl::StrFormat(".tensor B input i8 16x16x16x16 @0x%x\n", rows * 256);
  text += absl::StrFormat(".tensor R input i32 256 @0x%x\n", rows * 256 + 65536);
  text += absl::StrFormat(".tensor C output i8 %dx256 @0x%x\n", rows, rows * 256 + 65536 + 1024);
  for (int buffer = 0; buffer < 2; ++buffer)
    for (int k = 0; k < 16; ++k)
      text += absl::StrFormat(".uop dst=%d src=%d wgt=%d\n", 512 * buffer, 512 * buffer + k, k);
  text += ".uop dst=0 src=0 wgt=0\n.uop dst=512 src=0 wgt=0\n";
  text += ".uop dst=0 src=1024 wgt=0\n.uop dst=512 src=1024 wgt=0\n";
  text += ".segment setup op=load\n";
  text += "load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=36 x_stride=36\n";
  text += "load buffer=acc sram_base=1024 dram_base=R y_size=1 x_size=16 x_stride=16\n";
  text += "load buffer=wgt sram_base=0 dram_base=B y_size=1 x_size=256 x_stride=256\n";
  return text;
}

std::string tile(int t, int tiles) {
  const int buffer = t % 2, base = 512 * buffer;
  const bool reuse = t >= 2, freesBuffer = t + 2 < tiles, last = t + 1 == tiles;
  const char *loops = "iter_out=32 iter_in=16 dst_factor_out=16 dst_factor_in=1";
  std::string text = absl::StrFormat(".segment tile%d op=matmul\n", t);
  text += absl::StrFormat("load buffer=inp sram_base=%d dram_base=A+%d y_size=32 x_size=16 x_stride=16%s push_next\n",
                          base, 512 * t, reuse ? " pop_next" : "");
  text += absl::StrFormat("gemm reset uop_bgn=%d uop_end=%d %s%s\n", 32 + buffer, 33 + buffer, loops,
                          reuse ? " pop_next" : "");
  text += absl::StrFormat("gemm uop_bgn=%d uop_end=%d %s src_factor_out=16 wgt_factor_in=16 pop_prev%s\n", 16 * buffer,
                          16 * buffer + 16, loops, freesBuffer ? " push_prev" : "");
  text += absl::StrFormat("alu alu_op=requant uop_bgn=%d uop_end=%d %s src_factor_in=1 push_next\n", 34 + buffer,
                          35 + buffer, loops);
  text += absl::StrFormat("store sram_base=%d dram_base=C+%d y_size=32 x_size=16 x_stride=16 pop_prev%s\n", base,
                          512 * t, freesBuffer || last ? " push_prev" : "");
  return text;
}

} // namespace

std::string gemmHeavyProgram(int tiles) {
  std::string text = header(tiles);
  for (int t = 0; t < tiles; ++t) text += tile(t, tiles);
  return text + ".endsegment\nfinish pop_next\n";
}

} // namespace tessera::bench
