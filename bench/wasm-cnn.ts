/**
 * Training throughput on the wasm backend with rxtrain's kernels, against tfjs `cpu` in the same run.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-cnn.ts [--rounds 3] [--steps 20]
 *        [--cpu-steps 1] [--epochs 0] [--profile]
 *
 * Fashion-MNIST, batch 128, Adam 1e-3, softmax cross-entropy, a hand-written loop of
 * `optimizer.minimize` with no per-step read (as rxtrain's trainStep does). Models (from issue 7):
 *   CNN  conv16-3x3 relu, maxPool 2, conv32-3x3 relu, maxPool 2, dense64 relu, dense10
 *   MLP  784-256-128-10 (relu)
 * Each round runs, in turn: the CNN on wasm with all of rxtrain's kernels, the CNN on wasm with only
 * the missing kernels added (stock MaxPoolGrad and Conv2DBackpropInput), the MLP on wasm, the CNN and
 * MLP on cpu, and a 1024x1024 matMul on wasm (the peak to compare with); the report gives medians
 * over rounds. cpu is slow (about 10 samples/s on the
 * CNN), so it runs only `--cpu-steps` steps a round. `--epochs E` then trains the CNN on wasm for E
 * epochs over the 60k training images and reports t10k accuracy; `--profile` prints where a wasm CNN
 * step spends its time, per kernel. Tables go to stderr; stdout gets one JSON line of the results
 * (as bench/run.ts expects).
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, replaceStockWasmKernels, restoreStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';
import { createRandom, permutation } from '../lib/random.js';
import { fashionMnist } from '../lib/data/fashion-mnist.js';
import { flopsPerSample, models, type ModelName } from './wasm-models.js';
import { batchSize, makeRunner, matMulGflops } from './train-runner.js';
import { median } from './util.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const rounds = option('rounds', 3);
const steps = option('steps', 20);
const cpuSteps = option('cpu-steps', 1);
const epochs = option('epochs', 0);
const profile = process.argv.includes('--profile');

await tf.setBackend('wasm');
const added = [...registerWasmTrainingKernels(), ...replaceStockWasmKernels()];
const { train, test } = fashionMnist();
console.error(`wasm kernels added or replaced by rxtrain: ${added.join(', ')}`);
console.error(`rounds ${rounds}, wasm ${steps} steps/round, cpu ${cpuSteps} steps/round, batch ${batchSize}`);

interface Config { key: string; backend: 'wasm' | 'cpu'; model: ModelName; stockKernels: boolean; steps: number }
const configs: Config[] = [
  { key: 'cnn wasm', backend: 'wasm', model: 'cnn', stockKernels: false, steps },
  { key: 'cnn wasm, missing kernels only', backend: 'wasm', model: 'cnn', stockKernels: true, steps },
  { key: 'mlp wasm', backend: 'wasm', model: 'mlp', stockKernels: false, steps },
  { key: 'cnn cpu', backend: 'cpu', model: 'cnn', stockKernels: false, steps: cpuSteps },
  { key: 'mlp cpu', backend: 'cpu', model: 'mlp', stockKernels: false, steps: 3 * cpuSteps },
];
async function use(c: Config): Promise<void> {
  await tf.setBackend(c.backend);
  if (c.stockKernels) restoreStockWasmKernels();
  else replaceStockWasmKernels();
}

const runners = new Map<Config, ReturnType<typeof makeRunner>>();
for (const c of rounds > 0 ? configs : configs.slice(0, 1)) {
  await use(c);
  const r = makeRunner(c.model, train);
  r.run(1); // optimizer slots, XNNPACK operators
  runners.set(c, r);
}

const results: Record<string, unknown> = { bench: 'wasm-cnn', batchSize, rounds, steps, cpuSteps, loadAverageBefore: loadavg()[0] };
const samplesPerSec = new Map<Config, number[]>(configs.map((c) => [c, []]));
const samplesPerCpuSec = new Map<Config, number[]>(configs.map((c) => [c, []]));
const gflops: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const c of configs) {
    await use(c);
    const { wall, cpu } = runners.get(c)!.run(c.steps);
    samplesPerSec.get(c)!.push((c.steps * batchSize) / (wall / 1000));
    samplesPerCpuSec.get(c)!.push((c.steps * batchSize) / (cpu / 1000));
  }
  await tf.setBackend('wasm');
  gflops.push(matMulGflops());
}
replaceStockWasmKernels();

if (rounds > 0) {
  const peak = median(gflops);
  results.matMulGflops = { median: peak, perRound: gflops };
  results.loadAverageAfter = loadavg()[0];
  console.error(`1-minute load average ${(results.loadAverageBefore as number).toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
  console.error(`\nmatMul 1024x1024 on wasm: ${peak.toFixed(1)} GFLOP/s (median; rounds: ${gflops.map((g) => g.toFixed(1)).join(', ')})`);
  console.error('\n| model | backend | samples/s (median) | per round | per CPU-second | GFLOP/s | share of wasm matMul peak |');
  console.error('| --- | --- | --- | --- | --- | --- | --- |');
  const medianOf = (key: string) => median(samplesPerSec.get(configs.find((c) => c.key === key)!)!);
  for (const c of configs) {
    const v = samplesPerSec.get(c)!;
    const s = median(v);
    const g = (s * flopsPerSample[c.model]) / 1e9;
    const [model, ...backend] = c.key.split(' ');
    const perCpu = median(samplesPerCpuSec.get(c)!);
    results[c.key] = { samplesPerSec: s, perRound: v, samplesPerCpuSecond: perCpu, gflops: g, shareOfPeak: g / peak };
    console.error(`| ${model} | ${backend.join(' ')} | ${s.toFixed(1)} | ${v.map((x) => x.toFixed(1)).join(', ')} | ${perCpu.toFixed(1)} | ${g.toFixed(2)} | ${((100 * g) / peak).toFixed(1)}% |`);
  }
  console.error(`cnn: wasm / cpu = ${(medianOf('cnn wasm') / medianOf('cnn cpu')).toFixed(1)}x; all rxtrain kernels / missing only = ${(medianOf('cnn wasm') / medianOf('cnn wasm, missing kernels only')).toFixed(2)}x`);
  console.error(`mlp: wasm / cpu = ${(medianOf('mlp wasm') / medianOf('mlp cpu')).toFixed(1)}x`);
}

if (profile) {
  await use(configs[0]!);
  const r = runners.get(configs[0]!)!;
  const profiled = 5;
  const info = await tf.profile(() => { for (let i = 0; i < profiled; i++) r.step(i); });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number) / profiled);
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.error(`\nwasm CNN step (mean of ${profiled}), kernel time by kernel (total ${total.toFixed(1)} ms):`);
  results.profileMsPerStep = Object.fromEntries([...byKernel].sort((a, b) => b[1] - a[1]));
  for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.error(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(7)} ms  ${((100 * ms) / total).toFixed(1)}%`);
  }
}

for (const [c, r] of runners) {
  await use(c);
  r.dispose();
}
replaceStockWasmKernels();

if (epochs > 0) {
  await tf.setBackend('wasm');
  const model = models.cnn();
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xs = tf.tensor4d(train.x, [train.length, 28, 28, 1]);
  const ys = tf.tensor1d(Int32Array.from(train.y), 'int32');
  const random = createRandom(7);
  const t0 = performance.now();
  for (let e = 0; e < epochs; e++) {
    const order = permutation(train.length, random);
    for (let start = 0; start < train.length; start += batchSize) {
      tf.tidy(() => {
        const idx = tf.tensor1d(order.subarray(start, Math.min(start + batchSize, train.length)), 'int32');
        const x = tf.gather(xs, idx);
        const y = tf.oneHot(tf.gather(ys, idx), 10);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
      });
    }
  }
  vars[0]!.dataSync();
  const seconds = (performance.now() - t0) / 1000;
  const accuracy = tf.tidy(() => {
    const logits = model.predict(tf.tensor4d(test.x, [test.length, 28, 28, 1]), { batchSize: 1000 }) as tf.Tensor;
    return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(Int32Array.from(test.y), 'int32')), 'float32')).dataSync()[0]!;
  });
  console.error(`\nCNN on wasm, ${epochs} epochs of 60k (shuffled, seed 7): ${seconds.toFixed(1)} s, ${((epochs * train.length) / seconds).toFixed(0)} samples/s including batching, t10k accuracy ${accuracy.toFixed(4)}`);
  results.epochs = { epochs, seconds, samplesPerSec: (epochs * train.length) / seconds, testAccuracy: accuracy };
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
}
console.log(JSON.stringify(results));
