// ort_profile.js - ONNX Runtime's CPU engine, time per node, like `tessera run --profile`.
//
//   node ort_profile.js <model.onnx> <threads> <runs> <input.bin>
//
// Same session options and input files as ort_bench.js (compare_ort.sh writes them
// beside the models). Runs one warm-up and <runs> profiled inferences with ONNX
// Runtime's own profiler (`enableProfiling`), then prints `total_us=<sum>` and each
// node's mean kernel time in microseconds, slowest first: `<us> <node> <op>`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const [model, threads, runs, inputPath] = process.argv.slice(2);
  if (!inputPath) throw new Error('usage: node ort_profile.js <model.onnx> <threads> <runs> <input.bin>');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-profile-'));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: path.join(dir, 'profile'),
  });
  const bytes = fs.readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const dims = JSON.parse(fs.readFileSync(inputPath + '.shape', 'utf8'));
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  await session.run(feeds);
  for (let i = 0; i < Number(runs); ++i) await session.run(feeds);
  await session.endProfiling();
  const file = fs.readdirSync(dir).map((f) => path.join(dir, f))[0];
  const events = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  // Node events "<node>_kernel_time" of every run, the warm-up included.
  const total = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const key = `${e.name.slice(0, -'_kernel_time'.length)} ${e.args.op_name || ''}`;
    total.set(key, (total.get(key) || 0) + e.dur);
  }
  const count = Number(runs) + 1;
  const rows = [...total].map(([key, us]) => [key, us / count]).sort((a, b) => b[1] - a[1]);
  console.log(`total_us=${rows.reduce((sum, [, us]) => sum + us, 0).toFixed(1)}`);
  for (const [key, us] of rows) console.log(`${us.toFixed(1)} ${key}`);
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
