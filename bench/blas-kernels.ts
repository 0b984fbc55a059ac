/**
 * Issue 19, step "the rest of a step": the add-on's native MaxPool, MaxPoolGrad, Sum over leading
 * axes and Adam update (lib/backend/blas/blas-pool.ts, blas-sum.ts, blas-adam.ts) against what runs
 * without it (stock wasm's MaxPool and Sum, rxtrain's MaxPoolGrad in JavaScript, tfjs's Adam as wasm
 * element-wise kernels), on the CNN's and MLP's shapes,
 * interleaved rounds, medians of CPU time per call. Each is registered only where it wins here.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/blas-kernels.ts [--rounds 7] [--reps 20]
 *
 * Table to stderr, one JSON line to stdout.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
import { chooseBlas } from '../lib/backend/blas/blas-state.js';
import { wasmWithBlasOrSkip } from './blas-setup.js';
import { arg, median } from './util.js';
import { NativeAdamOptimizer } from '../lib/backend/blas/blas-adam.js';

const rounds = Number(arg('rounds', '7'));
const reps = Number(arg('reps', '20'));

await wasmWithBlasOrSkip('blas-kernels');

interface Case { name: string; run: () => tf.Tensor; inputs: tf.Tensor[] }
const pool = (shape: [number, number, number, number]) => {
  const x = tf.randomNormal(shape) as tf.Tensor4D;
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.randomNormal(y.shape);
  const attrs = { filterSize: 2, strides: 2, pad: 'valid' as const };
  return [
    { name: `MaxPool [${shape}] 2x2/2`, run: () => tf.engine().runKernel('MaxPool', { x }, attrs) as tf.Tensor, inputs: [x] },
    { name: `MaxPoolGrad [${shape}] 2x2/2`, run: () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor, inputs: [y, dy] },
  ];
};
const sum = (shape: number[]) => {
  const x = tf.randomNormal(shape);
  const axis = shape.slice(0, -1).map((_, i) => i);
  return { name: `Sum [${shape}] over ${axis.length} leading axes`, run: () => tf.engine().runKernel('Sum', { x }, { axis, keepDims: false }) as tf.Tensor, inputs: [x] };
};
/** One Adam update of the MLP's six variables (784-256-128-10), grads given (tfjs's Adam without the add-on). */
const adam = (): Case => {
  const shapes = [[784, 256], [256], [256, 128], [128], [128, 10], [10]];
  const vars = shapes.map((s, i) => tf.variable(tf.randomNormal(s), true, `bench-adam-${i}`));
  const grads = shapes.map((s) => tf.mul(tf.randomNormal(s), 0.01));
  const opt = new NativeAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
  const step = () => opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
  step(); // tfjs makes the slots
  return { name: 'Adam update, MLP variables (235k weights)', run: () => { step(); return tf.scalar(0); }, inputs: [...vars, ...grads] };
};
const cases: Case[] = [
  adam(),
  ...pool([128, 26, 26, 16]), // the CNN's first pooling
  ...pool([128, 11, 11, 32]), // its second
  sum([128, 26, 26, 16]), // conv1's bias gradient
  sum([128, 11, 11, 32]), // conv2's
  sum([128, 256]), // dense layers' bias gradients
  sum([128, 128]),
  sum([128, 10]),
];

/**
 * Process CPU milliseconds per call: the machine is shared, and on a loaded one wall time measures
 * the other sessions. Both kernels run on this one thread (one BLAS thread, wasm without threads).
 */
function timed(f: () => tf.Tensor): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) f().dispose();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / reps;
}

const load = loadavg()[0]!;
const results: Record<string, unknown> = { bench: 'blas-kernels', rounds, reps, loadAverageBefore: load };
console.error('| kernel | wasm CPU ms | native CPU ms | wasm / native | per round (wasm / native) |');
console.error('| --- | --- | --- | --- | --- |');
for (const c of cases) {
  chooseBlas({ enabled: false });
  c.run().dispose(); // warm-up (XNNPACK operators)
  chooseBlas({ threads: 1 });
  c.run().dispose();
  const w: number[] = [];
  const n: number[] = [];
  for (let r = 0; r < rounds; r++) {
    chooseBlas({ enabled: false }); // the registered kernels fall back to wasm's own
    w.push(timed(c.run));
    chooseBlas({ threads: 1 });
    n.push(timed(c.run));
  }
  const mw = median(w);
  const mn = median(n);
  results[c.name] = { wasmMs: mw, nativeMs: mn, speedup: mw / mn, perRound: { wasm: w, native: n } };
  console.error(`| ${c.name} | ${mw.toFixed(3)} | ${mn.toFixed(3)} | ${(mw / mn).toFixed(2)}× | ${w.map((v, i) => (v / n[i]!).toFixed(2)).join(', ')} |`);
}
results.loadAverageAfter = loadavg()[0];
console.error(`1-minute load average ${load.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
console.log(JSON.stringify(results));
