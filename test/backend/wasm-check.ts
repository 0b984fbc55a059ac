/**
 * Shared by the wasm kernel tests: run the same computation on the cpu backend and on wasm (with all
 * of rxtrain's kernels) and compare, within 1e-4 relative.
 */
import type { Test } from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers every gradient (tfjs-core's node bundle registers none)
import { registerWasmTrainingKernels, replaceStockWasmKernels } from '../../lib/backend/register-wasm-kernels.js';
import type { Random } from '../../lib/random.js';
import { chooseBlas } from '../../lib/backend/blas/blas-state.js';

/**
 * wasm with every rxtrain kernel, so that every check covers the replacements too. Its own kernels
 * only, unless RXTRAIN_BLAS=1: then the matMuls run on the BLAS add-on (wasm-blas.test.ts checks
 * that path in every run where the add-on is built).
 */
export async function useWasmWithRxtrainKernels(): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  replaceStockWasmKernels();
  chooseBlas({ enabled: process.env.RXTRAIN_BLAS === '1' });
}

export const rel = 1e-4;

/** max |a − b| / max |a|: one number per tensor, robust to entries near zero. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

export type Inputs = ReadonlyArray<{ values: Float32Array | Int32Array; shape: number[] }>;

/** Run `f` on the same inputs under cpu and then wasm; returns both backends' outputs as arrays. */
export async function onBoth(inputs: Inputs, f: (ts: tf.Tensor[]) => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const outs = tf.tidy(() => f(inputs.map((i) => tf.tensor(i.values, i.shape, i.values instanceof Int32Array ? 'int32' : 'float32'))));
    const arrays = outs.map((o) => o.dataSync() as Float32Array);
    tf.dispose(outs);
    return arrays;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

export const randoms = (r: Random, shape: number[]) => ({ values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.float() * 2 - 1), shape });

/** The gradients of Σ op(x, f) ⊙ probe with respect to x and f, where probe is a fixed random tensor. */
export function gradsOf(op: (x: tf.Tensor, f: tf.Tensor) => tf.Tensor, probe: tf.Tensor | ((y: tf.Tensor) => tf.Tensor)) {
  return ([x, f]: tf.Tensor[]) => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = op(a, b);
      return tf.sum(tf.mul(y, typeof probe === 'function' ? probe(y) : probe));
    });
    return g([x!, f!]);
  };
}

/** A deterministic probe the same on both backends: sin of a ramp over y's shape. */
export const ramp = (y: tf.Tensor) => tf.sin(tf.reshape(tf.range(0, y.size, 1, 'float32'), y.shape));

export async function check(t: Test, label: string, inputs: Inputs, f: (ts: tf.Tensor[]) => tf.Tensor[]) {
  const { cpu, wasm } = await onBoth(inputs, f);
  cpu.forEach((c, k) => {
    const e = relError(c, wasm[k]!);
    t.ok(e <= rel, `${label}: output ${k} relative error ${e.toExponential(2)}`);
  });
}
