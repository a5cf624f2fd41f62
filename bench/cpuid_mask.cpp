//===- cpuid_mask.cpp - Runs a process as if its x86 CPU had no AVX-512 -------------===//
//
// An LD_PRELOAD library for benchmarks: with TESSERA_CPUID_MASK=avx512 in the
// environment, every CPUID the process executes reports the CPU without its AVX-512
// features, so a library that picks its kernels from CPUID (ONNX Runtime's MLAS) runs
// its AVX2 kernels, as on an AVX2-only host. bench/compare_ort.sh --isa avx2 runs ONNX
// Runtime under it.
//
// How: arch_prctl(ARCH_SET_CPUID, 0) makes CPUID fault in this thread and the threads
// it creates later (Linux >= 4.12 on a CPU with CPUID faulting: the `cpuid_fault` flag
// of /proc/cpuinfo); the SIGSEGV handler recognises the faulting CPUID (0f a2), runs it
// with faulting briefly switched off, clears the AVX-512 bits of leaf 7 and steps over
// the instruction. The process's own SIGSEGV handlers (node's, V8's) are recorded
// instead of installed (sigaction and signal are wrapped) and get every other
// SIGSEGV; without one, it ends the process with the default action. Without
// CPUID faulting the library says so on stderr and changes nothing; with
// TESSERA_CPUID_MASK_VERBOSE=1 it prints how many CPUIDs it answered at exit.
//
//===----------------------------------------------------------------------===//
#include <asm/prctl.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::atomic<long> answered{0};
bool installed = false;
/// The SIGSEGV action the process asked for while the mask's handler is installed.
struct sigaction chained {};

using SigactionFn = int (*)(int, const struct sigaction *, struct sigaction *);
SigactionFn realSigaction() {
  static auto fn = reinterpret_cast<SigactionFn>(dlsym(RTLD_NEXT, "sigaction"));
  return fn;
}

/// A SIGSEGV that is not a CPUID: the process's own handler, else the default action.
void passOn(int signal, siginfo_t *info, void *context) {
  if (chained.sa_flags & SA_SIGINFO) {
    if (chained.sa_sigaction) return chained.sa_sigaction(signal, info, context);
  } else if (chained.sa_handler != SIG_DFL && chained.sa_handler != SIG_IGN && chained.sa_handler) {
    return chained.sa_handler(signal);
  }
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  realSigaction()(signal, &fallback, nullptr);
  raise(signal);
}

int setCpuidFaulting(bool fault) { return static_cast<int>(syscall(SYS_arch_prctl, ARCH_SET_CPUID, fault ? 0 : 1)); }

/// Leaf 7, subleaf 0: the AVX-512 feature bits (Intel SDM / AMD APM CPUID Fn0000_0007).
constexpr uint32_t kLeaf7Ebx = 1u << 16 | 1u << 17 | 1u << 21 | 1u << 26 | 1u << 27 | 1u << 28 | 1u << 30 | 1u << 31;
constexpr uint32_t kLeaf7Ecx = 1u << 1 | 1u << 6 | 1u << 11 | 1u << 12 | 1u << 14;
constexpr uint32_t kLeaf7Edx = 1u << 2 | 1u << 3 | 1u << 8 | 1u << 23;
/// Leaf 7, subleaf 1: AVX512_BF16.
constexpr uint32_t kLeaf7Sub1Eax = 1u << 5;

void maskedCpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
  __cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
  if (leaf == 7 && subleaf == 0) {
    out[1] &= ~kLeaf7Ebx;
    out[2] &= ~kLeaf7Ecx;
    out[3] &= ~kLeaf7Edx;
  }
  if (leaf == 7 && subleaf == 1) out[0] &= ~kLeaf7Sub1Eax;
}

void onSegv(int signal, siginfo_t *info, void *context) {
  auto *uc = static_cast<ucontext_t *>(context);
  greg_t *regs = uc->uc_mcontext.gregs;
  auto *ip = reinterpret_cast<const unsigned char *>(regs[REG_RIP]);
  if (ip[0] != 0x0f || ip[1] != 0xa2) return passOn(signal, info, context);
  setCpuidFaulting(false);
  uint32_t out[4];
  maskedCpuid(static_cast<uint32_t>(regs[REG_RAX]), static_cast<uint32_t>(regs[REG_RCX]), out);
  setCpuidFaulting(true);
  regs[REG_RAX] = out[0];
  regs[REG_RBX] = out[1];
  regs[REG_RCX] = out[2];
  regs[REG_RDX] = out[3];
  regs[REG_RIP] += 2;
  answered.fetch_add(1, std::memory_order_relaxed);
}

void report() {
  if (const char *verbose = getenv("TESSERA_CPUID_MASK_VERBOSE"); verbose && strcmp(verbose, "1") == 0)
    fprintf(stderr, "cpuid_mask: answered %ld CPUID instructions without AVX-512\n", answered.load());
}

__attribute__((constructor)) void install() {
  const char *mask = getenv("TESSERA_CPUID_MASK");
  if (!mask || strcmp(mask, "avx512") != 0) return;
  struct sigaction action {};
  action.sa_sigaction = onSegv;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  if (realSigaction()(SIGSEGV, &action, &chained) != 0 || setCpuidFaulting(true) != 0) {
    fprintf(stderr, "cpuid_mask: CPUID faulting is not available here (arch_prctl ARCH_SET_CPUID): CPUID unchanged\n");
    return;
  }
  installed = true;
  atexit(report);
}

} // namespace

/// The process's SIGSEGV actions are recorded for passOn while the mask is installed;
/// every other signal's go through.
extern "C" int sigaction(int signal, const struct sigaction *action, struct sigaction *old) {
  if (!installed || signal != SIGSEGV) return realSigaction()(signal, action, old);
  if (old) *old = chained;
  if (action) chained = *action;
  return 0;
}

extern "C" sighandler_t signal(int signal, sighandler_t handler) {
  struct sigaction action {}, old {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (sigaction(signal, &action, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}
