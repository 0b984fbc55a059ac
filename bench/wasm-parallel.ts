/**
 * Two cores for one training run on wasm: synchronous data parallelism over worker threads (wasm's
 * threaded build does not load under Node's worker_threads, so each worker runs its own
 * single-threaded tfjs). Each step, every replica computes the gradients of its shard of the batch,
 * the replicas average them through shared memory and apply the same update.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-parallel.ts [--model cnn|mlp] [--rounds 3] [--steps 20]
 *
 * Batch 128, Adam 1e-3, Fashion-MNIST; 1 replica (the whole batch, same machinery) against 2 replicas
 * (64 each), interleaved round by round, medians. It first checks that 5 steps on 2 replicas give the
 * same weights as 5 steps on 1. Tables go to stderr; stdout gets one JSON line of the results.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fashionMnist } from '../lib/data/fashion-mnist.js';
import { models, type ModelName } from './wasm-models.js';
import type { ReplicaData, ReplicaReply, ReplicaRequest } from './wasm-parallel-worker.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1]!;
}
const modelName = option('model', 'cnn') as ModelName;
const rounds = Number(option('rounds', '3'));
const steps = Number(option('steps', '20'));
const batchSize = 128;
const batches = 4;

await tf.setBackend('cpu');
const gradLength = tf.tidy(() => {
  const m = models[modelName]();
  const n = m.trainableWeights.reduce((s, w) => s + w.read().size, 0);
  m.dispose();
  return n;
});
const { train } = fashionMnist({ limit: batches * batchSize });
const labels = Int32Array.from(train.y);

/** A group of `size` replicas sharing gradients; `run` resolves when all have done the steps. */
function replicas(size: number) {
  const grads = new SharedArrayBuffer(2 * size * gradLength * 4);
  const sync = new SharedArrayBuffer(8);
  const shard = batchSize / size;
  const entry = new URL('./wasm-parallel-worker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const workers = Array.from({ length: size }, (_, rank) => {
    const x = new Float32Array(batches * shard * 784);
    const y = new Int32Array(batches * shard);
    for (let b = 0; b < batches; b++) {
      const from = b * batchSize + rank * shard;
      x.set(train.x.subarray(from * 784, (from + shard) * 784), b * shard * 784);
      y.set(labels.subarray(from, from + shard), b * shard);
    }
    const workerData: ReplicaData = { rank, size, model: modelName, x, y, shard, batches, grads, sync };
    // A worker does not inherit the parent's tsx loader for its entry: register it in the thread first.
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
    return new Worker(code, { eval: true, workerData });
  });
  const next = (w: Worker) => new Promise<ReplicaReply>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const ready = Promise.all(workers.map(next));
  const ask = async (m: ReplicaRequest) => {
    const replies = workers.map(next);
    for (const w of workers) w.postMessage(m);
    return Promise.all(replies);
  };
  return {
    ready,
    /** Wall milliseconds for `n` steps (the slowest replica). */
    async run(n: number): Promise<number> {
      const replies = await ask({ type: 'run', steps: n });
      return Math.max(...replies.map((r) => (r.type === 'done' ? r.ms : 0)));
    },
    reset: () => ask({ type: 'reset' }),
    async weights(): Promise<Float32Array[]> {
      return (await ask({ type: 'weights' })).map((r) => (r.type === 'weights' ? r.values : new Float32Array()));
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

const one = replicas(1);
const two = replicas(2);
await Promise.all([one.ready, two.ready]);

// Same weights after 5 steps: the mean of the shards' mean gradients is the batch's mean gradient.
await one.run(5);
await two.run(5);
const [w1] = await one.weights();
const [wa, wb] = await two.weights();
let replicaDiff = 0;
let vsOne = 0;
let scale = 0;
for (let i = 0; i < w1!.length; i++) {
  replicaDiff = Math.max(replicaDiff, Math.abs(wa![i]! - wb![i]!));
  vsOne = Math.max(vsOne, Math.abs(wa![i]! - w1![i]!));
  scale = Math.max(scale, Math.abs(w1![i]!));
}
console.error(`${modelName}, ${gradLength} parameters: after 5 steps, replicas differ by ${replicaDiff}, and 2 replicas differ from 1 by ${(vsOne / scale).toExponential(2)} relative`);
await Promise.all([one.reset(), two.reset()]);

await one.run(2); // warm-up: optimizer slots, XNNPACK operators
await two.run(2);
const loadBefore = loadavg()[0]!;
const rates: Record<string, number[]> = { '1 replica': [], '2 replicas': [] };
for (let r = 0; r < rounds; r++) {
  rates['1 replica']!.push((steps * batchSize) / ((await one.run(steps)) / 1000));
  rates['2 replicas']!.push((steps * batchSize) / ((await two.run(steps)) / 1000));
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.error(`\n| ${modelName} on wasm, batch ${batchSize} | samples/s (median) | per round |`);
console.error('| --- | --- | --- |');
for (const [k, v] of Object.entries(rates)) console.error(`| ${k} | ${median(v).toFixed(0)} | ${v.map((x) => x.toFixed(0)).join(', ')} |`);
// Synchronous replicas wait for the slowest: the other processes on the machine decide the outcome.
const load = [loadBefore, loadavg()[0]!];
console.error(`2 replicas / 1 = ${(median(rates['2 replicas']!) / median(rates['1 replica']!)).toFixed(2)}x (1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${availableParallelism()} cores)`);
console.log(JSON.stringify({
  bench: 'wasm-parallel', model: modelName, batchSize, rounds, steps,
  samplesPerSec: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, { median: median(v), perRound: v }])),
  speedup: median(rates['2 replicas']!) / median(rates['1 replica']!),
  replicaDiff, relativeDiffFromOneReplica: vsOne / scale, loadAverage: load,
}));
await Promise.all([one.close(), two.close()]);
