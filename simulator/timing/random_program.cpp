//===- random_program.cpp - Random but well-formed instruction streams ----------------===//
#include "simulator/timing/random_program.h"

#include <array>
#include <random>

#include <absl/strings/str_format.h>

namespace tessera::timing {
namespace {

constexpr int64_t kRegionBytes = 4096; ///< input region D at 0, output region O after it
constexpr int kUops = 8;

class Generator {
public:
  Generator(const isa::HardwareConfig &config, uint32_t seed) : config_(config), random_(seed) {}

  std::string program(int length);

private:
  int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(random_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(random_); }

  std::string header();
  std::string loadUnitLoad();
  std::string computeLoad();
  std::string loop(const char *opcode);
  std::string store();
  std::string dramWindow(int64_t entryBytes, int64_t regionStart, int64_t ySize, int64_t xSize);
  /// Token flags for an instruction of `unit` (0 load, 1 compute, 2 store).
  std::string tokens(int unit);
  std::string drainAndFinish();

  const isa::HardwareConfig &config_;
  std::mt19937 random_;
  std::array<int64_t, 4> counts_{}; ///< l2c, c2l, c2s, s2c in program order
};

std::string Generator::header() {
  std::string text = absl::StrFormat(".tensor D input i8 %d @0x0\n.tensor O output i8 %d @0x%x\n", kRegionBytes,
                                     kRegionBytes, kRegionBytes);
  for (int u = 0; u < kUops; ++u)
    text += absl::StrFormat(".uop dst=%d src=%d wgt=%d\n", pick(0, 15), pick(0, 15), pick(0, 15));
  return text;
}

std::string Generator::dramWindow(int64_t entryBytes, int64_t regionStart, int64_t ySize, int64_t xSize) {
  int64_t entries = kRegionBytes / entryBytes;
  int64_t stride = std::min(entries, xSize + pick(0, 3));
  int64_t span = ySize == 0 || xSize == 0 ? 0 : (ySize - 1) * stride + xSize;
  int64_t base = regionStart / entryBytes + pick(0, std::max<int64_t>(0, entries - span));
  return absl::StrFormat("dram_base=%d y_size=%d x_size=%d x_stride=%d", base, ySize, xSize, stride);
}

std::string Generator::loadUnitLoad() {
  const bool inp = chance(0.5);
  const char *buffer = inp ? "inp" : "wgt";
  int64_t entry = config_.entryBytes(inp ? isa::Buffer::inp : isa::Buffer::wgt);
  int64_t maxX = std::min<int64_t>(4, kRegionBytes / entry);
  int64_t y = pick(0, 3), x = pick(0, maxX);
  return absl::StrFormat("load buffer=%s sram_base=%d %s y_pad_0=%d y_pad_1=%d x_pad_0=%d x_pad_1=%d%s\n", buffer,
                         pick(0, 32), dramWindow(entry, 0, y, x), pick(0, 2), pick(0, 1), pick(0, 2), pick(0, 1),
                         tokens(0));
}

std::string Generator::computeLoad() {
  if (chance(0.5))
    return absl::StrFormat("load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=%d x_stride=%d%s\n", kUops, kUops,
                           tokens(1));
  const bool widen = chance(0.3); // acc8: int8 DRAM rows sign-extended into accumulators
  int64_t entry = config_.entryBytes(widen ? isa::Buffer::acc8 : isa::Buffer::acc);
  int64_t y = pick(0, 3), x = pick(0, std::min<int64_t>(4, kRegionBytes / entry));
  return absl::StrFormat("load buffer=%s sram_base=%d %s x_pad_0=%d%s\n", widen ? "acc8" : "acc", pick(0, 32),
                         dramWindow(entry, 0, y, x), pick(0, 1), tokens(1));
}

std::string Generator::loop(const char *opcode) {
  int64_t bgn = pick(0, kUops - 1), end = pick(bgn, kUops);
  std::string text = absl::StrFormat("%s uop_bgn=%d uop_end=%d iter_out=%d iter_in=%d dst_factor_out=%d "
                                     "dst_factor_in=%d src_factor_out=%d src_factor_in=%d",
                                     opcode, bgn, end, pick(0, 3), pick(0, 3), pick(0, 2), pick(0, 2), pick(0, 2),
                                     pick(0, 2));
  if (opcode[0] == 'g') {
    text += absl::StrFormat(" wgt_factor_out=%d wgt_factor_in=%d", pick(0, 2), pick(0, 2));
    if (chance(0.3)) text += " reset";
  } else {
    const char *ops[] = {"add", "sub", "mul", "min", "max", "shr", "clip", "requant", "mov"};
    text += absl::StrFormat(" alu_op=%s", ops[pick(0, 8)]);
    if (chance(0.5)) text += absl::StrFormat(" use_imm imm=%d", pick(-8, 8));
  }
  return text + tokens(1) + "\n";
}

std::string Generator::store() {
  int64_t entry = config_.entryBytes(isa::Buffer::out);
  int64_t y = pick(0, 3), x = pick(0, std::min<int64_t>(4, kRegionBytes / entry));
  return absl::StrFormat("store sram_base=%d %s%s\n", pick(0, 32), dramWindow(entry, kRegionBytes, y, x), tokens(2));
}

std::string Generator::tokens(int unit) {
  // (queue, flag) pairs each unit may pop and push.
  struct Use {
    int queue;
    const char *flag;
  };
  static const Use pops[3][2] = {{{1, "pop_next"}, {-1, ""}}, {{0, "pop_prev"}, {3, "pop_next"}}, {{2, "pop_prev"}, {-1, ""}}};
  static const Use pushes[3][2] = {
      {{0, "push_next"}, {-1, ""}}, {{1, "push_prev"}, {2, "push_next"}}, {{3, "push_prev"}, {-1, ""}}};
  std::string flags;
  for (const Use &use : pops[unit]) {
    if (use.queue < 0 || counts_[size_t(use.queue)] == 0 || !chance(0.4)) continue;
    --counts_[size_t(use.queue)];
    flags += std::string(" ") + use.flag;
  }
  for (const Use &use : pushes[unit]) {
    if (use.queue < 0 || counts_[size_t(use.queue)] >= config_.token_queue_depth || !chance(0.4)) continue;
    ++counts_[size_t(use.queue)];
    flags += std::string(" ") + use.flag;
  }
  return flags;
}

std::string Generator::drainAndFinish() {
  std::string text;
  for (; counts_[0] > 0; --counts_[0]) text += "gemm uop_end=0 iter_out=1 iter_in=1 pop_prev\n";
  for (; counts_[3] > 0; --counts_[3]) text += "gemm uop_end=0 iter_out=1 iter_in=1 pop_next\n";
  for (; counts_[1] > 0; --counts_[1]) text += "load buffer=inp y_size=0 x_size=0 x_stride=0 pop_next\n";
  for (; counts_[2] > 0; --counts_[2]) text += "store y_size=0 x_size=0 x_stride=0 pop_prev\n";
  text += "load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\n";
  text += "store y_size=0 x_size=0 x_stride=0 push_prev\n";
  return text + "finish pop_prev pop_next\n";
}

std::string Generator::program(int length) {
  std::string text = header();
  for (int i = 0; i < length; ++i) {
    switch (pick(0, 5)) {
    case 0: text += loadUnitLoad(); break;
    case 1: text += computeLoad(); break;
    case 2: text += loop("gemm"); break;
    case 3: text += loop("alu"); break;
    case 4: text += store(); break;
    default: text += loadUnitLoad(); break;
    }
  }
  return text + drainAndFinish();
}

} // namespace

std::string randomProgram(const isa::HardwareConfig &config, uint32_t seed, int length) {
  Generator generator(config, seed);
  return generator.program(length);
}

} // namespace tessera::timing
