//===- random_program.cpp - Seeded random valid programs ------------------------===//
//
// Layout: tensor IN (const, random bytes) at 0 holds the source of every LOAD, tensor
// OUT (output) after it receives every STORE. Windows: GEMM and ALU only touch the first
// `window` rows of inp, wgt and acc and the first kUops micro-ops; the preamble of tile 0
// loads all of them, and random LOADs and micro-op indices stay inside.
//
//===----------------------------------------------------------------------===//
#include "simulator/testing/random_program.h"

#include <algorithm>
#include <random>

#include "isa/assembler.h"

namespace tessera::testing {
namespace {

using isa::Buffer;

constexpr int64_t kUops = 16;
constexpr int64_t kInSlack = 32; ///< IN entries beyond a window a random LOAD may read

class Generator {
public:
  Generator(const isa::HardwareConfig &config, uint64_t seed, const RandomProgramOptions &options)
      : config_(config), rng_(seed), options_(options) {
    winInp_ = std::min<int64_t>(64, config.depth(Buffer::inp) / 2);
    winWgt_ = std::min<int64_t>(32, config.depth(Buffer::wgt) / 2);
    winAcc_ = std::min<int64_t>(64, config.depth(Buffer::acc) / 2);
    for (Buffer b : {Buffer::inp, Buffer::wgt, Buffer::acc})
      inBytes_ = std::max(inBytes_, (window(b) + kInSlack) * config.entryBytes(b));
    inBytes_ = roundUp(inBytes_, 256);
    outEntries_ = 64;
  }

  std::string generate() {
    header();
    int tiles = int(draw(1, options_.maxTiles));
    for (int tile = 0; tile < tiles; ++tile) {
      bool last = tile + 1 == tiles;
      loadPhase(tile);
      computePhase(tile, last);
      storePhase();
      if (!last && chance(35)) tokenBurst(); // FINISH must stay ordered after every STORE
    }
    emit("finish pop_next");
    return text_;
  }

private:
  static int64_t roundUp(int64_t value, int64_t to) { return (value + to - 1) / to * to; }
  int64_t draw(int64_t lo, int64_t hi) { return lo + int64_t(rng_() % uint64_t(hi - lo + 1)); }
  bool chance(int percent) { return draw(0, 99) < percent; }
  void emit(const std::string &line) { text_ += line + "\n"; }

  int64_t window(Buffer b) const {
    switch (b) {
    case Buffer::inp: return winInp_;
    case Buffer::wgt: return winWgt_;
    case Buffer::uop: return kUops;
    default: return winAcc_;
    }
  }

  void header() {
    text_ += absl::StrFormat(".tensor IN const i8 %d @0x0\n.data IN", inBytes_);
    for (int64_t i = 0; i < inBytes_; ++i) text_ += " " + std::to_string(draw(-128, 127));
    int64_t outBytes = outEntries_ * config_.entryBytes(Buffer::out);
    text_ += absl::StrFormat("\n.tensor OUT output i8 %d @0x%x\n", outBytes, inBytes_);
    for (int64_t u = 0; u < kUops; ++u)
      text_ += absl::StrFormat(".uop dst=%d src=%d wgt=%d\n", draw(0, winAcc_ / 2 - 1),
                               draw(0, std::min(winInp_, winAcc_) / 2 - 1), draw(0, winWgt_ / 2 - 1));
  }

  static std::string flags(bool popPrev, bool popNext, bool pushPrev, bool pushNext) {
    std::string out;
    if (popPrev) out += " pop_prev";
    if (popNext) out += " pop_next";
    if (pushPrev) out += " push_prev";
    if (pushNext) out += " push_next";
    return out;
  }

  /// A whole-window LOAD of `buffer` from IN (or the micro-op table).
  std::string windowLoad(Buffer buffer) {
    std::string source = buffer == Buffer::uop ? "uops" : "IN";
    return absl::StrFormat("load buffer=%s sram_base=0 dram_base=%s y_size=1 x_size=%d x_stride=%d",
                           isa::bufferName(buffer), source, window(buffer), window(buffer));
  }

