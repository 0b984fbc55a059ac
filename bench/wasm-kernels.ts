/**
 * How to compute the filter gradients on wasm: the ways measured side by side in one process,
 * interleaved, median of several rounds (the machine is shared, so only ratios within a run count).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-kernels.ts [rounds]
 *
 * Conv2DBackpropFilter, on the two conv layers of the Fashion-MNIST CNN at batch 128:
 *   rxtrain      rxtrain's kernel: one forward Conv2D (XNNPACK) with the roles of batch and channels
 *                swapped, or for windows of ≤ 16 values patches gathered on the heap + one matMul
 *   im2col-cat   patches [P, fh·fw·Ci] by strided slices + concat, then one matMul with dy [P, Co]
 *   per-tap      one strided slice and one matMul [Ci, P]·[P, Co] per filter tap
 * DepthwiseConv2dNativeBackpropFilter, on a 3x3 depthwise layer [128, 14, 14, 32]:
 *   swapped      rxtrain's kernel: one depthwise conv with the (channel, example) planes as channels
 *   per-tap      one strided slice, multiply by dy and sum per filter tap
 *   js-loop      direct loops over the wasm heap in JavaScript
 * Conv2DBackpropInput, MaxPoolGrad and BatchMatMul, which stock wasm has: rxtrain's replacement
 * against the stock kernel, on the same layers (stride 1 and 2 for the conv; for matMul the products
 * of a dense layer's backward pass: x·W forward, xᵀ·dy for dW, dy·Wᵀ for dx).
 * Tables go to stderr; stdout gets one JSON line of the results (as bench/run.ts expects).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, replaceStockWasmKernels, restoreStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';

await tf.setBackend('wasm');
registerWasmTrainingKernels();
const rounds = Number(process.argv[2] ?? 5);

type Case = { x: tf.Tensor4D; dy: tf.Tensor4D; fh: number; fw: number; s: number };

function tapSlice(x: tf.Tensor4D, a: number, b: number, outH: number, outW: number, s: number): tf.Tensor4D {
  return tf.stridedSlice(x, [0, a, b, 0], [x.shape[0], a + (outH - 1) * s + 1, b + (outW - 1) * s + 1, x.shape[3]], [1, s, s, 1]) as tf.Tensor4D;
}

const conv = {
  rxtrain: ({ x, dy, fh, fw, s }: Case) => (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: s, pad: 'valid', dataFormat: 'NHWC', filterShape: [fh, fw, x.shape[3], dy.shape[3]] }) as tf.Tensor),
  'im2col-cat': ({ x, dy, fh, fw, s }: Case) => tf.tidy(() => {
    const [n, outH, outW, co] = dy.shape;
    const p = n * outH * outW;
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) taps.push(tf.reshape(tapSlice(x, a, b, outH, outW, s), [p, x.shape[3]]));
    const patches = tf.concat(taps, 1);
    return tf.reshape(tf.matMul(patches, tf.reshape(dy, [p, co]), true, false), [fh, fw, x.shape[3], co]);
  }),
  'per-tap': ({ x, dy, fh, fw, s }: Case) => tf.tidy(() => {
    const [n, outH, outW, co] = dy.shape;
    const p = n * outH * outW;
    const dy2 = tf.reshape(dy, [p, co]);
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) taps.push(tf.matMul(tf.reshape(tapSlice(x, a, b, outH, outW, s), [p, x.shape[3]]), dy2, true, false));
    return tf.reshape(tf.stack(taps), [fh, fw, x.shape[3], co]);
  }),
};

/** Direct loops over the wasm heap, in JavaScript, accumulating in float64. */
function depthwiseJs({ x, dy, fh, fw, s }: Case): tf.Tensor {
  const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
  const [n, h, w, c] = x.shape;
  const [, outH, outW] = dy.shape;
  const xs = backend.typedArrayFromHeap(x);
  const ds = backend.typedArrayFromHeap(dy);
  const acc = new Float64Array(fh * fw * c);
  for (let b = 0; b < n; b++) for (let i = 0; i < outH; i++) for (let p = 0; p < fh; p++) {
    const row = i * s + p;
    if (row >= h) continue;
    for (let j = 0; j < outW; j++) {
      const dOff = ((b * outH + i) * outW + j) * c;
      for (let q = 0; q < fw; q++) {
        const col = j * s + q;
        if (col >= w) continue;
        const xOff = ((b * h + row) * w + col) * c;
        const fOff = (p * fw + q) * c;
        for (let k = 0; k < c; k++) acc[fOff + k]! += xs[xOff + k]! * ds[dOff + k]!;
      }
    }
  }
  return tf.tensor4d(Float32Array.from(acc), [fh, fw, c, 1]);
}

const depthwise = {
  'js-loop': depthwiseJs,
  swapped: ({ x, dy, fh, fw, s }: Case) => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: s, dilations: 1, pad: 'valid', filterShape: [fh, fw, x.shape[3], 1] }) as tf.Tensor,
  'per-tap': ({ x, dy, fh, fw, s }: Case) => tf.tidy(() => {
    const [, outH, outW] = dy.shape;
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) taps.push(tf.sum(tf.mul(tapSlice(x, a, b, outH, outW, s), dy), [0, 1, 2]));
    return tf.reshape(tf.stack(taps), [fh, fw, x.shape[3], 1]);
  }),
};

