//===- random_program.cpp - Seeded random programs, valid or unconstrained --------===//
//
// The valid discipline (ValidGenerator). Layout: tensor IN (const, random bytes) at 0
// holds the source of every LOAD, tensor OUT (output) after it receives every STORE.
// Windows: GEMM and ALU only touch the first `window` rows of inp, wgt and acc and the
// first kUops micro-ops; the preamble of tile 0 loads all of them, and random LOADs and
// micro-op indices stay inside.
//
// The unconstrained discipline (UnconstrainedGenerator). Layout: tensor D (input) at 0
// holds the source of every LOAD, tensor O (output) after it receives every STORE; each
// instruction draws its own token flags, bounded only by the queue depth and by the
// tokens pushed so far, and drainAndFinish pops what is left.
//
//===----------------------------------------------------------------------===//
#include "simulator/testing/random_program.h"

#include <algorithm>
#include <array>
#include <random>

#include "isa/assembler.h"

namespace tessera::testing {
namespace {

using isa::Buffer;

constexpr int64_t kUops = 16;
constexpr int64_t kInSlack = 32; ///< IN entries beyond a window a random LOAD may read

class ValidGenerator {
public:
  ValidGenerator(const isa::HardwareConfig &config, uint64_t seed, const RandomProgramOptions &options)
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
    static const char *const kOps[] = {"add", "sub", "mul", "min", "max", "shr",
                                       "clip", "requant", "mov", "lut", "lutset"};
    return alu(kOps[draw(0, 10)]);
  }

  std::string alu(const std::string &op) {
    bool useImm = op == "shr" || chance(50);
    std::string text = "alu alu_op=" + op + " " + loops() + factors("dst", winAcc_) + factors("src", winAcc_);
    if (!useImm) return text;
    int64_t imm = draw(-32768, 32767);
    if (op == "shr") imm = draw(-8, 40);
    if (op == "requant") imm = draw(-2, 40);
    return text + absl::StrFormat(" use_imm imm=%d", imm);
  }

  /// A lookup-table load: accumulator rows from IN, then lutset from rows of the window
  /// (the loaded ones among them when the micro-ops' src indices reach them).
  void tableLoad(std::vector<std::string> &ops) {
    ops.push_back(randomLoad(options_.useAcc8 && chance(50) ? Buffer::acc8 : Buffer::acc));
    ops.push_back("alu alu_op=lutset " + loops() + factors("dst", winAcc_) + factors("src", winAcc_));
  }

  void computeOps(std::vector<std::string> &ops) {
    int64_t kind = draw(0, 99);
    if (kind < 45) return ops.push_back(gemm());
    if (kind < 72) return ops.push_back(alu());
    if (kind < 78) return tableLoad(ops);
    if (kind < 85) return ops.push_back(alu("lut"));
    if (kind < 93) return ops.push_back(randomLoad(options_.useAcc8 && chance(50) ? Buffer::acc8 : Buffer::acc));
    ops.push_back(randomLoad(Buffer::uop));
  }

