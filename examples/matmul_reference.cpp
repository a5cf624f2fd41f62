//===- matmul_reference.cpp - Plain C++ reference for examples/matmul_256.s --------===//
//
//   matmul-reference gen DIR [--seed N]       writes DIR/A.npy and DIR/B.npy
//   matmul-reference check PROG DIR OUTDIR    compares OUTDIR/C.npy with the reference
//
// The reference is written out here with plain loops, independently of the executor:
// C[m][n] = saturate_int8(floor((sum_k A[m][k] * B[k][n]) * mult[n] / 2^shift[n] + 1/2))
// with B read from its blocked layout [n/16][k/16][n%16][k%16] and (mult, shift) from the
// program's constant R (R[n] = mult << 8 | shift).
//
//===----------------------------------------------------------------------===//
#include <cstring>
#include <iostream>
#include <random>

#include "isa/binary.h"
#include "support/npy.h"
#include "tools/program_file.h"

using namespace tessera;

namespace {

constexpr int kSize = 256;

int generate(const std::string &dir, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  Tensor a(DType::I8, {kSize, kSize}), b(DType::I8, {16, 16, 16, 16});
  for (int64_t i = 0; i < a.elementCount(); ++i) a.data<int8_t>()[i] = int8_t(dist(rng));
  for (int64_t i = 0; i < b.elementCount(); ++i) b.data<int8_t>()[i] = int8_t(dist(rng));
  for (auto [name, tensor] : {std::pair{"A", &a}, std::pair{"B", &b}}) {
    Status written = writeNpyFile(dir + "/" + name + ".npy", *tensor);
    if (!written.ok()) return std::cerr << written.message() << "\n", 1;
  }
  std::cout << "wrote " << dir << "/A.npy and " << dir << "/B.npy (seed " << seed << ")\n";
  return 0;
}

int8_t referenceElement(const Tensor &a, const Tensor &b, const int32_t *r, int m, int n) {
  int64_t sum = 0;
  for (int k = 0; k < kSize; ++k) {
    int8_t weight = b.data<int8_t>()[((n / 16 * 16 + k / 16) * 16 + n % 16) * 16 + k % 16];
    sum += int64_t(a.data<int8_t>()[m * kSize + k]) * weight;
  }
  int64_t mult = int64_t(uint32_t(r[n]) >> 8), shift = r[n] & 0xff;
  int64_t scaled = (int64_t(int32_t(sum)) * mult + (int64_t(1) << (shift - 1))) >> shift;
  return int8_t(std::clamp<int64_t>(scaled, -128, 127));
}

int check(const std::string &programPath, const std::string &inDir, const std::string &outDir) {
  auto binary = cli::loadProgram(programPath, std::nullopt);
  auto a = readNpyFile(inDir + "/A.npy");
  auto b = readNpyFile(inDir + "/B.npy");
  auto c = readNpyFile(outDir + "/C.npy");
  for (const Status &status : {binary.status(), a.status(), b.status(), c.status()})
    if (!status.ok()) return std::cerr << "matmul-reference: " << status.message() << "\n", 1;
  const isa::TensorInfo *r = binary->program.findTensor("R");
  if (!r || r->data.size() != kSize * 4) return std::cerr << "matmul-reference: program has no R[256]\n", 1;
  std::vector<int32_t> operands(kSize);
  std::memcpy(operands.data(), r->data.data(), r->data.size());
  int mismatches = 0;
  for (int m = 0; m < kSize; ++m)
    for (int n = 0; n < kSize; ++n) {
      int8_t expected = referenceElement(*a, *b, operands.data(), m, n);
      int8_t got = c->data<int8_t>()[m * kSize + n];
      if (got != expected && mismatches++ < 5)
        std::cerr << "  C[" << m << "][" << n << "] = " << int(got) << ", reference " << int(expected) << "\n";
    }
  if (mismatches) return std::cerr << "matmul-reference: " << mismatches << " of 65536 outputs differ\n", 1;
  std::cout << "matmul_256: all 65536 outputs match the C++ reference\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "gen") {
    uint64_t seed = args.size() == 4 && args[2] == "--seed" ? std::stoull(args[3]) : 1;
    return generate(args[1], seed);
  }
  if (args.size() == 4 && args[0] == "check") return check(args[1], args[2], args[3]);
  std::cerr << "usage: matmul-reference gen DIR [--seed N] | matmul-reference check PROG.tsb DIR OUTDIR\n";
  return 2;
}
