#!/usr/bin/env bash
# tessera compile --target nvptx: a model's kernels as one PTX module for sm_80 and
# sm_90, assembled with ptxas when the CUDA toolkit is present (else exit 77: skipped,
# with the reason); ops without a GPU kernel are listed, never dropped silently.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"
fail() { echo "FAIL: $*"; exit 1; }
for arch in sm_80 sm_90; do
  out=$("$T" compile "$SRC/examples/models/digits_cnn.onnx" --target nvptx --gpu-arch $arch -o "$WORK/$arch.ptx") ||
    fail "compile for $arch: $out"
  [[ "$out" == *"wrote $WORK/$arch.ptx (9 PTX kernels for 6 graph kernels, $arch"* ]] || fail "summary: $out"
  grep -q "^.target $arch" "$WORK/$arch.ptx" || fail "no .target $arch"
  grep -q "^.visible .entry k1_conv_s1(" "$WORK/$arch.ptx" || fail "no conv kernel entry"
  grep -q "^// kernel k5_gemm grid 1x1x1 block 10x1x1: p0=logits\[1x10\]" "$WORK/$arch.ptx" || fail "no launch comment"
done
# f64 Exp has a CPU kernel but no GPU lowering (the NVPTX path has f32 math only).
cat > "$WORK/einsum.tg" <<'TG'
graph @g(%x: f32[4,8], %w: f32[8,16], %d: f64[4]) {
  %y = MatMul(%x, %w) : f32[4,16]
  %e = Exp(%d) : f64[4]
  return %y, %e
}
TG
out=$("$T" compile "$WORK/einsum.tg" --target nvptx -o "$WORK/einsum.ptx") || fail "einsum model: $out"
[[ "$out" == *"not compiled for nvptx: Exp x1 (NVPTX codegen: exp is lowered for f32 only)"* ]] || fail "missing op not listed: $out"
grep -q "^// not compiled for nvptx: Exp x1" "$WORK/einsum.ptx" || fail "missing op not in the PTX header"
out=$("$T" compile "$WORK/einsum.tg" --target nvptx --gpu-arch sm_12 -o "$WORK/x.ptx" 2>&1) && fail "sm_12 accepted"
[[ "$out" == *"unknown GPU architecture 'sm_12'"* ]] || fail "bad arch message: $out"
out=$("$T" compile "$WORK/einsum.tg" --target nvptx --gpu-block-size 2048 -o "$WORK/x.ptx" 2>&1) && fail "2048 threads accepted"
[[ "$out" == *"--gpu-block-size 2048: a block holds 1 to 1024 threads"* ]] || fail "bad block size message: $out"
PTXAS=${TESSERA_PTXAS:-$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)}
if [[ ! -x "$PTXAS" ]]; then
  echo "SKIP: ptxas not found (\$TESSERA_PTXAS, PATH, /usr/local/cuda/bin): PTX generated, not assembled"
  exit 77
fi
for arch in sm_80 sm_90; do
  "$PTXAS" -arch=$arch "$WORK/$arch.ptx" -o "$WORK/$arch.cubin" || fail "ptxas -arch=$arch rejected the PTX"
done
"$PTXAS" -arch=sm_80 "$WORK/einsum.ptx" -o "$WORK/einsum.cubin" || fail "ptxas rejected einsum.ptx"
echo "ok: digits_cnn PTX assembles for sm_80 and sm_90 with $PTXAS"