  /// A random LOAD of `buffer` inside its window (empty, token-only, 1 in 10).
  std::string randomLoad(Buffer buffer) {
    if (chance(10))
      return absl::StrFormat("load buffer=%s sram_base=0 dram_base=IN y_size=0 x_size=0 x_stride=0",
                             isa::bufferName(buffer));
    bool pad = buffer != Buffer::uop;
    int64_t y = draw(1, 3), x = draw(1, 4), stride = x + draw(0, 3);
    int64_t yp0 = pad ? draw(0, 2) : 0, yp1 = pad ? draw(0, 2) : 0, xp0 = pad ? draw(0, 2) : 0,
            xp1 = pad ? draw(0, 2) : 0;
    int64_t rows = yp0 + y + yp1, cols = xp0 + x + xp1;
    if (rows * cols > window(buffer)) return randomLoad(buffer);
    int64_t sram = draw(0, window(buffer) - rows * cols);
    if (buffer == Buffer::uop) {
      int64_t first = draw(0, kUops - x);
      return absl::StrFormat("load buffer=uop sram_base=%d dram_base=uops+%d y_size=1 x_size=%d x_stride=%d", first,
                             first, x, x);
    }
    int64_t entries = inBytes_ / config_.entryBytes(buffer);
    int64_t base = draw(0, entries - ((y - 1) * stride + x));
    return absl::StrFormat("load buffer=%s sram_base=%d dram_base=IN+%d y_size=%d x_size=%d x_stride=%d y_pad_0=%d "
                           "y_pad_1=%d x_pad_0=%d x_pad_1=%d",
                           isa::bufferName(buffer), sram, base, y, x, stride, yp0, yp1, xp0, xp1);
  }

  void loadPhase(int tile) {
    std::vector<std::string> ops;
    if (tile == 0) {
      ops.push_back(windowLoad(Buffer::inp));
      ops.push_back(windowLoad(Buffer::wgt));
    }
    for (int64_t i = draw(tile == 0 ? 0 : 1, 3); i > 0; --i)
      ops.push_back(randomLoad(chance(50) ? Buffer::inp : Buffer::wgt));
    for (size_t i = 0; i < ops.size(); ++i)
      emit(ops[i] + flags(false, i == 0 && tile > 0, false, i + 1 == ops.size()));
  }

  /// Loop nest factors that keep every index below `window` from a base below window/2.
  std::string factors(const char *kind, int64_t windowRows) {
    int64_t limit = std::max<int64_t>(0, (windowRows / 2 - 1) / 6);
    return absl::StrFormat(" %s_factor_out=%d %s_factor_in=%d", kind, draw(0, limit), kind, draw(0, limit));
  }

  std::string loops() {
    int64_t bgn = draw(0, kUops - 1), end = std::min(kUops, bgn + draw(1, 4));
    int64_t iterOut = chance(5) ? 0 : draw(1, 4), iterIn = draw(1, 4);
    return absl::StrFormat("uop_bgn=%d uop_end=%d iter_out=%d iter_in=%d", bgn, end, iterOut, iterIn);
  }

  std::string gemm() {
    return "gemm " + std::string(chance(15) ? "reset " : "") + loops() + factors("dst", winAcc_) +
           factors("src", winInp_) + factors("wgt", winWgt_);
  }

  std::string alu() {
    static const char *const kOps[] = {"add", "sub", "mul", "min", "max", "shr", "clip", "requant", "mov"};
    std::string op = kOps[draw(0, 8)];
    bool useImm = op == "shr" || chance(50);
    std::string text = "alu alu_op=" + op + " " + loops() + factors("dst", winAcc_) + factors("src", winAcc_);
    if (!useImm) return text;
    int64_t imm = draw(-32768, 32767);
    if (op == "shr") imm = draw(-8, 40);
    if (op == "requant") imm = draw(-2, 40);
    return text + absl::StrFormat(" use_imm imm=%d", imm);
  }