/** Run `op` with rxtrain's replacement kernels, or with wasm's stock ones. */
const replacedOrStock = (op: (c: Case) => tf.Tensor) => ({
  rxtrain: (c: Case) => { replaceStockWasmKernels(); return op(c); },
  stock: (c: Case) => { restoreStockWasmKernels(); return op(c); },
});
const inputGrad = replacedOrStock(({ x, dy, fh, fw, s }) => {
  const filter = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, fh * fw * x.shape[3] * dy.shape[3]), [fh, fw, x.shape[3], dy.shape[3]])));
  const out = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: s, pad: 'valid', dataFormat: 'NHWC', inputShape: x.shape }) as tf.Tensor;
  filter.dispose();
  return out;
});
const poolGrad = replacedOrStock(({ x, dy }) => {
  const y = tf.maxPool(x, 2, 2, 'valid');
  const out = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
  y.dispose();
  return out;
});

function make(n: number, h: number, ci: number, f: number, co: number, s: number): Case {
  const outH = Math.floor((h - f) / s) + 1;
  return { x: tf.randomNormal([n, h, h, ci]) as tf.Tensor4D, dy: tf.randomNormal([n, outH, outH, co]) as tf.Tensor4D, fh: f, fw: f, s };
}

function time(f: () => tf.Tensor): number {
  const t0 = performance.now();
  const out = f();
  out.dataSync();
  out.dispose();
  return performance.now() - t0;
}

const results: Record<string, Record<string, number>> = {};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function compare(label: string, c: Case, ways: Record<string, (c: Case) => tf.Tensor>, agree = true): void {
  const names = Object.keys(ways);
  const ref = ways[names[0]!]!(c);
  const refData = ref.dataSync();
  for (const name of names.slice(1)) {
    const o = ways[name]!(c);
    const d = o.dataSync();
    let diff = 0, scale = 0;
    for (let i = 0; i < d.length; i++) { diff = Math.max(diff, Math.abs(d[i]! - refData[i]!)); scale = Math.max(scale, Math.abs(refData[i]!)); }
    if (agree && diff / scale > 1e-4) throw new Error(`${label}: ${name} disagrees with ${names[0]} (${diff / scale})`);
    o.dispose();
  }
  ref.dispose();
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) for (const name of names) times[name]!.push(time(() => ways[name]!(c)));
  const base = median(times[names[0]!]!);
  results[label] = Object.fromEntries(names.map((n) => [n, median(times[n]!)]));
  console.error(`${label}`);
  for (const name of names) {
    const m = median(times[name]!);
    console.error(`  ${name.padEnd(11)} ${m.toFixed(1).padStart(8)} ms  (${(m / base).toFixed(2)}x ${names[0]})`);
  }
}

const before = tf.memory().numTensors;
const layer1 = make(128, 28, 1, 3, 16, 1);
const layer2 = make(128, 13, 16, 3, 32, 1);
const strided = make(128, 28, 16, 3, 32, 2);
const dw = make(128, 14, 32, 3, 32, 1);

compare('Conv2DBackpropFilter x[128,28,28,1] f 3x3x1x16', layer1, conv);
compare('Conv2DBackpropFilter x[128,13,13,16] f 3x3x16x32', layer2, conv);
compare('Conv2DBackpropFilter x[128,28,28,16] f 3x3x16x32 stride 2', strided, conv);
compare('Conv2DBackpropInput dx[128,13,13,16] f 3x3x16x32', layer2, inputGrad);
compare('Conv2DBackpropInput dx[128,28,28,16] f 3x3x16x32 stride 2', strided, inputGrad);
// Stock wasm's MaxPoolGrad is wrong with several channels (test/backend/wasm-kernels.test.ts), so
// only the time is compared.
const pool1 = { ...layer1, x: tf.randomNormal([128, 26, 26, 16]) as tf.Tensor4D, dy: tf.randomNormal([128, 13, 13, 16]) as tf.Tensor4D };
const pool2 = { ...layer1, x: tf.randomNormal([128, 11, 11, 32]) as tf.Tensor4D, dy: tf.randomNormal([128, 5, 5, 32]) as tf.Tensor4D };
compare('MaxPoolGrad 2x2 x[128,26,26,16]', pool1, poolGrad, false);
compare('MaxPoolGrad 2x2 x[128,11,11,32]', pool2, poolGrad, false);
replaceStockWasmKernels();
compare('DepthwiseConv2dNativeBackpropFilter x[128,14,14,32] f 3x3x32x1', dw, depthwise);
for (const [rows, k, n] of [[128, 800, 64], [128, 784, 256]] as const) {
  // Case is shaped for convolutions; matMul only passes its tensors through.
  const x = tf.randomNormal([rows, k]) as tf.Tensor as tf.Tensor4D;
  const w = tf.randomNormal([k, n]) as tf.Tensor as tf.Tensor4D;
  const g = tf.randomNormal([rows, n]) as tf.Tensor as tf.Tensor4D;
  const mm = (a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean) => replacedOrStock(() => tf.matMul(a, b, ta, tb));
  compare(`matMul x[${rows},${k}]·W[${k},${n}]`, { ...layer1, x, dy: g }, mm(x, w, false, false));
  compare(`matMul xᵀ·dy (dW, transposeA)`, { ...layer1, x, dy: g }, mm(x, g, true, false));
  compare(`matMul dy·Wᵀ (dx, transposeB)`, { ...layer1, x, dy: g }, mm(g, w, false, true));
  tf.dispose([x, w, g]);
}
replaceStockWasmKernels();
tf.dispose([layer1, layer2, strided, dw, pool1, pool2].flatMap((c) => [c.x, c.dy]));
if (tf.memory().numTensors !== before) throw new Error(`bench leaked ${tf.memory().numTensors - before} tensors`);
console.log(JSON.stringify({ bench: 'wasm-kernels', rounds, msMedian: results }));
