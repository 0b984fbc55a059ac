/**
 * Issue 19, step "convolutions": each of Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter as
 * im2col + BLAS sgemm (lib/backend/blas/blas-conv2d.ts) against rxtrain's wasm kernels (XNNPACK), on
 * the CNN's layers (bench/wasm-models.ts) and a few wider ones, interleaved rounds, medians.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/blas-conv.ts [--rounds 7] [--reps 5]
 *
 * Decides which of the three rxtrain registers on the BLAS path. Table to stderr, one JSON line to stdout.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { chooseBlas } from '../lib/backend/blas/blas-state.js';
import { wasmWithBlasOrSkip } from './blas-setup.js';
import { blasConv2D, blasConv2DBackpropFilter, blasConv2DBackpropInput } from '../lib/backend/blas/blas-conv2d.js';
import { median } from './util.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const rounds = option('rounds', 7);
const reps = option('reps', 5);

await wasmWithBlasOrSkip('blas-conv');
const backend = tf.backend() as BackendWasm;

interface Case { name: string; x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' }
const cases: Case[] = [
  { name: 'cnn conv1 28x28x1 -> 16', x: [128, 28, 28, 1], f: [3, 3, 1, 16], stride: 1, pad: 'valid' },
  { name: 'cnn conv2 13x13x16 -> 32', x: [128, 13, 13, 16], f: [3, 3, 16, 32], stride: 1, pad: 'valid' },
  { name: '16x16x32 -> 64 same', x: [64, 16, 16, 32], f: [3, 3, 32, 64], stride: 1, pad: 'same' },
  { name: '16x16x32 -> 64 stride 2', x: [64, 16, 16, 32], f: [3, 3, 32, 64], stride: 2, pad: 'same' },
  { name: '8x8x64 -> 64 1x1', x: [64, 8, 8, 64], f: [1, 1, 64, 64], stride: 1, pad: 'valid' },
];

type Kernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';
const kernels: Kernel[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

function timed(f: () => tf.TensorInfo): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) backend.disposeData(f().dataId);
  return (performance.now() - t0) / reps;
}

const results: Record<string, unknown> = { bench: 'blas-conv', rounds, reps };
console.error('| layer | kernel | wasm ms | blas ms | wasm / blas |');
console.error('| --- | --- | --- | --- | --- |');
for (const c of cases) {
  const x = tf.randomNormal(c.x);
  const f = tf.randomNormal(c.f);
  const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad);
  const dy = tf.randomNormal(y.shape);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' as const, dilations: 1 };
  const onWasm: Record<Kernel, () => tf.TensorInfo> = {
    Conv2D: () => tf.engine().runKernel('Conv2D', { x, filter: f }, attrs) as tf.Tensor,
    Conv2DBackpropInput: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: c.x }) as tf.Tensor,
    Conv2DBackpropFilter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }) as tf.Tensor,
  };
  const onBlas: Record<Kernel, () => tf.TensorInfo> = {
    Conv2D: () => blasConv2D(backend, x, f, attrs)!,
    Conv2DBackpropInput: () => blasConv2DBackpropInput(backend, dy, f, { ...attrs, inputShape: c.x as [number, number, number, number] })!,
    Conv2DBackpropFilter: () => blasConv2DBackpropFilter(backend, x, dy, { ...attrs, filterShape: c.f as [number, number, number, number] })!,
  };
  for (const k of kernels) {
    // A tensor from runKernel is disposed through the engine; the raw outputs through the backend.
    const wasmRun = () => { const t = onWasm[k]() as tf.Tensor; const info = { dataId: t.dataId, shape: t.shape, dtype: t.dtype }; backend.incRef(t.dataId); t.dispose(); return info; };
    chooseBlas({ enabled: false });
    wasmRun(); // warm-up (XNNPACK operators)
    chooseBlas({ threads: 1 });
    onBlas[k]();
    const w: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      chooseBlas({ enabled: false }); // the registered kernels fall back to wasm's own
      w.push(timed(wasmRun));
      chooseBlas({ threads: 1 });
      b.push(timed(onBlas[k]));
    }
    const mw = median(w);
    const mb = median(b);
    results[`${c.name} ${k}`] = { wasmMs: mw, blasMs: mb, speedup: mw / mb };
    console.error(`| ${c.name} | ${k} | ${mw.toFixed(2)} | ${mb.toFixed(2)} | ${(mw / mb).toFixed(2)}× |`);
  }
  tf.dispose([x, f, y, dy]);
}
console.log(JSON.stringify(results));