  std::string computeOp() {
    int64_t kind = draw(0, 99);
    if (kind < 50) return gemm();
    if (kind < 85) return alu();
    if (kind < 93) return randomLoad(options_.useAcc8 && chance(50) ? Buffer::acc8 : Buffer::acc);
    return randomLoad(Buffer::uop);
  }

  void computePhase(int tile, bool last) {
    std::vector<std::string> ops;
    if (tile == 0) {
      ops.push_back(windowLoad(Buffer::uop));
      ops.push_back(windowLoad(Buffer::acc));
    }
    for (int64_t i = draw(1, options_.maxComputeOps); i > 0; --i) ops.push_back(computeOp());
    for (size_t i = 0; i < ops.size(); ++i) {
      bool first = i == 0, final = i + 1 == ops.size();
      emit(ops[i] + flags(first, first && tile > 0, final && !last, final));
    }
  }

  std::string randomStore() {
    if (chance(10)) return "store sram_base=0 dram_base=OUT y_size=0 x_size=0 x_stride=0";
    int64_t y = draw(1, 3), x = draw(1, 4), stride = x + draw(0, 3);
    int64_t sram = draw(0, winAcc_ - y * x);
    int64_t base = draw(0, outEntries_ - ((y - 1) * stride + x));
    return absl::StrFormat("store sram_base=%d dram_base=OUT+%d y_size=%d x_size=%d x_stride=%d", sram, base, y, x,
                           stride);
  }

  void storePhase() {
    int64_t count = draw(1, 2);
    for (int64_t i = 0; i < count; ++i) emit(randomStore() + flags(i == 0, false, i + 1 == count, false));
  }

  /// Token-only traffic between two tiles: m empty producer instructions push m tokens on
  /// one queue, then m empty consumer instructions pop them. With m up to Qt + 2 the
  /// producer stalls on a full token queue (room is reserved at its start) until the
  /// consumer catches up; m <= Qt + Qi keeps the in-order dispatch from deadlocking.
  void tokenBurst() {
    static const char *const kEmptyLoad = "load buffer=inp sram_base=0 dram_base=IN y_size=0 x_size=0 x_stride=0";
    static const char *const kEmptyStore = "store sram_base=0 dram_base=OUT y_size=0 x_size=0 x_stride=0";
    static const char *const kEmptyGemm = "gemm uop_bgn=0 uop_end=1 iter_out=0 iter_in=1";
    struct Pattern {
      const char *producer, *producerFlag, *consumer, *consumerFlag;
    };
    static const Pattern kPatterns[] = {{kEmptyLoad, " push_next", kEmptyGemm, " pop_prev"},   // l2c
                                        {kEmptyGemm, " push_prev", kEmptyLoad, " pop_next"},   // c2l
                                        {kEmptyGemm, " push_next", kEmptyStore, " pop_prev"},  // c2s
                                        {kEmptyStore, " push_prev", kEmptyGemm, " pop_next"}}; // s2c
    const Pattern &pattern = kPatterns[draw(0, 3)];
    int64_t count = draw(1, config_.token_queue_depth + 2);
    for (int64_t i = 0; i < count; ++i) emit(std::string(pattern.producer) + pattern.producerFlag);
    for (int64_t i = 0; i < count; ++i) emit(std::string(pattern.consumer) + pattern.consumerFlag);
  }

  const isa::HardwareConfig &config_;
  std::mt19937_64 rng_;
  RandomProgramOptions options_;
  int64_t winInp_ = 0, winWgt_ = 0, winAcc_ = 0, inBytes_ = 0, outEntries_ = 0;
  std::string text_;
};

} // namespace

StatusOr<RandomProgram> generateRandomProgram(const isa::HardwareConfig &config, uint64_t seed,
                                              const RandomProgramOptions &options) {
  RandomProgram result;
  result.seed = seed;
  result.name = strCat("random-", config.name, "-", std::to_string(seed));
  result.text = Generator(config, seed, options).generate();
  StatusOr<isa::Program> program = isa::assemble(result.text, config, result.name + ".s");
  if (!program.ok()) return annotate(program.status(), result.name);
  result.program = *std::move(program);
  return result;
}

} // namespace tessera::testing
