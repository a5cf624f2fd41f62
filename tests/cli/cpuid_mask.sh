#!/usr/bin/env bash
# bench/cpuid_mask.cpp: under LD_PRELOAD with TESSERA_CPUID_MASK=avx512 a process's
# CPUID reports no AVX-512 and AVX2 unchanged; without the variable nothing changes.
# Skipped (77) on a host without AVX-512 or without CPUID faulting.
set -uo pipefail
BIN=$1; LIB=$2
fail() { echo "FAIL: $*"; exit 1; }
plain=$("$BIN/cpuid_features") || fail "cpuid_features: $plain"
[[ "$plain" == *"avx512f=1"* ]] || { echo "no AVX-512 on this host: $plain"; exit 77; }
grep -qw cpuid_fault /proc/cpuinfo || { echo "no CPUID faulting on this host"; exit 77; }
unset_var=$(LD_PRELOAD="$LIB/libtessera_cpuid_mask.so" "$BIN/cpuid_features") || fail "preload alone: $unset_var"
[[ "$unset_var" == "$plain" ]] || fail "without TESSERA_CPUID_MASK the features changed: $unset_var"
masked=$(TESSERA_CPUID_MASK=avx512 TESSERA_CPUID_MASK_VERBOSE=1 LD_PRELOAD="$LIB/libtessera_cpuid_mask.so" \
         "$BIN/cpuid_features" 2>&1) || fail "masked run: $masked"
[[ "$masked" == *"CPUID faulting is not available"* ]] && { echo "skipped: $masked"; exit 77; }
[[ "$masked" == *"avx2=1 avx512f=0"* ]] || fail "AVX-512 still reported: $masked"
[[ "$masked" =~ cpuid_mask:\ answered\ [1-9][0-9]*\ CPUID\ instructions\ without\ AVX-512 ]] || fail "no count: $masked"
# A segmentation fault that is not a CPUID still ends the process with SIGSEGV.
TESSERA_CPUID_MASK=avx512 LD_PRELOAD="$LIB/libtessera_cpuid_mask.so" /usr/bin/python3 -c \
  'import ctypes; ctypes.string_at(0)' 2>/dev/null
[[ $? == 139 ]] || fail "a real SIGSEGV was not re-raised"
echo "ok: $plain -> $masked"
