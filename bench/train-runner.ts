/**
 * A model of bench/wasm-models.ts with its optimizer and four resident Fashion-MNIST batches, trained
 * by a hand-written loop of `optimizer.minimize` with no per-step read (as rxtrain's trainStep does),
 * on the backend current when made. Shared by bench/wasm-cnn.ts and bench/blas.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { models, type ModelName } from './wasm-models.js';
import type { ArrayDataset } from '../lib/data/types.js';
import { optimizer as makeOptimizer } from '../lib/optimizers.js';

export const batchSize = 128;

export function makeRunner(name: ModelName, data: ArrayDataset) {
  const model = models[name]();
  // rxtrain's Adam (tfjs's, with one native pass per variable when the BLAS add-on is on).
  const optimizer = makeOptimizer({ name: 'adam', lr: 1e-3 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const shape = name === 'cnn' ? [batchSize, 28, 28, 1] : [batchSize, 784];
  const batches = [0, 1, 2, 3].map((b) => ({
    x: tf.tensor(data.x.subarray(b * batchSize * 784, (b + 1) * batchSize * 784), shape),
    y: tf.oneHot(tf.tensor1d(Int32Array.from(data.y.subarray(b * batchSize, (b + 1) * batchSize)), 'int32'), 10),
  }));
  const step = (i: number) => {
    const { x, y } = batches[i % batches.length]!;
    tf.tidy(() => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
    });
  };
  return {
    step,
    /**
     * Wall and process-CPU milliseconds for n steps, ending with a read so that all work is done. On
     * a shared machine the CPU time is the steadier of the two (wasm runs on one thread here).
     */
    run(n: number): { wall: number; cpu: number } {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) step(i);
      vars[0]!.dataSync();
      const c = process.cpuUsage(c0);
      return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
    },
    dispose() {
      for (const b of batches) tf.dispose([b.x, b.y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** GFLOP/s of one n×n·n×n matMul on the current backend and kernels (median of 3 after a warm-up). */
export function matMulGflops(n = 1024): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose(); // warm-up
  const reps = 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const ms = (performance.now() - t0) / reps;
  tf.dispose([a, b]);
  return (2 * n * n * n) / (ms * 1e6);
}
