// ort_bench.js - ONNX Runtime's CPU engine timed like `tessera run --print-time`.
//
//   node ort_bench.js <model.onnx> <threads> <repeat> <input.bin>
//
// Runs one warm-up inference, then <repeat> timed ones on the float32 input read
// from <input.bin> (raw little-endian, shaped like the model's first input), and
// prints `ort_ms=<median>`.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, threads, repeat, inputPath] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const name = session.inputNames[0];
  const bytes = fs.readFileSync(inputPath);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const dims = JSON.parse(fs.readFileSync(inputPath + '.shape', 'utf8'));
  const feeds = { [name]: new ort.Tensor('float32', data, dims) };
  await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(repeat); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  console.log(`ort_ms=${median.toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