  void computePhase(int tile, bool last) {
    std::vector<std::string> ops;
    if (tile == 0) {
      ops.push_back(windowLoad(Buffer::uop));
      ops.push_back(windowLoad(Buffer::acc));
    }
    for (int64_t i = draw(1, options_.maxComputeOps); i > 0; --i) computeOps(ops);
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

// The unconstrained discipline.

constexpr int64_t kRegionBytes = 4096; ///< input region D at 0, output region O after it
constexpr int kUnconstrainedUops = 8;

class UnconstrainedGenerator {
public:
  UnconstrainedGenerator(const isa::HardwareConfig &config, uint32_t seed) : config_(config), random_(seed) {}

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

std::string UnconstrainedGenerator::header() {
  std::string text = absl::StrFormat(".tensor D input i8 %d @0x0\n.tensor O output i8 %d @0x%x\n", kRegionBytes,
                                     kRegionBytes, kRegionBytes);
  for (int u = 0; u < kUnconstrainedUops; ++u)
    text += absl::StrFormat(".uop dst=%d src=%d wgt=%d\n", pick(0, 15), pick(0, 15), pick(0, 15));
  return text;
}

std::string UnconstrainedGenerator::dramWindow(int64_t entryBytes, int64_t regionStart, int64_t ySize, int64_t xSize) {
  int64_t entries = kRegionBytes / entryBytes;
  int64_t stride = std::min(entries, xSize + pick(0, 3));
  int64_t span = ySize == 0 || xSize == 0 ? 0 : (ySize - 1) * stride + xSize;
  int64_t base = regionStart / entryBytes + pick(0, std::max<int64_t>(0, entries - span));
  return absl::StrFormat("dram_base=%d y_size=%d x_size=%d x_stride=%d", base, ySize, xSize, stride);
}

std::string UnconstrainedGenerator::loadUnitLoad() {
  const bool inp = chance(0.5);
  const char *buffer = inp ? "inp" : "wgt";
  int64_t entry = config_.entryBytes(inp ? isa::Buffer::inp : isa::Buffer::wgt);
  int64_t maxX = std::min<int64_t>(4, kRegionBytes / entry);
  int64_t y = pick(0, 3), x = pick(0, maxX);
  return absl::StrFormat("load buffer=%s sram_base=%d %s y_pad_0=%d y_pad_1=%d x_pad_0=%d x_pad_1=%d%s\n", buffer,
                         pick(0, 32), dramWindow(entry, 0, y, x), pick(0, 2), pick(0, 1), pick(0, 2), pick(0, 1),
                         tokens(0));
}

std::string UnconstrainedGenerator::computeLoad() {
  if (chance(0.5))
    return absl::StrFormat("load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=%d x_stride=%d%s\n",
                           kUnconstrainedUops, kUnconstrainedUops, tokens(1));
  const bool widen = chance(0.3); // acc8: int8 DRAM rows sign-extended into accumulators
  int64_t entry = config_.entryBytes(widen ? isa::Buffer::acc8 : isa::Buffer::acc);
  int64_t y = pick(0, 3), x = pick(0, std::min<int64_t>(4, kRegionBytes / entry));
  return absl::StrFormat("load buffer=%s sram_base=%d %s x_pad_0=%d%s\n", widen ? "acc8" : "acc", pick(0, 32),
                         dramWindow(entry, 0, y, x), pick(0, 1), tokens(1));
}

std::string UnconstrainedGenerator::loop(const char *opcode) {
  int64_t bgn = pick(0, kUnconstrainedUops - 1), end = pick(bgn, kUnconstrainedUops);
  std::string text = absl::StrFormat("%s uop_bgn=%d uop_end=%d iter_out=%d iter_in=%d dst_factor_out=%d "
                                     "dst_factor_in=%d src_factor_out=%d src_factor_in=%d",
                                     opcode, bgn, end, pick(0, 3), pick(0, 3), pick(0, 2), pick(0, 2), pick(0, 2),
                                     pick(0, 2));
  if (opcode[0] == 'g') {
    text += absl::StrFormat(" wgt_factor_out=%d wgt_factor_in=%d", pick(0, 2), pick(0, 2));
    if (chance(0.3)) text += " reset";
  } else {
    const char *ops[] = {"add", "sub", "mul", "min", "max", "shr", "clip", "requant", "mov", "lut", "lutset"};
    text += absl::StrFormat(" alu_op=%s", ops[pick(0, 10)]);
    if (chance(0.5)) text += absl::StrFormat(" use_imm imm=%d", pick(-8, 8));
  }
  return text + tokens(1) + "\n";
}

std::string UnconstrainedGenerator::store() {
  int64_t entry = config_.entryBytes(isa::Buffer::out);
  int64_t y = pick(0, 3), x = pick(0, std::min<int64_t>(4, kRegionBytes / entry));
  return absl::StrFormat("store sram_base=%d %s%s\n", pick(0, 32), dramWindow(entry, kRegionBytes, y, x), tokens(2));
}

std::string UnconstrainedGenerator::tokens(int unit) {
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

std::string UnconstrainedGenerator::drainAndFinish() {
  std::string text;
  for (; counts_[0] > 0; --counts_[0]) text += "gemm uop_end=0 iter_out=1 iter_in=1 pop_prev\n";
  for (; counts_[3] > 0; --counts_[3]) text += "gemm uop_end=0 iter_out=1 iter_in=1 pop_next\n";
  for (; counts_[1] > 0; --counts_[1]) text += "load buffer=inp y_size=0 x_size=0 x_stride=0 pop_next\n";
  for (; counts_[2] > 0; --counts_[2]) text += "store y_size=0 x_size=0 x_stride=0 pop_prev\n";
  text += "load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\n";
  text += "store y_size=0 x_size=0 x_stride=0 push_prev\n";
  return text + "finish pop_prev pop_next\n";
}

std::string UnconstrainedGenerator::program(int length) {
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

StatusOr<RandomProgram> generateRandomProgram(const isa::HardwareConfig &config, uint64_t seed,
                                              const RandomProgramOptions &options) {
  RandomProgram result;
  result.seed = seed;
  if (options.discipline == RandomProgramDiscipline::unconstrained) {
    result.name = strCat("random-unconstrained-", config.name, "-", std::to_string(seed));
    // Seeded with 32 bits, as the seeds recorded for this discipline were.
    result.text = UnconstrainedGenerator(config, uint32_t(seed)).program(options.length);
  } else {
    result.name = strCat("random-", config.name, "-", std::to_string(seed));
    result.text = ValidGenerator(config, seed, options).generate();
  }
  StatusOr<isa::Program> program = isa::assemble(result.text, config, result.name + ".s");
  if (!program.ok()) return annotate(program.status(), result.name);
  result.program = *std::move(program);
  return result;
}

} // namespace tessera::testing
