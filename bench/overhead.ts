/**
 * What the reactive pipeline costs. The same MLP, data, batch size and backend trained by
 *   (a) rxtrain's `train()`,
 *   (b) a hand-written tfjs loop (the fastest plain way: minimize per batch, loss summed on the device
 *       and read once per epoch),
 *   (c) tfjs-layers' `model.fit`,
 * interleaved round by round (a, b, c, a, b, c, ...) so that load on this shared machine hits all three
 * alike; reports the median samples/s of each and the median of the per-round ratios a/b and c/b.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/overhead.ts [--rounds 5] [--backend wasm]
 *     [--data fashion|digits] [--epochs 2]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { lastValueFrom } from 'rxjs';
import { digits, fashionMnist, mlp, permutation, createRandom, hashSeed, take, train, useBackend, type ArrayDataset } from 'rxtrain';
import { arg, median } from './util.js';

const rounds = Number(arg('rounds', '5'));
const backendName = arg('backend', 'wasm') as 'wasm' | 'cpu';
const dataName = arg('data', 'fashion');
const nEpochs = Number(arg('epochs', '2'));
await useBackend(backendName);

const data: ArrayDataset = dataName === 'digits' ? digits() : take(fashionMnist().train, 10_000);
const batchSize = dataName === 'digits' ? 32 : 128;
const units = dataName === 'digits' ? [64] : [256, 128];
const inputSize = data.xShape.reduce((a, b) => a * b, 1);
const build = (): tfl.Sequential => mlp({ inputShape: [inputSize], units, classes: 10, seed: 1 });
const flat: ArrayDataset = { ...data, xShape: [inputSize] };

/** Wall-clock and CPU time of the calling thread's process: CPU time is not inflated by other jobs. */
interface Timing { wall: number; cpu: number }
const start = (): { t: number; c: NodeJS.CpuUsage } => ({ t: performance.now(), c: process.cpuUsage() });
const since = (s0: { t: number; c: NodeJS.CpuUsage }, samples: number): Timing => {
  const c = process.cpuUsage(s0.c);
  return { wall: samples / ((performance.now() - s0.t) / 1000), cpu: samples / ((c.user + c.system) / 1e6) };
};

async function viaTrain(): Promise<Timing> {
  const model = build();
  const t0 = start();
  await lastValueFrom(train(model, flat, { epochs: nEpochs, batchSize, optimizer: { name: 'adam', lr: 1e-3 }, metrics: [], seed: 1 }));
  const r = since(t0, nEpochs * flat.length);
  model.dispose();
  return r;
}

async function viaLoop(): Promise<Timing> {
  const model = build();
  const opt = tf.train.adam(1e-3);
  const t0 = start();
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const order = permutation(flat.length, createRandom(hashSeed(1, 'pass', epoch)));
    let sum: tf.Scalar = tf.scalar(0);
    for (let start = 0; start < flat.length; start += batchSize) {
      const size = Math.min(batchSize, flat.length - start);
      const xb = new Float32Array(size * inputSize);
      const yb = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const s = order[start + i]!;
        xb.set(flat.x.subarray(s * inputSize, (s + 1) * inputSize), i * inputSize);
        yb[i] = flat.y[s]!;
      }
      const next = tf.tidy(() => {
        const xs = tf.tensor2d(xb, [size, inputSize]);
        const ys = tf.oneHot(tf.tensor1d(yb, 'int32'), 10);
        const cost = opt.minimize(() => {
          const p = tf.clipByValue(model.apply(xs, { training: true }) as tf.Tensor, 1e-7, 1 - 1e-7);
          return tf.mean(tf.neg(tf.sum(tf.mul(ys, tf.log(p)), -1))) as tf.Scalar;
        }, true)!;
        return tf.add(sum, tf.mul(cost, size)) as tf.Scalar;
      });
      sum.dispose();
      sum = next;
    }
    sum.dataSync(); // the epoch's loss, read once, as train() does
    sum.dispose();
  }
  const r = since(t0, nEpochs * flat.length);
  opt.dispose();
  model.dispose();
  return r;
}

async function viaFit(): Promise<Timing> {
  const model = build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const xs = tf.tensor2d(flat.x, [flat.length, inputSize]);
  const ys = tf.tensor2d(Float32Array.from(flat.y), [flat.length, 1]);
  const t0 = start();
  await model.fit(xs, ys, { epochs: nEpochs, batchSize, shuffle: true, verbose: 0 });
  const r = since(t0, nEpochs * flat.length);
  tf.dispose([xs, ys]);
  model.dispose();
  return r;
}

// One warm-up round, not counted: the first run compiles wasm code paths and fills caches.
await viaTrain(); await viaLoop(); await viaFit();
const a: Timing[] = [], b: Timing[] = [], c: Timing[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(await viaTrain());
  b.push(await viaLoop());
  c.push(await viaFit());
  console.error(`round ${r + 1}: train() ${a.at(-1)!.wall.toFixed(0)}  loop ${b.at(-1)!.wall.toFixed(0)}  fit ${c.at(-1)!.wall.toFixed(0)} samples/s (per CPU-second: ${a.at(-1)!.cpu.toFixed(0)} / ${b.at(-1)!.cpu.toFixed(0)} / ${c.at(-1)!.cpu.toFixed(0)})`);
}
const ratio = (x: Timing[], y: Timing[], k: keyof Timing) => Number(median(x.map((v, i) => v[k] / y[i]![k])).toFixed(4));
const result = {
  bench: 'overhead', backend: backendName, epochsPerRun: nEpochs, data: `${dataName} (${flat.length} samples)`, model: `mlp ${inputSize}-${units.join('-')}-10`, batchSize, rounds,
  samplesPerSecond: { train: Math.round(median(a.map((v) => v.wall))), loop: Math.round(median(b.map((v) => v.wall))), fit: Math.round(median(c.map((v) => v.wall))) },
  samplesPerCpuSecond: { train: Math.round(median(a.map((v) => v.cpu))), loop: Math.round(median(b.map((v) => v.cpu))), fit: Math.round(median(c.map((v) => v.cpu))) },
  ratio: { trainOverLoop: ratio(a, b, 'wall'), fitOverLoop: ratio(c, b, 'wall') },
  ratioCpu: { trainOverLoop: ratio(a, b, 'cpu'), fitOverLoop: ratio(c, b, 'cpu') },
  overheadPercent: Number(((1 - ratio(a, b, 'wall')) * 100).toFixed(2)),
  overheadPercentCpu: Number(((1 - ratio(a, b, 'cpu')) * 100).toFixed(2)),
};
console.log(JSON.stringify(result));
