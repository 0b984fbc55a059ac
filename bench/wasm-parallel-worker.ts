/**
 * One replica of synchronous data parallelism on wasm (bench/wasm-parallel.ts starts these): its own
 * tfjs and model, the same initial weights as every other replica, its shard of each batch. Each step
 * it writes its gradients into shared memory, waits at a barrier, averages every replica's gradients
 * and applies them, so all replicas stay identical without a round trip through the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels, replaceStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';
import { models, type ModelName } from './wasm-models.js';

export interface ReplicaData {
  readonly rank: number;
  readonly size: number;
  readonly model: ModelName;
  /** This replica's shard of each batch, batch after batch. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly shard: number;
  readonly batches: number;
  /** Gradients: [2 step parities][size replicas][gradient length] float32. */
  readonly grads: SharedArrayBuffer;
  /** Barrier: [arrived, generation] int32. */
  readonly sync: SharedArrayBuffer;
}
export type ReplicaRequest = { type: 'run'; steps: number } | { type: 'reset' } | { type: 'weights' };
export type ReplicaReply = { type: 'ready'; gradLength: number } | { type: 'done'; ms: number } | { type: 'weights'; values: Float32Array };

const data = workerData as ReplicaData;
const port = parentPort!;
await tf.setBackend('wasm');
registerWasmTrainingKernels();
replaceStockWasmKernels();

const sync = new Int32Array(data.sync);
function barrier(): void {
  const generation = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === data.size - 1) {
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
  } else {
    while (Atomics.load(sync, 1) === generation) Atomics.wait(sync, 1, generation);
  }
}

const inputShape = data.model === 'cnn' ? [28, 28, 1] : [784];
const batches = Array.from({ length: data.batches }, (_, b) => ({
  x: tf.tensor(data.x.subarray(b * data.shard * 784, (b + 1) * data.shard * 784), [data.shard, ...inputShape]),
  y: tf.oneHot(tf.tensor1d(data.y.subarray(b * data.shard, (b + 1) * data.shard), 'int32'), 10),
}));

let model = models[data.model]();
let optimizer = tf.train.adam(1e-3);
let vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const gradLength = vars.reduce((n, v) => n + v.size, 0);
const all = new Float32Array(data.grads);
const average = new Float32Array(gradLength);
let step = 0;

function trainStep(): void {
  const batch = batches[step % batches.length]!;
  const slot = ((step % 2) * data.size + data.rank) * gradLength;
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor) as tf.Scalar,
      vars,
    );
    value.dispose();
    // Straight from the wasm heap into shared memory: one copy, where dataSync would make two.
    const heap = tf.backend() as unknown as BackendWasm;
    let offset = slot;
    for (const v of vars) {
      all.set(heap.typedArrayFromHeap(grads[v.name]!), offset);
      offset += v.size;
    }
  });
  barrier();
  // Slots alternate by step parity: a replica writes this parity again only two steps later, after
  // the next barrier, by which time every replica has read it.
  const first = (step % 2) * data.size * gradLength;
  average.set(all.subarray(first, first + gradLength));
  for (let r = 1; r < data.size; r++) {
    const from = first + r * gradLength;
    for (let i = 0; i < gradLength; i++) average[i]! += all[from + i]!;
  }
  if (data.size > 1) for (let i = 0; i < gradLength; i++) average[i]! /= data.size;
  tf.tidy(() => {
    let offset = 0;
    optimizer.applyGradients(vars.map((v) => {
      const tensor = tf.tensor(average.subarray(offset, offset + v.size), v.shape);
      offset += v.size;
      return { name: v.name, tensor };
    }));
  });
  step++;
}

port.on('message', (m: ReplicaRequest) => {
  if (m.type === 'run') {
    const t0 = performance.now();
    for (let i = 0; i < m.steps; i++) trainStep();
    vars[0]!.dataSync();
    port.postMessage({ type: 'done', ms: performance.now() - t0 } satisfies ReplicaReply);
  } else if (m.type === 'reset') {
    optimizer.dispose();
    model.dispose();
    model = models[data.model]();
    optimizer = tf.train.adam(1e-3);
    vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    step = 0;
    port.postMessage({ type: 'done', ms: 0 } satisfies ReplicaReply);
  } else {
    const values = new Float32Array(gradLength);
    let offset = 0;
    for (const v of vars) {
      values.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    port.postMessage({ type: 'weights', values } satisfies ReplicaReply);
  }
});
port.postMessage({ type: 'ready', gradLength } satisfies ReplicaReply);
